import type { OrderState } from '../../domain/orderState.js';

/** An order's folded state as the projection keeps it, and when the log last heard of the order. */
export interface Remembered {
  readonly state: OrderState;
  readonly lastRecordedAt: Date;
  /** With write-back: rows not written yet. */
  dirty: boolean;
}

/** Orders whose folded state a worker keeps in memory unless told otherwise (`LEDGER_PROJECTION_MEMORY_ORDERS`). */
export const defaultMemoryOrders = 20_000;

/**
 * Folded order states in memory, at most `limit` of them, least recently
 * touched out first. Batches prepared but not committed sit in layers on
 * top, newest first, so the next batch folds on them while they are
 * written; a layer joins the base when its batch commits, and every layer
 * goes when a batch rolls back.
 */
export class OrderMemory {
  private readonly base = new Map<string, Remembered>();
  private readonly layers: Map<string, Remembered>[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the order memory holds at least one order, got ${limit}`);
  }

  get size(): number {
    return this.base.size;
  }

  /** The newest state of `orderKey`: from the newest layer that has it, else the base. */
  get(orderKey: string): Remembered | undefined {
    for (let i = this.layers.length - 1; i >= 0; i -= 1) {
      const found = this.layers[i]!.get(orderKey);
      if (found) return found;
    }
    return this.base.get(orderKey);
  }

  /** A new layer for one batch. */
  layer(): Map<string, Remembered> {
    const layer = new Map<string, Remembered>();
    this.layers.push(layer);
    return layer;
  }

  /** The oldest layer's batch committed: its states join the base (as the most recent), and the oldest ones beyond the limit leave. */
  commitOldest(): void {
    const layer = this.layers.shift();
    if (layer) for (const [key, value] of layer) this.put(key, value);
    this.trim();
  }

  /** Every uncommitted layer goes. */
  dropLayers(): void {
    this.layers.length = 0;
  }

  /** Straight into the base, with no layer (write-back: nothing to roll back). */
  put(orderKey: string, value: Remembered): void {
    this.base.delete(orderKey);
    this.base.set(orderKey, value);
  }

  /** Removes and returns the least recently touched states beyond the limit. */
  trim(): [string, Remembered][] {
    const out: [string, Remembered][] = [];
    for (const entry of this.base) {
      if (this.base.size <= this.limit) break;
      this.base.delete(entry[0]);
      out.push(entry);
    }
    return out;
  }

  /** Every state still marked dirty, now marked clean. */
  takeDirty(): [string, Remembered][] {
    const out: [string, Remembered][] = [];
    for (const entry of this.base) {
      if (!entry[1].dirty) continue;
      entry[1].dirty = false;
      out.push(entry);
    }
    return out;
  }
}

import type { OrderState } from '../../domain/orderState.js';

export interface CachedOrder {
  readonly state: OrderState;
  readonly revision: bigint;
}

/**
 * The folded state of recently touched orders, least recently used out first.
 * Only ever a starting point: a submission decided on cached state appends
 * with the cached revision as its expectation, so a stale entry costs one
 * refused append and a reload, never a wrong decision.
 */
export class OrderStateCache {
  private readonly entries = new Map<string, CachedOrder>();
  constructor(readonly capacity: number) {}

  get(orderKey: string): CachedOrder | undefined {
    const entry = this.entries.get(orderKey);
    if (entry) {
      this.entries.delete(orderKey);
      this.entries.set(orderKey, entry);
    }
    return entry;
  }

  set(orderKey: string, entry: CachedOrder): void {
    const current = this.entries.get(orderKey);
    if (current && current.revision > entry.revision) return;
    this.entries.delete(orderKey);
    this.entries.set(orderKey, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(orderKey: string): void {
    this.entries.delete(orderKey);
  }

  get size(): number {
    return this.entries.size;
  }
}

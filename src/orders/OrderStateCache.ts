import type { OrderState } from '../domain/orderState.js';
import { LruMap } from './LruMap.js';

export interface CachedOrder {
  readonly state: OrderState;
  readonly revision: bigint;
}

/** Orders the write side keeps folded unless told otherwise (`LEDGER_ORDER_CACHE_ORDERS`). */
export const defaultCachedOrders = 5_000;

/**
 * The folded state of recently touched orders, least recently used out first.
 * Only ever a starting point: a submission decided on cached state appends
 * with the cached revision as its expectation, so a stale entry costs one
 * refused append and a read of what the stream gained since, never a
 * wrong decision.
 */
export class OrderStateCache {
  private readonly entries: LruMap<string, CachedOrder>;
  constructor(readonly capacity: number) {
    this.entries = new LruMap(capacity);
  }

  get(orderKey: string): CachedOrder | undefined {
    return this.entries.get(orderKey);
  }

  set(orderKey: string, entry: CachedOrder): void {
    const current = this.entries.peek(orderKey);
    if (current && current.revision > entry.revision) return;
    this.entries.set(orderKey, entry);
  }

  /** Drops an entry that is ahead of its stream (a log restored to an earlier point). */
  forget(orderKey: string): void {
    this.entries.delete(orderKey);
  }

  get size(): number {
    return this.entries.size;
  }
}

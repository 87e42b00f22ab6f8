import type { DomainEvent } from './events.js';
import { evolveAll, type FoldOptions } from './evolve.js';
import { initialOrderState, type OrderState } from './orderState.js';

/** The state of an order after its events, in stream order. */
export function foldOrder(events: Iterable<DomainEvent>, from: OrderState = initialOrderState, options?: FoldOptions): OrderState {
  return evolveAll(from, events, options);
}

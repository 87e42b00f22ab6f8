import { foldOrder } from '../domain/foldOrder.js';
import type { OrderState } from '../domain/orderState.js';
import { orderStatus, terminalOrderStatuses } from '../domain/orderStatus.js';
import type { EventStore } from '../eventstore/EventStore.js';
import { orderEventsOf } from './orderEventsOf.js';
import type { ValueAtRisk } from './runIntegrator.js';

/**
 * docs/domain.md §4 backlog value of one order: Σ open × net unit price over its
 * lines, 0 once the order is rejected, cancelled or closed.
 */
export function openValue(state: OrderState): number {
  if (terminalOrderStatuses.includes(orderStatus(state))) return 0;
  const sum = Object.values(state.lines).reduce((total, line) => total + line.buckets.open * (line.unitNetPrice ?? 0), 0);
  return Math.round(sum * 100) / 100;
}

/** The parking priority of an event: its order's open value at risk now, folded from the order's stream. */
export function orderValueAtRisk(store: EventStore): ValueAtRisk {
  return async (event) => {
    const { events } = await orderEventsOf(store.readStream(event.streamId));
    const state = foldOrder(events);
    return { priority: openValue(state), ...(state.header ? { currency: state.header.currency } : {}) };
  };
}

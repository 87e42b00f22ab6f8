import { foldOrder } from '../domain/foldOrder.js';
import { openValue } from '../domain/orderValue.js';
import type { EventStore } from '../eventstore/EventStore.js';
import { orderEventsOf } from './orderEventsOf.js';
import type { ValueAtRisk } from './runIntegrator.js';

/** The parking priority of an event: its order's open value at risk now, folded from the order's stream. */
export function orderValueAtRisk(store: EventStore): ValueAtRisk {
  return async (event) => {
    const { events } = await orderEventsOf(store.readStream(event.streamId));
    const state = foldOrder(events);
    return { priority: openValue(state), ...(state.header ? { currency: state.header.currency } : {}) };
  };
}

import type { EventStore } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { generateOrder, seededRandom, type GeneratedOrder } from './orderHistoryGenerator.js';

export interface LoadOrdersOptions {
  readonly events: number;
  /** Orders in flight at once: each order's phases are appended in turn across this window, so orders interleave in the log as in a real day. */
  readonly window: number;
  readonly writers: number;
  readonly log: (message: string) => void;
}

/**
 * Generates orders until `events` events are appended, through the real
 * adapter (one append per order phase). Returns the number appended.
 */
export async function loadOrders(store: EventStore, options: LoadOrdersOptions): Promise<number> {
  const random = seededRandom(42);
  const base = Date.parse('2025-03-03T08:00:00Z');
  let appended = 0;
  let index = 0;
  let active: { order: GeneratedOrder; phase: number }[] = [];
  let lastReport = 0;
  while (appended < options.events || active.length > 0) {
    while (active.length < options.window && appended < options.events) {
      const order = generateOrder(index, base + index * 1_440, random);
      index += 1;
      appended += order.phases.reduce((sum, phase) => sum + phase.length, 0);
      active.push({ order, phase: 0 });
    }
    // One round: the next phase of every order in the window, `writers` appends at a time.
    const round = active;
    for (let i = 0; i < round.length; i += options.writers) {
      await Promise.all(round.slice(i, i + options.writers).map(async (item) => {
        const events = item.order.phases[item.phase]!;
        if (events.length > 0) await store.append(orderStreamId(item.order.orderKey), events, { expectedRevision: 'any' });
        item.phase += 1;
      }));
    }
    active = round.filter((item) => item.phase < item.order.phases.length);
    if (appended - lastReport >= 100_000) {
      options.log(`  generated ${appended} events (${index} orders)`);
      lastReport = appended;
    }
  }
  return appended;
}

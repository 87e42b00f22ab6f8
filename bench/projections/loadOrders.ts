import type { EventStore, EventToAppend } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { generateOrder, seededRandom, type GeneratedOrder } from './orderHistoryGenerator.js';

export interface LoadOrdersOptions {
  readonly events: number;
  /** Orders in flight at once: each order's phases are appended in turn across this window, so orders interleave in the log as in a real day. */
  readonly window: number;
  readonly writers: number;
  readonly log: (message: string) => void;
  /** Multiplies the mean lines per order (default 1: the docs/domain.md §6 mix). */
  readonly lineScale?: number;
}

/** One append: the next phase of one order. */
export interface OrderAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
}

/**
 * The generated day as rounds: each round is the next phase of every order
 * in the window, until `events` events are out. Seeded: every run, and
 * every loader, gets the same orders in the same rounds.
 */
export function* orderRounds(events: number, window: number, lineScale = 1): Generator<OrderAppend[]> {
  const random = seededRandom(42);
  const base = Date.parse('2025-03-03T08:00:00Z');
  let generated = 0;
  let index = 0;
  let active: { order: GeneratedOrder; phase: number }[] = [];
  while (generated < events || active.length > 0) {
    while (active.length < window && generated < events) {
      const order = generateOrder(index, base + index * 1_440, random, lineScale);
      index += 1;
      generated += order.phases.reduce((sum, phase) => sum + phase.length, 0);
      active.push({ order, phase: 0 });
    }
    const round: OrderAppend[] = [];
    for (const item of active) {
      const phase = item.order.phases[item.phase]!;
      if (phase.length > 0) round.push({ streamId: orderStreamId(item.order.orderKey), events: phase });
      item.phase += 1;
    }
    active = active.filter((item) => item.phase < item.order.phases.length);
    yield round;
  }
}

/**
 * Appends the generated day through the real adapter (one append per order
 * phase, `writers` at a time). Returns the number appended.
 */
export async function loadOrders(store: EventStore, options: LoadOrdersOptions): Promise<number> {
  let appended = 0;
  let lastReport = 0;
  for (const round of orderRounds(options.events, options.window, options.lineScale)) {
    for (let i = 0; i < round.length; i += options.writers) {
      await Promise.all(round.slice(i, i + options.writers).map(async (append) => {
        await store.append(append.streamId, append.events, { expectedRevision: 'any' });
        appended += append.events.length;
      }));
    }
    if (appended - lastReport >= 100_000) {
      options.log(`  generated ${appended} events`);
      lastReport = appended;
    }
  }
  return appended;
}

import { BusinessClock } from './BusinessClock.js';
import { generateOrder } from './generateOrder.js';
import { defaultMess, type MessRates } from './integrationMess.js';
import { Prng } from './Prng.js';
import type { SimOrder } from './SimEvent.js';

export interface DayOptions {
  readonly orders: number;
  readonly seed: number;
  /** Business days the orders arrive over. */
  readonly days: number;
  /** First day (UTC); weekends are skipped. */
  readonly start: Date;
  /** Leave out facts after this instant (orders still in flight at "now"). */
  readonly cutoff?: Date | undefined;
  readonly mess?: MessRates;
}

/**
 * A distributor's day(s) per docs/domain.md §6, order by order in arrival order.
 * Lazy, so a peak day of millions of events never sits in memory; each order
 * comes from its own PRNG stream, so the result is a pure function of the options.
 */
export function* generateDay(options: DayOptions): Generator<SimOrder> {
  const clock = new BusinessClock(options.start, options.days);
  const arrivals = new Prng(options.seed, 0x5eed);
  const times = Float64Array.from({ length: options.orders }, () => clock.arrival(arrivals, arrivals.chance(0.55))).sort();
  const cutoff = options.cutoff?.getTime();
  for (let index = 0; index < options.orders; index++) {
    yield generateOrder({ seed: options.seed, index, receivedAt: times[index]!, clock, mess: options.mess ?? defaultMess, cutoff });
  }
}

import { orderLineEvents } from './payload.js';
import type { AppendTargetFactory } from './targets.js';
import type { Log } from './workloads.js';
import { millions } from './workloads.js';

export interface LoadOptions {
  readonly from: number;
  readonly to: number;
  readonly writers: number;
  /** Events per append; each append starts a new stream. */
  readonly perCall: number;
  readonly tag: string;
  readonly log: Log;
}

/**
 * Grows a log from `from` to `to` events through the store's own append
 * path (`writers` concurrent writers, `perCall` events per append), and
 * returns the rate it loaded at: a figure of its own.
 */
export async function loadLog(open: AppendTargetFactory, options: LoadOptions): Promise<number> {
  const target = await open(options.writers);
  const total = options.to - options.from;
  let issued = 0;
  let done = 0;
  let nextReport = 0.1;
  const started = performance.now();
  const writer = async (): Promise<void> => {
    while (issued < total) {
      const count = Math.min(options.perCall, total - issued);
      const stream = `load-${options.tag}-${options.from + issued}`;
      issued += count;
      await target.append(stream, 0, orderLineEvents(stream, 0, count));
      done += count;
      if (done / total >= nextReport) {
        const rate = done / ((performance.now() - started) / 1000);
        options.log(`  loading: ${millions(options.from + done)} of ${millions(options.to)} (${Math.round(rate)} events/s)`);
        nextReport += 0.1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.writers }, writer));
  } finally {
    await target.close();
  }
  return total / ((performance.now() - started) / 1000);
}

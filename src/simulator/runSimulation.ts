import type { SourceSystemKind } from '../domain/sourceSystems.js';
import { generateDay } from './generateDay.js';
import { defaultMess, noMess } from './integrationMess.js';
import { readKeysFile } from './readKeysFile.js';
import { dayWindow, type SimulationFlags } from './simulationFlags.js';
import { startEmbeddedLedger, type EmbeddedLedger } from './startEmbeddedLedger.js';
import { submitDay } from './submitDay.js';
import type { SimulationSummary } from './SubmitTally.js';

export interface SimulationRun {
  readonly summary: SimulationSummary;
  readonly url: string;
  readonly start: Date;
  /** The embedded service, still running, when the flags asked for one; the caller stops it. */
  readonly embedded: EmbeddedLedger | undefined;
}

/** Generates the day the flags describe and submits it, to a running service or an embedded one. */
export async function runSimulation(flags: SimulationFlags, log: (line: string) => void, progress: NodeJS.WriteStream | undefined): Promise<SimulationRun> {
  const { start, cutoff } = dayWindow(flags, new Date());
  let keys: Partial<Record<SourceSystemKind, string>>;
  let url = flags.url;
  let embedded: EmbeddedLedger | undefined;
  if (flags.embedded) {
    log('starting an embedded order-ledger (its own PostgreSQL in a temp folder)…');
    embedded = await startEmbeddedLedger();
    keys = embedded.keys;
    url = embedded.url;
    log(`service at ${url}`);
  } else {
    keys = await readKeysFile(flags.keys!);
  }
  try {
    log(`simulating ${flags.orders.toLocaleString('en-US')} orders over ${flags.days} business day(s) from ${start.toISOString().slice(0, 10)}, seed ${flags.seed}${flags.rate ? `, ${flags.rate}/s` : ', as fast as possible'}, ${flags.batch ? `${flags.concurrency} senders of batches of up to ${flags.batch}` : `${flags.concurrency} orders at a time`}`);
    const orders = generateDay({ orders: flags.orders, seed: flags.seed, days: flags.days, start, cutoff, mess: flags.tidy ? noMess : defaultMess });
    const summary = await submitDay(orders, { url, keys, concurrency: flags.concurrency, batch: flags.batch, rate: flags.rate, totalOrders: flags.orders, progress });
    return { summary, url, start, embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

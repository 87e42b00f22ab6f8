import { attachDriftingCrm, type AttachedCrm } from './attachDriftingCrm.js';
import { generateDay } from './generateDay.js';
import { HttpClient } from './HttpClient.js';
import { defaultMess, noMess } from './integrationMess.js';
import { readKeysFile, type SimulationKeys } from './readKeysFile.js';
import { dayWindow, type SimulationFlags } from './simulationFlags.js';
import { startEmbeddedLedger, type EmbeddedLedger } from './startEmbeddedLedger.js';
import { submitDay } from './submitDay.js';
import type { SimulationSummary } from './SubmitTally.js';

export interface SimulationRun {
  readonly summary: SimulationSummary;
  readonly url: string;
  readonly start: Date;
  /** The embedded service, still running, when the flags asked for one; `finish` stops it. */
  readonly embedded: EmbeddedLedger | undefined;
  /** The drifting CRM when the flags asked for one: settled (every delivery taken in or lost, every receipt recorded). */
  readonly crm: AttachedCrm | undefined;
  /** A key of read scope for the reports. */
  readonly readKey: string | undefined;
  /** Stops the drifting CRM (deleting its integrator on a running service) and the embedded service. */
  finish(): Promise<void>;
}

/** Generates the day the flags describe and submits it, to a running service or an embedded one. */
export async function runSimulation(flags: SimulationFlags, log: (line: string) => void, progress: NodeJS.WriteStream | undefined): Promise<SimulationRun> {
  const { start, cutoff } = dayWindow(flags, new Date());
  let keys: SimulationKeys;
  let url = flags.url;
  let embedded: EmbeddedLedger | undefined;
  if (flags.embedded) {
    log('starting an embedded order-ledger (its own PostgreSQL in a temp folder)…');
    embedded = await startEmbeddedLedger();
    keys = { ...embedded.keys, ADMIN: embedded.adminKey };
    url = embedded.url;
    log(`service at ${url}`);
  } else {
    keys = await readKeysFile(flags.keys!);
  }
  const client = new HttpClient(new URL(url), 4);
  let crm: AttachedCrm | undefined;
  const finish = async () => {
    await crm?.detach({ deleteIntegrator: embedded === undefined });
    client.close();
    await embedded?.stop();
  };
  try {
    if (flags.crm) {
      if (!keys.ADMIN) throw new Error('--drifting-crm: the keys file needs the ADMIN key (admin scope) to register the CRM as an integrator');
      crm = await attachDriftingCrm(client, { admin: keys.ADMIN, crm: keys.CRM! }, flags.crm, flags.seed);
      log(`drifting CRM at ${crm.receiver.url}: loses ${pct(flags.crm.drop)} of deliveries, takes ${pct(flags.crm.delay)} in ${flags.crm.delayMs} ms late`);
    }
    log(`simulating ${flags.orders.toLocaleString('en-US')} orders over ${flags.days} business day(s) from ${start.toISOString().slice(0, 10)}, seed ${flags.seed}${flags.rate ? `, ${flags.rate}/s` : ', as fast as possible'}, ${flags.batch ? `${flags.concurrency} senders of batches of up to ${flags.batch}` : `${flags.concurrency} orders at a time`}`);
    const orders = generateDay({ orders: flags.orders, seed: flags.seed, days: flags.days, start, cutoff, mess: flags.tidy ? noMess : defaultMess });
    const summary = await submitDay(orders, { url, keys, concurrency: flags.concurrency, batch: flags.batch, rate: flags.rate, totalOrders: flags.orders, progress });
    if (crm) {
      log('waiting for the drifting CRM to be sent every event and to acknowledge what it took in…');
      await crm.settle();
    }
    return { summary, url, start, embedded, crm, readKey: embedded?.readerKey ?? keys.ADMIN ?? keys.CRM, finish };
  } catch (error) {
    await finish();
    throw error;
  }
}

const pct = (share: number) => `${(share * 100).toFixed(1).replace(/\.0$/, '')}%`;

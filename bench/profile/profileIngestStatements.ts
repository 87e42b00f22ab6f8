/**
 * Statements a submission, by statement:
 *   npx tsx bench/profile/profileIngestStatements.ts [--orders 1500] [--batch 100] [--concurrency 8]
 * Starts its own PostgreSQL with pg_stat_statements (profileServer.ts), the
 * service in a Node process of its own with LEDGER_PROJECTIONS=off, and
 * submits a simulated day from this process: one request per event (64
 * orders at a time), or with --batch through POST /v1/batches. Prints the
 * rate, the service's CPU a submission and the statements the service sent,
 * each as calls a submission.
 */
import pg from 'pg';
import { generateDay } from '../../src/simulator/generateDay.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import { benchKeys } from '../http/benchKeys.js';
import { cpuSeconds } from '../http/processCpu.js';
import { spawnBenchService } from '../http/spawnBenchService.js';
import { startProfileServer } from './profileServer.js';

const flag = (name: string, fallback: number | undefined): number | undefined => {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: "${process.argv[at + 1]}" is not a positive whole number`);
  return value;
};
const orders = flag('--orders', 1500)!;
const batch = flag('--batch', undefined);
const concurrency = flag('--concurrency', batch ? 8 : 64)!;

const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  const keys = await benchKeys(url);
  const service = await spawnBenchService({ databaseUrl: url, env: { LEDGER_PROJECTIONS: 'off' } });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('SELECT pg_stat_statements_reset()');
    const before = await cpuSeconds(service.pid);
    const day = generateDay({ orders, seed: 7, days: 1, start: new Date('2026-11-02T00:00:00Z') });
    const summary = await submitDay(day, { url: service.url, keys: keys.keys, concurrency, batch });
    const cpu = (await cpuSeconds(service.pid)) - before;
    const { rows } = await admin.query<{ calls: string; query: string }>(
      `SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS query FROM pg_stat_statements
        WHERE toplevel AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 12`);
    console.log(`${summary.submitted} submissions (${batch ? `batches of up to ${batch}, ${concurrency} senders` : `one request per event, ${concurrency} orders at a time`}) in ${summary.wallSeconds.toFixed(1)} s: ${Math.round(summary.submitted / summary.wallSeconds)}/s, service CPU ${((cpu * 1e6) / summary.submitted).toFixed(0)} µs a submission`);
    console.log('calls\ta submission\tstatement');
    for (const r of rows) console.log(`${r.calls}\t${(Number(r.calls) / summary.submitted).toFixed(3)}\t${r.query}`);
  } finally {
    await admin.end();
    await service.stop();
  }
} finally {
  await server.stop();
}

/**
 * CPU per submission, service and simulator apart:
 *   npx tsx bench/profile/profileIngest.ts [--orders 1500] [--batch 100] [--concurrency 8]
 *   BENCH_HTTP_CPU_PROF=/tmp/prof npx tsx bench/profile/profileIngest.ts …   (service under --cpu-prof)
 * Starts its own PostgreSQL, the service in a Node process of its own with
 * LEDGER_PROJECTIONS=off, and submits a simulated day from this process: one
 * request per event, or with --batch through POST /v1/batches. Prints the
 * rate and the CPU each process spent per submission (PostgreSQL has the rest).
 */
import { generateDay } from '../../src/simulator/generateDay.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import { startBenchServer } from '../harness/server.js';
import { benchKeys } from '../http/benchKeys.js';
import { cpuSeconds } from '../http/processCpu.js';
import { spawnBenchService } from '../http/spawnBenchService.js';

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

const server = await startBenchServer((m) => process.stderr.write(`${m}\n`));
try {
  const database = await server.createDatabase('ingest_profile', { migrated: true });
  const keys = await benchKeys(database.url);
  const service = await spawnBenchService({
    databaseUrl: database.url, cpuProfDir: process.env.BENCH_HTTP_CPU_PROF || undefined, env: { LEDGER_PROJECTIONS: 'off' },
  });
  try {
    const serviceBefore = await cpuSeconds(service.pid);
    const ownBefore = process.cpuUsage();
    const day = generateDay({ orders, seed: 7, days: 1, start: new Date('2026-11-02T00:00:00Z') });
    const summary = await submitDay(day, { url: service.url, keys: keys.keys, concurrency, batch });
    const serviceCpu = (await cpuSeconds(service.pid)) - serviceBefore;
    const own = process.cpuUsage(ownBefore);
    const perSubmission = (seconds: number) => ((seconds * 1000) / summary.submitted).toFixed(2);
    console.log(JSON.stringify({ ...summary, transport: batch ? `batches of up to ${batch}, ${concurrency} senders` : `one request per event, ${concurrency} orders at a time` }, null, 2));
    console.log(`${Math.round(summary.submitted / summary.wallSeconds)} submissions/s; CPU per submission: service ${perSubmission(serviceCpu)} ms, simulator ${perSubmission((own.user + own.system) / 1e6)} ms`);
  } finally {
    await service.stop();
    await database.drop();
  }
} finally {
  await server.stop();
}

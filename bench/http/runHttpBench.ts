/**
 * HTTP ingest: `npm run bench -- http` through the harness, or standalone
 * `npx tsx bench/http/runHttpBench.ts [--quick] [--connections 1,16,64,256]`
 * (own embedded PostgreSQL unless DATABASE_URL). Set BENCH_HTTP_CPU_PROF=<dir>
 * to run the service under `node --cpu-prof` and summarise where its time goes,
 * BENCH_HTTP_INSTANCES=<n> to run it as n processes on one port (node:cluster,
 * clusterService.ts; its CPU is then that of all of them together).
 *
 * In one run, one after the other on the same machine: our single-transition
 * POST at each connection count; the same requests through a bare fastify+zod
 * route (bareRoute.ts), the framework's limit here; and `POST /v1/batches`
 * with 100 items. The service's CPU (user + system, from /proc) is divided by
 * the transitions it answered, which holds on a busy machine where rates do not.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { planFor } from '../harness/plan.js';
import { missedBy } from '../harness/readme.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { startBenchServer } from '../harness/server.js';
import { spreadOf, type Spread } from '../harness/stats.js';
import { loadAverage } from '../harness/machine.js';
import { benchKeys } from './benchKeys.js';
import { batchRun, ingestRun, type IngestRun } from './ingestRun.js';
import { phaseMeans, phaseTotals } from './phaseTimes.js';
import { withCpuOf } from './processCpu.js';
import { spawnBenchService, type BenchService } from './spawnBenchService.js';
import { summariseCpuProfile } from './summariseCpuProfile.js';
import { TransitionFeed } from './TransitionFeed.js';

const defaultConnections = [1, 16, 64, 256];
const batchSize = 100;
const batchConnections = 8;
const bareEntry = fileURLToPath(new URL('./bareRoute.ts', import.meta.url));
const clusterEntry = fileURLToPath(new URL('./clusterService.ts', import.meta.url));

type Measured = IngestRun & { cpuSeconds: number };

/**
 * The service as it would ingest apart from reporting (no projections), with
 * the adaptive shedding out of reach: autocannon resends at once instead of
 * waiting the Retry-After, so under shedding it measures a retry storm, not
 * capacity (bench/http/backPressureBench.ts measures shedding, with clients
 * that wait). The in-flight bound stays, above the largest connection count.
 */
const capacityEnv = { LEDGER_PROJECTIONS: 'off', LEDGER_APPEND_LATENCY_TARGET_MS: '100000', LEDGER_MAX_IN_FLIGHT_APPENDS: '1024' };

export async function runHttpBench(context: SectionContext, connectionsList: readonly number[] = defaultConnections): Promise<SectionOutput> {
  const { plan, log } = context;
  const seconds = Math.max(2, plan.seconds);
  const database = await context.server.createDatabase('http', { migrated: true });
  const keys = await benchKeys(database.url);
  const cpuProfDir = process.env.BENCH_HTTP_CPU_PROF || undefined;
  const figures: Figure[] = [];
  const notes: string[] = [];
  let seed = Number.parseInt(context.tag.slice(0, 6), 16);
  // Orders enough for `rate` transitions/s (a simulated order has ~14), with `window` of them ready at once.
  const feed = (rate: number, window: number) => new TransitionFeed(++seed, Math.ceil((rate * seconds) / 14) + window, keys.keys, window);
  const repeat = async (pids: readonly number[], label: string, run: () => Promise<IngestRun>): Promise<Measured[]> => {
    const runs: Measured[] = [];
    for (let r = 0; r < plan.repetitions; r++) {
      const measured = await withCpuOf(pids, run);
      log(`${label}: ${Math.round(measured.transitionsPerSecond)}/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, p99.9 ${measured.p999} ms, statuses ${JSON.stringify(measured.statuses)}, ${cpuMicros(measured).toFixed(0)} µs service CPU per transition`);
      runs.push(measured);
    }
    return runs;
  };

  // 1. Our service, one transition per request, then 100 per batch.
  const instances = Number(process.env.BENCH_HTTP_INSTANCES || '1');
  const service = await spawnBenchService({
    databaseUrl: database.url, cpuProfDir, env: { ...capacityEnv, BENCH_HTTP_INSTANCES: String(instances) }, ...(instances > 1 ? { entry: clusterEntry } : {}),
  });
  const ours = new Map<number, Measured[]>();
  let batches: Measured[] = [];
  try {
    for (const connections of connectionsList) {
      await ingestRun(service.url, feed(1000, connections * 16), connections, 1);
      const before = await phaseTotals(service.url, keys.reader);
      const runs = await repeat(service.pids, `http ${connections} conn`, () => ingestRun(service.url, feed(8000, connections * 16), connections, seconds));
      ours.set(connections, runs);
      const phases = phaseMeans(before, await phaseTotals(service.url, keys.reader));
      figures.push(latencyFigure(`http.ingest.${connections}`, 'POST one new transition (a tidy simulated day, each order in sequence)', connections, 'transitions/s', runs,
        connections === 64 ? { value: 5000, text: '≥ 5,000/s' } : undefined));
      notes.push(`${connections} connection(s): p50 / p99 / p99.9 ${median(runs, 'p50')} / ${median(runs, 'p99')} / ${median(runs, 'p999')} ms; answers by status ${statusText(runs)}; service CPU ${cpuMicros(medianRun(runs)).toFixed(0)} µs per transition; in the handler ${phases.requestMs.toFixed(1)} ms per request, of which ${phases.appendMs.toFixed(1)} ms in the event-store append.`);
      if (connections === 64) {
        figures.push({ key: 'http.p99.64', work: 'p99 latency of one transition', concurrency: '64 connections', unit: 'ms', value: spreadOf(runs.map((r) => r.p99)), target: { value: 50, text: '< 50 ms', lowerIsBetter: true } });
      }
    }
    const window = batchSize * batchConnections * 6;
    await batchRun(service.url, feed(3000, window), batchConnections, 1, batchSize);
    batches = await repeat(service.pids, `http batches of ${batchSize}, ${batchConnections} conn`, () => batchRun(service.url, feed(20_000, window), batchConnections, seconds, batchSize));
    figures.push(latencyFigure('http.batch.100', `POST /v1/batches, ${batchSize} new transitions of one system per request`, batchConnections, 'transitions/s', batches, { value: 15_000, text: '≥ 15,000/s' }));
    notes.push(`Batches (${batchConnections} connections, ${batchSize} items each): latency of a whole batch request p50 / p99 ${median(batches, 'p50')} / ${median(batches, 'p99')} ms; answers by status ${statusText(batches)}.`);
  } finally {
    await service.stop();
    await database.drop();
  }

  // 2. The same requests through a bare fastify+zod route.
  const bare = await startBare(database.url);
  const bareRuns = new Map<number, Measured[]>();
  try {
    for (const connections of connectionsList) {
      await ingestRun(bare.url, feed(5000, connections * 16), connections, 1);
      const runs = await repeat(bare.pids, `bare fastify+zod ${connections} conn`, () => ingestRun(bare.url, feed(30_000, connections * 16), connections, seconds));
      bareRuns.set(connections, runs);
      figures.push(latencyFigure(`http.bare.${connections}`, 'Bare fastify + zod: the same POSTs, body validated and answered 201', connections, 'requests/s', runs));
    }
  } finally {
    await bare.stop();
  }

  // 3. CPU per transition, and how far each target is.
  const cpu = (runs: Measured[] | undefined) => spreadOf((runs ?? []).map(cpuMicros));
  const at64 = ours.get(64) ?? [...ours.values()].at(-1);
  if (at64) figures.push({ key: 'http.cpu.single', work: 'service CPU per single submission (user + system)', concurrency: `${ours.has(64) ? 64 : connectionsList.at(-1)} connections`, unit: 'µs', value: cpu(at64), target: { value: 150, text: '≤ 150 µs', lowerIsBetter: true } });
  if (batches.length > 0) figures.push({ key: 'http.cpu.batch', work: 'service CPU per transition through batches of 100', concurrency: `${batchConnections} connections`, unit: 'µs', value: cpu(batches) });
  const bare64 = bareRuns.get(64) ?? [...bareRuns.values()].at(-1);
  if (bare64) figures.push({ key: 'http.cpu.bare', work: 'bare fastify + zod: CPU per request', concurrency: `${bareRuns.has(64) ? 64 : connectionsList.at(-1)} connections`, unit: 'µs', value: cpu(bare64) });
  for (const connections of connectionsList) {
    const ratio = (spreadOf((ours.get(connections) ?? []).map((r) => r.transitionsPerSecond)).median) / spreadOf((bareRuns.get(connections) ?? []).map((r) => r.transitionsPerSecond)).median;
    notes.push(`${connections} connection(s): ours is ${ratio.toFixed(3)}× the bare fastify+zod route${connections === 64 ? ' (target ≥ 0.2×)' : ''}; bare CPU ${cpuMicros(medianRun(bareRuns.get(connections)!)).toFixed(0)} µs per request.`);
  }
  for (const figure of figures) {
    const missed = figure.target ? missedBy(figure.value.median, figure.target) : undefined;
    if (missed) log(`target missed: ${figure.work}, ${figure.concurrency}: ${Math.round(figure.value.median).toLocaleString('en-US')} ${figure.unit} against ${figure.target!.text}, ${missed}`);
  }
  notes.push(`The service ran ${instances > 1 ? `as ${instances} Node processes on one port (node:cluster; CPU is theirs together)` : 'in its own Node process'} with ${Object.entries(capacityEnv).map(([k, v]) => `${k}=${v}`).join(' ')} (ingest apart from reporting, no adaptive shedding: autocannon does not wait a Retry-After); client (autocannon, this process), service and PostgreSQL share the machine's cores; each run is closed-loop, ${seconds} s after a 1 s warm-up. 1-min load average at the end ${loadAverage()}.`);
  if (cpuProfDir) notes.push(...(await summariseCpuProfile(cpuProfDir)));
  return { figures, notes };
}

function startBare(databaseUrl: string): Promise<BenchService> {
  return spawnBenchService({ databaseUrl, entry: bareEntry });
}

function cpuMicros(run: Measured): number {
  return run.transitions > 0 ? (run.cpuSeconds * 1e6) / run.transitions : Number.NaN;
}

function latencyFigure(key: string, work: string, connections: number, unit: string, runs: readonly Measured[], target?: Figure['target']): Figure {
  const spread = (pick: (r: Measured) => number): Spread => spreadOf(runs.map(pick));
  return {
    key, work, concurrency: `${connections} connection${connections > 1 ? 's' : ''}`, unit,
    value: spread((r) => r.transitionsPerSecond), p50Ms: spread((r) => r.p50), p99Ms: spread((r) => r.p99), p999Ms: spread((r) => r.p999),
    ...(target ? { target } : {}),
  };
}

function median(runs: readonly Measured[], field: 'p50' | 'p99' | 'p999'): number {
  return spreadOf(runs.map((r) => r[field])).median;
}

function medianRun(runs: readonly Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => cpuMicros(a) - cpuMicros(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function statusText(runs: readonly Measured[]): string {
  const total: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.statuses)) total[code] = (total[code] ?? 0) + n;
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  return `${Object.entries(total).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none'}${errors > 0 ? `; ${errors} connection errors or timeouts` : ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--connections');
  const connections = at >= 0 ? (args[at + 1] ?? '').split(',').map(Number) : defaultConnections;
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const server = await startBenchServer(log);
  try {
    const output = await runHttpBench({ server, plan: planFor(args), log, tag: Date.now().toString(16).slice(-8) }, connections);
    console.log(JSON.stringify(output, null, 2));
  } finally {
    await server.stop();
  }
}

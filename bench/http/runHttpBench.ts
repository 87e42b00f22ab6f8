/**
 * HTTP ingest: `npm run bench -- http` through the harness, or standalone
 * `npx tsx bench/http/runHttpBench.ts [--quick] [--connections 1,16,64]`
 * (own embedded PostgreSQL unless DATABASE_URL). Set BENCH_HTTP_CPU_PROF=<dir>
 * to run the service under `node --cpu-prof` and summarise where its time goes.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { planFor } from '../harness/plan.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { startBenchServer } from '../harness/server.js';
import { spreadOf } from '../harness/stats.js';
import { benchKeys } from './benchKeys.js';
import { ingestRun, type IngestRun } from './ingestRun.js';
import { phaseMeans, phaseTotals } from './phaseTimes.js';
import { spawnBenchService } from './spawnBenchService.js';
import { summariseCpuProfile } from './summariseCpuProfile.js';
import { TransitionFeed } from './TransitionFeed.js';

const defaultConnections = [1, 16, 64];

export async function runHttpBench(context: SectionContext, connectionsList: readonly number[] = defaultConnections): Promise<SectionOutput> {
  const { plan, log } = context;
  const seconds = Math.max(2, plan.seconds);
  const database = await context.server.createDatabase('http', { migrated: true });
  const keys = await benchKeys(database.url);
  const cpuProfDir = process.env.BENCH_HTTP_CPU_PROF || undefined;
  const service = await spawnBenchService({ databaseUrl: database.url, cpuProfDir });
  const figures: Figure[] = [];
  const notes: string[] = [];
  let seed = Number.parseInt(context.tag.slice(0, 6), 16);
  try {
    for (const connections of connectionsList) {
      const feed = () => new TransitionFeed(++seed, Math.ceil((8000 * seconds) / 14) + connections * 16, keys.keys, connections * 16);
      await ingestRun(service.url, feed(), connections, 1);
      const runs: IngestRun[] = [];
      const before = await phaseTotals(service.url, keys.reader);
      for (let r = 0; r < plan.repetitions; r++) {
        const run = await ingestRun(service.url, feed(), connections, seconds);
        log(`http ${connections} conn: ${Math.round(run.transitionsPerSecond)}/s, p50 ${run.p50} ms, p99 ${run.p99} ms, p99.9 ${run.p999} ms, statuses ${JSON.stringify(run.statuses)}`);
        runs.push(run);
      }
      const phases = phaseMeans(before, await phaseTotals(service.url, keys.reader));
      figures.push({
        key: `http.ingest.${connections}`,
        work: 'POST one new transition (a tidy simulated day, each order in sequence)',
        concurrency: `${connections} connection${connections > 1 ? 's' : ''}`,
        unit: 'transitions/s',
        value: spreadOf(runs.map((r) => r.transitionsPerSecond)),
        p50Ms: spreadOf(runs.map((r) => r.p50)),
        p99Ms: spreadOf(runs.map((r) => r.p99)),
        ...(connections === 64 ? { target: { value: 5000, text: '≥ 5,000/s (issue 7)' } } : {}),
      });
      if (connections === 64) {
        figures.push({ key: 'http.p99.64', work: 'p99 latency of one transition', concurrency: '64 connections', unit: 'ms', value: spreadOf(runs.map((r) => r.p99)), target: { value: 50, text: '< 50 ms (issue 7)', lowerIsBetter: true } });
      }
      const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
      notes.push(`${connections} connection(s): p99.9 ${spreadOf(runs.map((r) => r.p999)).median} ms; in the handler ${phases.requestMs.toFixed(1)} ms per transition, of which ${phases.appendMs.toFixed(1)} ms in the event-store append (the rest: loading and folding the order's stream, alias look-ups, decide, HTTP); ${bad} non-2xx answers or errors.`);
    }
    notes.push(`Client (autocannon) and service (its own Node process) share the machine's cores with PostgreSQL; 1-min load average at the end ${loadavg()[0]!.toFixed(2)}.`);
  } finally {
    await service.stop();
    await database.drop();
  }
  if (cpuProfDir) notes.push(...(await summariseCpuProfile(cpuProfDir)));
  return { figures, notes };
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

/**
 * `npm run bench -- projections`: a generated log of BENCH_PROJECTIONS_EVENTS
 * events (default 1,000,000; 100,000 with --quick) bulk-loaded as the
 * Postgres adapter writes them (bulkLoadOrders.ts), then, over that one log: the in-process readAll rate
 * (the ceiling), a rebuild of all projections together and of each alone,
 * for every partition count in BENCH_PROJECTIONS_PARTITIONS (default 1,4),
 * each with its rate, CPU per 1,000 events on both sides and memory.
 */
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { loadAverage } from '../harness/machine.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { spreadOf } from '../harness/stats.js';
import { gcExposed, serverCpuOf } from '../harness/usage.js';
import { bulkLoadOrders } from './bulkLoadOrders.js';
import { readAllCeiling, rebuildPage, rebuildTogether, type Run, type RunContext } from './rebuildRuns.js';
import { cpuFigures, memoryFigures, usageText } from './usageFigures.js';

/** Rebuild target for every read model together (and ≥ 0.6× the readAll ceiling, in comparisons.ts). */
const target = { value: 30_000, text: '≥ 30,000 events/s' };

export async function runProjectionsBench(context: SectionContext): Promise<SectionOutput> {
  const events = Number(process.env.BENCH_PROJECTIONS_EVENTS ?? (context.plan.quick ? 100_000 : 1_000_000));
  if (!Number.isInteger(events) || events < 10_000) throw new RangeError('BENCH_PROJECTIONS_EVENTS must be a whole number of at least 10000');
  const partitions = (process.env.BENCH_PROJECTIONS_PARTITIONS ?? '1,4').split(',').map(Number);
  if (partitions.some((n) => !Number.isInteger(n) || n < 1)) throw new RangeError('BENCH_PROJECTIONS_PARTITIONS: positive whole numbers, comma-separated');
  const database = await context.server.createDatabase('projections', { migrated: true });
  const pool = new pg.Pool({ connectionString: database.url, max: 24 });
  // An idle connection the server ends is dropped from the pool and said, not a crash of the whole run.
  pool.on('error', (error) => context.log(`projections: an idle connection ended (${error.message})`));
  const store = createPostgresEventStore({ pool });
  const memoryLimit = loadConfig().projectionMemoryOrders;
  const run: RunContext = { pool, store, serverCpu: serverCpuOf(context.server.dataDir), loadAverage, memoryLimit };
  try {
    return await measure(context, run, events, partitions);
  } finally {
    await store.close();
    await pool.end();
    await database.drop();
  }
}

async function measure(context: SectionContext, run: RunContext, size: number, partitions: readonly number[]): Promise<SectionOutput> {
  const { log } = context;
  const loadStarted = performance.now();
  const events = await bulkLoadOrders(run.pool, { events: size, window: 1000, log });
  const loadRate = events / ((performance.now() - loadStarted) / 1000);
  await run.pool.query('VACUUM ANALYZE ledger.events');
  const projections = allProjections();
  const figures: Figure[] = [];
  const notes: string[] = [
    `Log: ${events.toLocaleString('en-US')} events of orders with the docs/domain.md §6 channel mix (≈15 events/order kept; no consumer receipts, so sync_acks applies none and only scans), 1,000 orders in flight, bulk-loaded with the adapter's rows and hash chain (bench/projections/bulkLoadOrders.ts) at ${Math.round(loadRate)} events/s.`,
    `Every rate is events of the whole log per second of wall time; each rebuild starts from zero and ends with its swap. The orders projection kept at most ${run.memoryLimit.toLocaleString('en-US')} folded orders (LEDGER_PROJECTION_MEMORY_ORDERS) unless said otherwise. Memory is this process's (client) high-water, sampled every 50 ms${gcExposed() ? ' from a collected heap (--expose-gc)' : ''}; CPU is this process's (process.cpuUsage) and the PostgreSQL server's (/proc of the postmaster and its backends).`,
  ];
  const record = (key: string, work: string, concurrency: string, result: Run, extra?: Partial<Figure>) => {
    figures.push({ key, work, concurrency, unit: 'events/s', value: spreadOf([result.events / result.usage.seconds]), ...extra });
    figures.push(...cpuFigures(key, work, concurrency, result.events, result.usage));
    notes.push(`${work} (${concurrency}): ${usageText(result.usage, result.events)}${Object.keys(result.applied).length ? `; applied ${Object.entries(result.applied).map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`).join(', ')}` : ''}.`);
  };
  log(`projections: readAll ceiling over ${events.toLocaleString('en-US')} events`);
  record('projections.readAll', `store.readAll of the whole log, pages of ${rebuildPage.toLocaleString('en-US')}, in process`, '1 reader', await readAllCeiling(run));
  for (const count of partitions) {
    const label = `${count} partition${count > 1 ? 's' : ''}`;
    log(`projections: all together, ${label}`);
    const together = await rebuildTogether(run, projections, count, events);
    record(`projections.rebuild.all.p${count}`, `rebuild of every projection (${projections.map((p) => p.name).join(' + ')}) together`, label, together, { target });
    figures.push(...memoryFigures(`projections.rebuild.all.p${count}`, 'every projection together', label, together.usage));
    for (const projection of projections) {
      log(`projections: ${projection.name} alone, ${label}`);
      const alone = await rebuildTogether(run, [projection], count, events);
      record(`projections.rebuild.${projection.name}.p${count}`, `rebuild of ${projection.name} alone`, label, alone);
      if (projection.name === 'orders') figures.push(...memoryFigures(`projections.rebuild.orders.p${count}`, 'orders alone', label, alone.usage));
    }
  }
  // The memory bound: orders alone again with a tenth of the setting.
  const small = Math.max(1, Math.round(run.memoryLimit / 10));
  log(`projections: orders alone, memory for ${small} orders`);
  const bounded = (await rebuildTogether({ ...run, memoryLimit: small }, projections.filter((p) => p.name === 'orders'), 1, events));
  const boundedLabel = `1 partition, ${small.toLocaleString('en-US')} orders in memory`;
  record('projections.rebuild.orders.small', 'rebuild of orders alone', boundedLabel, bounded);
  figures.push(...memoryFigures('projections.rebuild.orders.small', 'orders alone', boundedLabel, bounded.usage));
  return { figures, notes };
}

/**
 * `npm run bench -- peak`: a peak day (docs/domain.md §6: 3M events; size
 * BENCH_PEAK_EVENTS, 20,000 with --quick) in the log, then every projection
 * caught up from zero in one ProjectionRunner, as `npm start` runs them
 * (LEDGER_PROJECTION_MEMORY_ORDERS applies). The day is bulk-loaded with the
 * rows and hash chain the adapter writes (bench/projections/bulkLoadOrders.ts):
 * ingest has its own section (`http`), and a 3M day through HTTP takes most
 * of an hour on 2 cores.
 */
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { projectionStatuses, waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { loadAverage } from '../harness/machine.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { spreadOf } from '../harness/stats.js';
import { gcExposed, serverCpuOf, withUsage } from '../harness/usage.js';
import { bulkLoadOrders } from '../projections/bulkLoadOrders.js';
import { cpuFigures, memoryFigures, usageText } from '../projections/usageFigures.js';

const peakDay = 3_000_000;

export async function runPeakBench(context: SectionContext): Promise<SectionOutput> {
  const size = Number(process.env.BENCH_PEAK_EVENTS ?? (context.plan.quick ? 20_000 : peakDay));
  if (!Number.isInteger(size) || size < 1000) throw new RangeError('BENCH_PEAK_EVENTS must be a whole number of at least 1000');
  const database = await context.server.createDatabase('peak', { migrated: true });
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  // An idle connection the server ends is dropped from the pool and said, not a crash of the whole run.
  pool.on('error', (error) => context.log(`peak: an idle connection ended (${error.message})`));
  const store = createPostgresEventStore({ pool });
  const projections = allProjections();
  const memoryLimit = loadConfig().projectionMemoryOrders;
  const runner = new ProjectionRunner({ pool, store, projections, logger: createLogger('warn'), memoryLimit });
  try {
    const loadStarted = performance.now();
    const events = await bulkLoadOrders(pool, { events: size, window: 1000, log: context.log });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await pool.query('VACUUM ANALYZE ledger.events');
    context.log(`peak: catching up ${events.toLocaleString('en-US')} events with ${projections.map((p) => p.name).join(', ')}…`);
    const { result: statuses, usage } = await withUsage(serverCpuOf(context.server.dataDir), loadAverage, async () => {
      const started = performance.now();
      runner.start();
      const progress = setInterval(() => {
        projectionStatuses(runner).then(
          (all) => context.log(`peak: ${all.map((s) => `${s.name} ${s.eventsApplied.toLocaleString('en-US')}`).join(', ')} of ${events.toLocaleString('en-US')} applied, ${Math.round((performance.now() - started) / 1000)} s`),
          () => undefined,
        );
      }, 30_000);
      return waitUntilCaughtUp(runner, 3_600_000).finally(() => clearInterval(progress));
    });
    const failed = statuses.filter((s) => s.worker === 'failed');
    if (failed.length > 0) throw new Error(`projection(s) failed: ${failed.map((s) => `${s.name}: ${s.failure?.error}`).join('; ')}`);
    const concurrency = 'one worker per projection';
    const work = `every projection caught up from zero (${events.toLocaleString('en-US')} events)`;
    return {
      figures: [
        { key: 'peak.projections', work, concurrency, unit: 's', value: spreadOf([usage.seconds]) },
        { key: 'peak.projections.rate', work: 'catch-up rate, every projection together', concurrency, unit: 'events/s', value: spreadOf([events / usage.seconds]) },
        // The target is for a 3M-event day: the measured rate applied to it (the same time when the run was 3M).
        { key: 'peak.projections.3m', work: 'catch-up time of 3M events at the measured rate', concurrency, unit: 's', value: spreadOf([(usage.seconds * peakDay) / events]), target: { value: 120, text: '< 2 min for 3M', lowerIsBetter: true } },
        ...cpuFigures('peak.projections', 'catch-up', concurrency, events, usage),
        ...memoryFigures('peak.projections', 'catch-up', `${concurrency}, ≤ ${memoryLimit.toLocaleString('en-US')} orders in memory`, usage),
      ],
      notes: [
        `The day: ${events.toLocaleString('en-US')} events of generated orders (bench/projections/orderHistoryGenerator.ts, the docs/domain.md §6 channel mix, 1,000 orders in flight), bulk-loaded with the adapter's rows and hash chain in ${Math.round(loadSeconds)} s (not timed as ingest).`,
        `Then ${projections.map((p) => p.name).join(', ')} caught up from zero, all together, in one ProjectionRunner as \`npm start\` runs them (batches of up to 10,000 events, each written with its checkpoint; at most ${memoryLimit.toLocaleString('en-US')} folded orders per worker, LEDGER_PROJECTION_MEMORY_ORDERS): ${usageText(usage, events)}.`,
        `Memory is this process's high-water, sampled every 50 ms${gcExposed() ? ', from a collected heap (--expose-gc)' : ''}; server CPU is the embedded PostgreSQL's postmaster and backends (/proc).`,
      ],
    };
  } finally {
    await runner.stop();
    await store.close();
    await pool.end();
    await database.drop();
  }
}

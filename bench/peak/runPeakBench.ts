/**
 * A peak day (docs/domain.md §6: 3M events) ingested through the HTTP API by the
 * simulator, then every projection caught up from zero. Each order's events
 * go in sequence, every event with its owning system's key. By default the
 * day goes through `POST /v1/batches` (8 senders, up to 100 orders open
 * each, one request per system per round), as the invoice runs, EDI batches
 * and carrier files of docs/domain.md §6 arrive; BENCH_PEAK_BATCH=0 sends one
 * request per event (64 orders at a time) instead.
 * Size: BENCH_PEAK_EVENTS (default 3,000,000; 20,000 with --quick).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { projectionStatuses, waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { spreadOf } from '../harness/stats.js';
import { benchKeys } from '../http/benchKeys.js';
import { spawnBenchService } from '../http/spawnBenchService.js';
import { ident } from '../../src/projections/sql.js';

/**
 * Events each simulated order leaves in the log: the generator submits ≈16.3
 * per order (docs/domain.md §6), of which ≈3% are deliberate retries
 * that add nothing (measured on the 3M run of 2026-11-27: 2,906,397 events
 * from 182,927 orders).
 */
const eventsPerOrder = 15.9;

export async function runPeakBench(context: SectionContext): Promise<SectionOutput> {
  const events = Number(process.env.BENCH_PEAK_EVENTS ?? (context.plan.quick ? 20_000 : 3_000_000));
  if (!Number.isInteger(events) || events < 1000) throw new RangeError('BENCH_PEAK_EVENTS must be a whole number of at least 1000');
  const orders = Math.round(events / eventsPerOrder);
  const batch = Number(process.env.BENCH_PEAK_BATCH ?? 100);
  if (!Number.isInteger(batch) || batch < 0 || batch > 500) throw new RangeError('BENCH_PEAK_BATCH must be a whole number from 0 (one request per event) to 500');
  const transport = batch > 0
    ? { concurrency: 8, batch, text: `POST /v1/batches (8 senders, up to ${batch} orders open each, one request per system per round)` }
    : { concurrency: 64, batch: undefined, text: 'one request per event (POST /v1/orders…, 64 orders at a time)' };
  const database = await context.server.createDatabase('peak', { migrated: true });
  const keys = await benchKeys(database.url);
  // Ingest first, then catch up: the service runs without projections (LEDGER_PROJECTIONS=off), so the
  // two phases are timed apart and neither takes CPU from the other on this 2-core machine.
  const service = await spawnBenchService({ databaseUrl: database.url, env: { LEDGER_PROJECTIONS: 'off' } });
  const notes: string[] = [];
  let ingest;
  try {
    context.log(`peak: ${orders.toLocaleString('en-US')} orders (≈${events.toLocaleString('en-US')} events) through ${transport.text}`);
    const day = generateDay({ orders, seed: Number.parseInt(context.tag.slice(0, 6), 16), days: 1, start: new Date('2026-11-02T00:00:00Z') });
    ingest = await submitDay(day, { url: service.url, keys: keys.keys, concurrency: transport.concurrency, batch: transport.batch, totalOrders: orders, progress: process.stderr });
  } finally {
    await service.stop();
  }
  const catchUp = await catchUpProjections(database.url, context.log).finally(() => database.drop());
  notes.push(
    `Ingest through the HTTP API, ${transport.text}: ${ingest.submitted.toLocaleString('en-US')} submissions of ${ingest.orders.toLocaleString('en-US')} orders — ${ingest.accepted} accepted, ${ingest.duplicates} duplicates, ${ingest.unmatched} unmatched, refusals ${JSON.stringify(ingest.refusals)}, ${ingest.serverErrors} server errors, ${ingest.retries} re-sends; latency${transport.batch ? ' of a batch request' : ''} p50 ${ingest.latencyMs.p50.toFixed(1)} ms, p99 ${ingest.latencyMs.p99.toFixed(1)} ms.`,
    `The service ran with LEDGER_PROJECTIONS=off; after the ingest the projections (${catchUp.names.join(', ')}) caught up from zero, all together, in one ProjectionRunner (as \`npm start\` runs them): ${catchUp.events.toLocaleString('en-US')} events.`,
    `1-min load average at the end ${loadavg()[0]!.toFixed(2)}; the service ran in its own Node process, the simulator in the bench process.`,
  );
  return {
    figures: [
      { key: 'peak.ingest', work: `peak day ingested over HTTP (${ingest.submitted.toLocaleString('en-US')} submissions)`, concurrency: transport.batch ? `8 senders × ${transport.batch} orders` : '64 orders in flight', unit: 's', value: spreadOf([ingest.wallSeconds]) },
      { key: 'peak.ingest.rate', work: 'peak-day ingest rate', concurrency: transport.batch ? `8 senders × ${transport.batch} orders` : '64 orders in flight', unit: 'events/s', value: spreadOf([ingest.submitted / ingest.wallSeconds]), p50Ms: spreadOf([ingest.latencyMs.p50]), p99Ms: spreadOf([ingest.latencyMs.p99]) },
      { key: 'peak.projections', work: `every projection replayed from zero (${catchUp.events.toLocaleString('en-US')} events)`, concurrency: 'one worker per projection', unit: 's', value: spreadOf([catchUp.seconds]) },
      // The target is for a 3M-event day: project the measured rate onto it.
      { key: 'peak.projections.3m', work: 'replay time for 3M events at the measured rate', concurrency: 'one worker per projection', unit: 's', value: spreadOf([(catchUp.seconds * 3_000_000) / catchUp.events]), target: { value: 120, text: '< 2 min for 3M', lowerIsBetter: true } },
    ],
    notes,
  };
}

async function catchUpProjections(databaseUrl: string, log: (message: string) => void): Promise<{ seconds: number; events: number; names: string[] }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const store = createPostgresEventStore({ pool });
  const projections = allProjections();
  const runner = new ProjectionRunner({ pool, store, projections, logger: createLogger('warn') });
  try {
    // The ingest ran without projections; make sure nothing was applied so this measures the whole day from zero.
    const tables = projections.flatMap((p) => p.tables.map((t) => `reporting.${ident(t)}`));
    await pool.query(`TRUNCATE ${tables.join(', ')}`);
    await pool.query('DELETE FROM reporting.projection_checkpoints WHERE name = ANY($1)', [projections.map((p) => p.name)]);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger.events');
    const started = performance.now();
    runner.start();
    log(`peak: catching up ${Number(rows[0]?.n).toLocaleString('en-US')} events with ${projections.map((p) => p.name).join(', ')}…`);
    const progress = setInterval(() => {
      projectionStatuses(runner).then(
        (statuses) => log(`peak: ${statuses.map((s) => `${s.name} ${s.eventsApplied.toLocaleString('en-US')}`).join(', ')} of ${Number(rows[0]?.n).toLocaleString('en-US')} events applied, ${Math.round((performance.now() - started) / 1000)} s`),
        () => undefined,
      );
    }, 30_000);
    const statuses = await waitUntilCaughtUp(runner, 3_600_000).finally(() => clearInterval(progress));
    const failed = statuses.filter((s) => s.worker === 'failed');
    if (failed.length > 0) throw new Error(`projection(s) failed: ${failed.map((s) => `${s.name}: ${s.failure?.error}`).join('; ')}`);
    return { seconds: (performance.now() - started) / 1000, events: Number(rows[0]?.n), names: projections.map((p) => p.name) };
  } finally {
    await runner.stop();
    await store.close();
    await pool.end();
  }
}

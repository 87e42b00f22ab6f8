/**
 * Rebuild rate of every projection together: `npx tsx bench/projections/rebuildBench.ts --events 100000`
 * (own embedded PostgreSQL under the OS temp folder unless DATABASE_URL is set),
 * or `npm run bench -- projections` through the bench harness.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/postgres/embeddedPostgres.js';
import { migrate } from '../../src/postgres/migrate.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { loadOrders } from './loadOrders.js';

export interface ProjectionsBenchResult {
  readonly eventsPerSecond: number;
  readonly events: number;
  readonly seconds: number;
  readonly loadEventsPerSecond: number;
  readonly perProjection: Record<string, { events: number; seconds: number }>;
}

export interface ProjectionsBenchOptions {
  readonly events: number;
  readonly databaseUrl: string;
  /** Orders in flight while loading (default 1000): how much orders interleave in the log. */
  readonly window?: number;
  readonly log?: (message: string) => void;
}

/**
 * Standalone (`{events, databaseUrl}` of a migrated database): loads a
 * generated log and rebuilds all projections from zero, in parallel, timing
 * the whole. Under the bench harness (a SectionContext): the same on a fresh
 * database, 1M events (100k with --quick), as figures.
 */
export async function runProjectionsBench(options: ProjectionsBenchOptions): Promise<ProjectionsBenchResult>;
export async function runProjectionsBench(context: SectionContext): Promise<SectionOutput>;
export async function runProjectionsBench(arg: ProjectionsBenchOptions | SectionContext): Promise<ProjectionsBenchResult | SectionOutput> {
  if (!('server' in arg)) return measure(arg);
  const database = await arg.server.createDatabase('projections', { migrated: true });
  try {
    const events = arg.plan.quick ? 100_000 : 1_000_000;
    const result = await measure({ events, databaseUrl: database.url, log: arg.log });
    return {
      figures: [{
        key: 'projections.rebuild', work: `rebuild all projections (orders + audit_trail) from zero over ${result.events.toLocaleString('en')} generated events`,
        concurrency: 'both projections in parallel', unit: 'events/s', value: { median: result.eventsPerSecond, min: result.eventsPerSecond, max: result.eventsPerSecond, runs: [result.eventsPerSecond] },
        target: { value: 30_000, text: '≥ 30,000 events/s across all read models' },
      }],
      notes: [
        `Log generated with the docs/domain.md §6 channel mix (≈17 events/order), 1,000 orders in flight, appended through the Postgres adapter at ${Math.round(result.loadEventsPerSecond)} events/s.`,
        `Per projection: ${Object.entries(result.perProjection).map(([name, p]) => `${name} ${Math.round(p.events / p.seconds)} events/s`).join(', ')}.`,
      ],
    };
  } finally {
    await database.drop();
  }
}

async function measure(options: ProjectionsBenchOptions): Promise<ProjectionsBenchResult> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 24 });
  const store = createPostgresEventStore({ pool });
  try {
    const loadStarted = performance.now();
    const events = await loadOrders(store, { events: options.events, window: options.window ?? 1000, writers: 16, log });
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`loaded ${events} events in ${loadSeconds.toFixed(1)} s; rebuilding every projection from zero`);
    await pool.query('VACUUM ANALYZE ledger.events');
    const started = performance.now();
    const results = await Promise.all(allProjections().map(async (projection) => {
      const t0 = performance.now();
      const r = await rebuildProjection({ pool, store, projection });
      return [projection.name, { events: r.applied, seconds: (performance.now() - t0) / 1000 }] as const;
    }));
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerSecond: events / seconds, events, seconds, loadEventsPerSecond: events / loadSeconds, perProjection: Object.fromEntries(results) };
  } finally {
    await store.close();
    await pool.end();
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--events');
  const events = flag >= 0 ? Number(process.argv[flag + 1]) : 100_000;
  let databaseUrl = process.env.DATABASE_URL;
  let stop = async () => undefined;
  if (!databaseUrl) {
    const root = await mkdtemp(path.join(tmpdir(), 'order-ledger-projections-bench-'));
    await chmod(root, 0o755);
    const server = await startEmbeddedPostgres({ dir: path.join(root, 'pg') });
    await ensureDatabase(server.adminUrl, 'bench');
    databaseUrl = server.urlFor('bench');
    stop = async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    };
  }
  try {
    await migrate(databaseUrl);
    const result = await runProjectionsBench({ events, databaseUrl });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { rebuildProjections } from '../../src/projections/rebuild/rebuildProjection.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { spreadOf } from '../harness/stats.js';
import { loadOrders } from '../projections/loadOrders.js';
import { writeSnapshot } from './writeSnapshot.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

interface Stats { rss: number; maxRss: number; heapUsed: number; heapHigh: number }

/**
 * Reconciliation of a 250,000-line snapshot: a generated day of orders
 * (docs/domain.md §6 mix) appended and projected, a CSV written from the
 * read models with seeded drift, then streamed to the real service in a
 * process of its own, whose rate (rows/s) and peak memory are measured.
 * `--quick`: a tenth of the size.
 */
export async function runReconcileBench(context: SectionContext): Promise<SectionOutput> {
  const database = await context.server.createDatabase('reconcile', { migrated: true });
  const dir = await mkdtemp(path.join(tmpdir(), 'order-ledger-reconcile-bench-'));
  const pool = new pg.Pool({ connectionString: database.url, max: 16 });
  const store = createPostgresEventStore({ pool });
  let service: ChildProcessWithoutNullStreams | undefined;
  try {
    // Orders of 5× the mix's lines (≈20 a line-heavy distributor's order): 250,000 lines from ≈220,000 events.
    const events = context.plan.quick ? 25_000 : 220_000;
    const t0 = performance.now();
    await loadOrders(store, { events, window: 1000, writers: 16, log: context.log, lineScale: 5 });
    await pool.query('VACUUM ANALYZE ledger.events');
    await rebuildProjections({ pool, store, projections: allProjections() });
    await pool.query('VACUUM ANALYZE');
    context.log(`  ${events.toLocaleString('en')} events loaded and projected in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const file = path.join(dir, 'snapshot.csv');
    const snapshot = await writeSnapshot(pool, file);
    context.log(`  snapshot: ${snapshot.rows.toLocaleString('en')} lines (${snapshot.ledgerLines.toLocaleString('en')} ledger lines), seeded drift ${JSON.stringify(snapshot.drift)}`);

    service = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'reconcileService.ts')], {
      env: { ...process.env, DATABASE_URL: database.url, LEDGER_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: service.stdout })[Symbol.asyncIterator]();
    const next = async <T>(): Promise<T> => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as T;
    const { url, key } = await next<{ url: string; key: string }>();
    const stats = async () => {
      service!.stdin.write('stats\n');
      return next<Stats>();
    };

    const rates: number[] = [];
    const peaks: number[] = [];
    const heaps: number[] = [];
    let idle: Stats | undefined;
    for (let run = 0; run < context.plan.repetitions; run++) {
      const before = await stats();
      idle ??= before;
      const started = performance.now();
      const response = await fetch(`${url}/v1/reconciliations?system=CRM`, {
        method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream, duplex: 'half',
      } as RequestInit);
      const summary = await response.json() as { rowsRead: number; drift: Record<string, number> };
      const seconds = (performance.now() - started) / 1000;
      if (response.status !== 201) throw new Error(`POST /v1/reconciliations answered ${response.status}: ${JSON.stringify(summary)}`);
      if (Object.entries(snapshot.drift).some(([kind, n]) => summary.drift[kind] !== n)) throw new Error(`drift ${JSON.stringify(summary.drift)}, seeded ${JSON.stringify(snapshot.drift)}`);
      const after = await stats();
      rates.push(summary.rowsRead / seconds);
      peaks.push(mb(after.maxRss));
      heaps.push(mb(after.heapHigh));
      context.log(`  run ${run + 1}: ${summary.rowsRead.toLocaleString('en')} rows in ${seconds.toFixed(1)} s; peak RSS ${mb(after.maxRss)} MB, heap high-water ${mb(after.heapHigh)} MB`);
    }
    const work = `reconcile a ${snapshot.rows.toLocaleString('en')}-line CSV snapshot (POST /v1/reconciliations, streamed) against ${snapshot.ledgerLines.toLocaleString('en')} ledger lines`;
    return {
      figures: [
        { key: 'reconcile.rate', work, concurrency: '1 request', unit: 'rows/s', value: spreadOf(rates.map(Math.round)) },
        { key: 'reconcile.peak_rss', work: `${work}: peak RSS of the service process`, concurrency: '1 request', unit: 'MB', value: spreadOf(peaks) },
        { key: 'reconcile.heap_high_water', work: `${work}: heap high-water of the service process during the request`, concurrency: '1 request', unit: 'MB', value: spreadOf(heaps) },
      ],
      notes: [
        `Ledger: ${events.toLocaleString('en')} generated events (docs/domain.md §6 mix, 5× its lines per order) through the Postgres adapter, every projection rebuilt. Snapshot written from crm_orders/crm_order_lines with seeded drift ${JSON.stringify(snapshot.drift)}; every run found exactly that.`,
        `The service (startService, projections off) runs in a process of its own; its RSS at rest before the first run: ${idle ? mb(idle.rss) : '?'} MB (peak RSS is the process's lifetime high-water, so it includes start-up).`,
      ],
    };
  } finally {
    if (service) {
      service.stdin.write('stop\n');
      await new Promise((resolve) => service!.once('exit', resolve));
    }
    await store.close();
    await pool.end();
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  }
}

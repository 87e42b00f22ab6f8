/**
 * Where a rebuild's time goes, client and server apart:
 *   npx tsx bench/profile/profileRebuild.ts [--events 100000] [--projection orders]
 * Starts its own PostgreSQL with pg_stat_statements, loads a generated log
 * (bench/projections/bulkLoadOrders.ts), rebuilds the projection(s) under the
 * inspector's CPU profiler (written to $TMPDIR/rebuild.cpuprofile), and prints
 * the rate, the CPU of each side and the statements by total time.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { bulkLoadOrders } from '../projections/bulkLoadOrders.js';
import { startProfileServer } from './profileServer.js';

const at = process.argv.indexOf('--events');
const events = at < 0 ? 100_000 : Number(process.argv[at + 1]);
if (!Number.isInteger(events) || events < 1000) throw new RangeError('--events must be a whole number of at least 1000');
const only = process.argv.includes('--projection') ? process.argv[process.argv.indexOf('--projection') + 1] : undefined;
const projections = allProjections().filter((p) => only === undefined || p.name === only);
if (projections.length === 0) throw new RangeError(`--projection: no projection is called "${only}"`);

const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 24 });
  const store = createPostgresEventStore({ pool });
  try {
    await pool.query('CREATE EXTENSION pg_stat_statements');
    const loaded = await bulkLoadOrders(pool, { events, window: 1000, log: (m) => process.stderr.write(`${m}\n`) });
    await pool.query('VACUUM ANALYZE ledger.events');
    await pool.query('SELECT pg_stat_statements_reset()');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const serverBefore = await server.serverCpuSeconds();
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    for (const projection of projections) await rebuildProjection({ pool, store, projection });
    const seconds = (performance.now() - started) / 1000;
    const own = process.cpuUsage(ownBefore);
    const serverCpu = (await server.serverCpuSeconds()) - serverBefore;
    const { profile } = await session.post('Profiler.stop');
    const file = path.join(tmpdir(), 'rebuild.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`${projections.map((p) => p.name).join(' + ')}: ${loaded} events in ${seconds.toFixed(1)} s, ${Math.round(loaded / seconds)} events/s`);
    console.log(`CPU: client ${((own.user + own.system) / 1e6).toFixed(1)} s, server ${serverCpu.toFixed(1)} s; CPU profile of the client in ${file}`);
    const top = await pool.query<{ calls: string; total: number; rows: string; query: string }>(
      `SELECT calls, round(total_exec_time::numeric, 1)::float8 AS total, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
    );
    console.log('\ncalls\ttotal ms\trows\tstatement');
    for (const row of top.rows) console.log(`${row.calls}\t${row.total}\t${row.rows}\t${row.query.slice(0, 140)}`);
  } finally {
    await store.close();
    await pool.end();
  }
} finally {
  await server.stop();
}

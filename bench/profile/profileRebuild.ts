/**
 * Where a rebuild's time goes, client and server apart:
 *   npx tsx bench/profile/profileRebuild.ts [--events 100000] [--projection orders] [--partitions N] [--cpu-prof [FILE]] [--memory ORDERS]
 * Starts its own PostgreSQL with pg_stat_statements, loads a generated log
 * (bench/projections/bulkLoadOrders.ts), rebuilds the projection(s) (all at
 * once from one read of the log, as `order-ledger rebuild` does; with --partitions,
 * N builders each read their partition), and prints the rate,
 * the CPU of each side per 1,000 events and the statements by total time.
 * With --cpu-prof the client runs under the inspector's CPU profiler, which
 * slows it: the profile goes to FILE (default $TMPDIR/rebuild.cpuprofile).
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { isPartitionCount, maxPartitions } from '../../src/eventstore/streamPartition.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { rebuildProjections } from '../../src/projections/rebuild/rebuildProjection.js';
import { bulkLoadOrders } from '../projections/bulkLoadOrders.js';
import { startProfileServer } from './profileServer.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = process.argv[at + 1];
  return value === undefined || value.startsWith('--') ? '' : value;
}

const events = Number(option('--events') ?? 100_000);
if (!Number.isInteger(events) || events < 1000) throw new RangeError('--events must be a whole number of at least 1000');
const only = option('--projection');
const projections = allProjections().filter((p) => only === undefined || p.name === only);
if (projections.length === 0) throw new RangeError(`--projection: no projection is called "${only}"`);
const cpuProf = option('--cpu-prof');
const profileFile = cpuProf === undefined ? undefined : cpuProf || path.join(tmpdir(), 'rebuild.cpuprofile');
const memoryLimit = option('--memory') === undefined ? undefined : Number(option('--memory'));
if (memoryLimit !== undefined && (!Number.isInteger(memoryLimit) || memoryLimit < 1)) throw new RangeError('--memory: a whole number of orders');
const partitions = option('--partitions') === undefined ? undefined : Number(option('--partitions'));
if (partitions !== undefined && !isPartitionCount(partitions)) throw new RangeError(`--partitions: a power of two from 1 to ${maxPartitions}`);

const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 24 });
  // The server stops under idle pooled connections at the end.
  pool.on('error', () => undefined);
  const store = createPostgresEventStore({ pool });
  try {
    await pool.query('CREATE EXTENSION pg_stat_statements');
    const loaded = await bulkLoadOrders(pool, { events, window: 1000, log: (m) => process.stderr.write(`${m}\n`) });
    await pool.query('VACUUM ANALYZE ledger.events');
    await pool.query('SELECT pg_stat_statements_reset()');
    const session = profileFile === undefined ? undefined : new Session();
    session?.connect();
    await session?.post('Profiler.enable');
    await session?.post('Profiler.start');
    const serverBefore = await server.serverCpuSeconds();
    const ownBefore = process.cpuUsage();
    let peakRss = 0;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 50);
    const started = performance.now();
    await rebuildProjections({ pool, store, projections, ...(memoryLimit === undefined ? {} : { memoryLimit }), ...(partitions === undefined ? {} : { partitions }) });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const own = process.cpuUsage(ownBefore);
    const serverCpu = (await server.serverCpuSeconds()) - serverBefore;
    if (session && profileFile) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(profileFile, JSON.stringify(profile));
      session.disconnect();
    }
    const clientCpu = (own.user + own.system) / 1e6;
    const perThousand = (s: number) => `${Math.round((s * 1e6) / loaded)} ms/1k`;
    console.log(`${projections.map((p) => p.name).join(' + ')}, ${partitions ?? 1} partition(s): ${loaded} events in ${seconds.toFixed(1)} s, ${Math.round(loaded / seconds)} events/s`);
    console.log(`CPU: client ${clientCpu.toFixed(1)} s (${perThousand(clientCpu)}), server ${serverCpu.toFixed(1)} s (${perThousand(serverCpu)}); peak RSS ${Math.round(peakRss / 2 ** 20)} MiB; load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
    if (profileFile) console.log(`CPU profile of the client in ${profileFile}`);
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

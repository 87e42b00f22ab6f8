/**
 * Where the event store's time goes, statement by statement:
 *   npx tsx bench/profile/profileStatements.ts append1x8|append1x32|append100x8|bare1x8|bare100x8|readAll [--seconds 10]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile/profileStatements.ts append1x8
 * Starts its own PostgreSQL with pg_stat_statements (track=all: statements
 * inside ledger.append_events too), runs one workload through the adapter,
 * and prints the rate, client and server CPU per event, and the top statements.
 */
import pg from 'pg';
import { bareSchemaSql } from '../baseline/bareSchema.js';
import { bareAppends } from '../baseline/bareTargets.js';
import { ledgerAppends, ledgerPagedReads } from '../eventstore/ledgerTargets.js';
import { drive } from '../harness/drive.js';
import { loadLog } from '../harness/loadLog.js';
import { orderLineEvents } from '../harness/payload.js';
import { pageSize } from '../harness/plan.js';
import { streamCursor } from '../harness/streamCursor.js';
import { startProfileServer } from './profileServer.js';

const workload = process.argv[2] ?? 'append1x8';
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 10);
const log = (message: string): void => void process.stderr.write(`${message}\n`);

const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('CREATE EXTENSION pg_stat_statements');
  if (workload.startsWith('bare')) await admin.query(bareSchemaSql);
  if (workload === 'readAll') {
    await loadLog(ledgerAppends(url), { from: 0, to: 200_000, writers: 8, perCall: 100, tag: 'p', log });
    await admin.query('VACUUM ANALYZE');
  }
  await admin.query('SELECT pg_stat_statements_reset()');
  const events = workload === 'readAll' ? await readEverything(url) : await appendFor(url, workload);
  const { clientCpu, serverCpu } = events;
  console.log(`${workload}: ${events.count} events, ${Math.round(events.count / events.seconds)} events/s over ${events.seconds.toFixed(1)} s`);
  console.log(`CPU per 1,000 events: client ${((clientCpu / events.count) * 1e6).toFixed(1)} ms, server ${((serverCpu / events.count) * 1e6).toFixed(1)} ms (2 cores = 2,000 ms/s)`);
  const top = await admin.query<{ calls: string; total: number; mean: number; rows: string; query: string }>(
    `SELECT calls, round(total_exec_time::numeric, 1)::float8 AS total, round(mean_exec_time::numeric, 4)::float8 AS mean, rows,
            regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 14`,
  );
  console.log('\ncalls\ttotal ms\tmean ms\trows\tstatement');
  for (const row of top.rows) console.log(`${row.calls}\t${row.total}\t${row.mean}\t${row.rows}\t${row.query.slice(0, 160)}`);
  await admin.end();
} finally {
  await server.stop();
}

interface Measured {
  count: number;
  seconds: number;
  clientCpu: number;
  serverCpu: number;
}

/** CPU of this process and of the server since the call; take it before closing pools (ended backends drop out). */
async function cpuMeter(): Promise<() => Promise<{ clientCpu: number; serverCpu: number }>> {
  const client0 = process.cpuUsage();
  const server0 = await server.serverCpuSeconds();
  return async () => {
    const client = process.cpuUsage(client0);
    return { clientCpu: (client.user + client.system) / 1e6, serverCpu: (await server.serverCpuSeconds()) - server0 };
  };
}

async function appendFor(url: string, name: string): Promise<Measured> {
  const [perCall, writers] = name.replace(/^(append|bare)/, '').split('x').map(Number) as [number, number];
  const target = await (name.startsWith('bare') ? bareAppends(url) : ledgerAppends(url))(writers);
  const cursors = Array.from({ length: writers }, (_, w) => streamCursor(`p-w${w}`));
  const meter = await cpuMeter();
  const started = performance.now();
  const result = await drive({
    workers: writers,
    seconds,
    warmupSeconds: 0,
    operation: async (w) => {
      const slot = (cursors[w] as ReturnType<typeof streamCursor>)(perCall);
      await target.append(slot.stream, slot.revision, orderLineEvents(slot.stream, slot.revision, perCall));
      return perCall;
    },
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = await meter();
  await target.close();
  return { count: Math.round(result.eventsPerSecond * elapsed), seconds: elapsed, ...cpu };
}

async function readEverything(url: string): Promise<Measured> {
  const target = await ledgerPagedReads(url)();
  let cursor = target.start;
  let count = 0;
  const meter = await cpuMeter();
  const started = performance.now();
  for (;;) {
    const page = await target.readPage(cursor, pageSize);
    if (page.count === 0) break;
    count += page.count;
    cursor = page.next;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = await meter();
  await target.close();
  return { count, seconds: elapsed, ...cpu };
}

/**
 * Service CPU and PostgreSQL statements per single submission, a new order and a cached one apart:
 *   npx tsx bench/profile/profileSubmission.ts [--orders 3000] [--connections 64] [--instances 1 [--spread]]
 *   BENCH_HTTP_CPU_PROF=/tmp/prof npx tsx bench/profile/profileSubmission.ts …   (service under --cpu-prof)
 * Its own PostgreSQL (pg_stat_statements on), the service in a process of its own
 * (LEDGER_PROJECTIONS=off, shedding out of reach, as `npm run bench -- http`), a tidy
 * simulated day sent over `connections` keep-alive connections in two phases after a warm-up:
 *   new:    the first submission of each order (POST /v1/orders, nothing cached);
 *   cached: every later submission of those orders, each order in sequence (the
 *           service's cache holds the order from its previous submission).
 * Prints per phase: rate, p50/p99, service CPU (user + system, from /proc) per
 * transition (all instances), PostgreSQL CPU per transition, and statements per
 * transition. With --instances N, N service processes share the database: each
 * connection sends to one of them (its orders stay there), or with --spread
 * each request goes to the next instance, so an order's submissions alternate.
 */
import http from 'node:http';
import pg from 'pg';
import { loadavg } from 'node:os';
import { generateDay } from '../../src/simulator/generateDay.js';
import { noMess } from '../../src/simulator/integrationMess.js';
import { requestOf } from '../../src/simulator/SimEvent.js';
import { benchKeys } from '../http/benchKeys.js';
import { cpuSeconds } from '../http/processCpu.js';
import { spawnBenchService } from '../http/spawnBenchService.js';
import { summariseCpuProfile } from '../http/summariseCpuProfile.js';
import { startProfileServer } from './profileServer.js';

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const orderCount = flag('--orders', 3000);
const connections = flag('--connections', 64);
const instances = flag('--instances', 1);
const spread = process.argv.includes('--spread');
const warmOrders = Math.min(500, Math.floor(orderCount / 4));

interface Request { path: string; headers: Record<string, string>; body: string }
const server = await startProfileServer();
const cpuProfDir = process.env.BENCH_HTTP_CPU_PROF || undefined;
try {
  const url = await server.migratedDatabase();
  const keys = await benchKeys(url);
  const day = [...generateDay({ orders: orderCount, seed: 5, days: 1, start: new Date('2026-03-02T00:00:00Z'), mess: noMess })];
  const orders: Request[][] = day.map((order) => order.events.map((event) => {
    const { path, json } = requestOf(event);
    return { path, body: JSON.stringify(json), headers: { authorization: `Bearer ${keys.keys[event.system]}`, 'content-type': 'application/json' } };
  }));
  // N instances on one database, as behind a load balancer: by order (each connection keeps its orders on one
  // instance, as a balancer hashing the order reference would) or, with --spread, each request to the next one.
  const services = await Promise.all(Array.from({ length: instances }, () => spawnBenchService({
    databaseUrl: url, cpuProfDir,
    env: { LEDGER_PROJECTIONS: 'off', LEDGER_APPEND_LATENCY_TARGET_MS: '100000', LEDGER_MAX_IN_FLIGHT_APPENDS: '1024', LEDGER_MAX_EVENT_LOOP_DELAY_MS: '100000' },
  })));
  let sent = 0;
  const serviceCpuSeconds = async () => (await Promise.all(services.map((s) => cpuSeconds(s.pid)))).reduce((a, b) => a + b, 0);
  let shown503 = false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  try {
    const phases = (process.env.BENCH_PHASES ?? 'warm-up,new,cached').split(',');
    await phase('warm-up', orders.slice(0, warmOrders), 0);
    if (phases.includes('new')) await phase('new', orders.slice(warmOrders).map((o) => o.slice(0, 1)), 0);
    if (phases.includes('cached')) await phase('cached', orders.slice(warmOrders), phases.includes('new') ? 1 : 0);
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await admin.end();
  }
  if (cpuProfDir) for (const line of await summariseCpuProfile(cpuProfDir)) console.log(line);

  function post(r: Request, connection: number): Promise<number> {
    const service = services[(spread ? sent++ : connection) % services.length]!;
    return new Promise((resolve, reject) => {
      const req = http.request(`${service.url}${r.path}`, { method: 'POST', headers: r.headers, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('end', () => {
          if (res.statusCode === 503 && !shown503) {
            shown503 = true;
            console.log(`first 503: ${text}`);
          }
          resolve(res.statusCode ?? 0);
        });
      });
      req.once('error', reject);
      req.end(r.body);
    });
  }

  /** Sends orders[i][from..] with `connections` connections, each order in sequence; prints what it cost. */
  async function phase(name: string, queues: Request[][], from: number): Promise<void> {
    const slots = queues.filter((q) => q.length > from).map((queue) => ({ queue, next: from }));
    await admin.query('SELECT pg_stat_statements_reset()');
    const load = loadavg()[0]!.toFixed(2);
    const serviceBefore = await serviceCpuSeconds();
    const pgBefore = await server.serverCpuSeconds();
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    const started = performance.now();
    // Each connection works through its share of the orders, each order's submissions in sequence.
    await Promise.all(Array.from({ length: connections }, async (_, c) => {
      for (let i = c; i < slots.length; i += connections) {
        const slot = slots[i]!;
        while (slot.next < slot.queue.length) {
          const t = performance.now();
          const status = await post(slot.queue[slot.next]!, c);
          latencies.push(performance.now() - t);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status !== 503) slot.next++;
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    const serviceCpu = (await serviceCpuSeconds()) - serviceBefore;
    const pgCpu = (await server.serverCpuSeconds()) - pgBefore;
    const ok = [...statuses].reduce((n, [status, count]) => (status < 300 ? n + count : n), 0);
    const { rows } = await admin.query<{ query: string; calls: string; ms: number; toplevel: boolean }>(
      "SELECT query, calls, total_exec_time AS ms, toplevel FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY toplevel DESC, calls DESC",
    );
    const perTransition = (n: number) => (n / ok).toFixed(2);
    const calls = rows.filter((r) => r.toplevel).reduce((n, r) => n + Number(r.calls), 0);
    console.log(`${name}: ${ok} transitions (statuses ${JSON.stringify(Object.fromEntries(statuses))}), ${Math.round(ok / seconds)}/s, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; `
      + `service CPU ${((serviceCpu * 1e6) / ok).toFixed(0)} µs/transition, PostgreSQL CPU ${((pgCpu * 1e6) / ok).toFixed(0)} µs/transition; `
      + `${perTransition(calls)} top-level statements/transition; load average ${load} at start, ${loadavg()[0]!.toFixed(2)} at end`);
    for (const r of rows.slice(0, 8)) {
      console.log(`  ${perTransition(Number(r.calls))}/transition, ${((r.ms * 1000) / ok).toFixed(0)} µs/transition${r.toplevel ? '' : ' (nested)'}  ${r.query.replace(/\s+/g, ' ').slice(0, 100)}`);
    }
  }
} finally {
  await server.stop();
}

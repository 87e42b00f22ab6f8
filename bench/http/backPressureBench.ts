/**
 * Back-pressure: `npx tsx bench/http/backPressureBench.ts [--connections 64,256] [--seconds 10]`.
 * Each connection is a well-behaved client: it sends an order's next
 * transition when the last was answered, and on 503 waits the Retry-After
 * it was given and resends the same request (same idempotency identity).
 * Reports, per connection count, the latency of answered submissions
 * (2xx) apart from the refusals (503), which a closed-loop load generator
 * that resends at once would mix together.
 */
import http from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startBenchServer } from '../harness/server.js';
import { benchKeys } from './benchKeys.js';
import { spawnBenchService } from './spawnBenchService.js';
import { TransitionFeed, type ReadyRequest } from './TransitionFeed.js';

interface Tally {
  readonly accepted: number[];
  readonly refused: number[];
  readonly other: Record<string, number>;
}

function post(agent: http.Agent, base: URL, request: ReadyRequest): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(request.path, base), {
      method: 'POST', agent,
      headers: { ...request.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

async function run(url: string, feed: TransitionFeed, connections: number, seconds: number): Promise<Tally> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(url);
  const tally: Tally = { accepted: [], refused: [], other: {} };
  const until = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < until) {
      const next = feed.take();
      if (!next) throw new Error('the transition feed ran dry');
      for (;;) {
        const started = performance.now();
        const answer = await post(agent, base, next.request);
        const ms = performance.now() - started;
        if (answer.status !== 503) {
          if (answer.status >= 200 && answer.status < 300) tally.accepted.push(ms);
          else tally.other[answer.status] = (tally.other[answer.status] ?? 0) + 1;
          break;
        }
        tally.refused.push(ms);
        if (performance.now() >= until) break;
        await new Promise((resolve) => setTimeout(resolve, answer.retryAfter * 1000));
      }
      feed.answered(next.handle);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return tally;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}

const args = process.argv.slice(2);
const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const connectionsList = (valueOf('--connections') ?? '64,256').split(',').map(Number);
const seconds = Number(valueOf('--seconds') ?? 10);
const log = (message: string) => process.stderr.write(`${message}\n`);
const server = await startBenchServer(log);
try {
  const database = await server.createDatabase('backpressure', { migrated: true });
  const keys = await benchKeys(database.url);
  const service = await spawnBenchService({ databaseUrl: database.url });
  try {
    let seed = 1;
    for (const connections of connectionsList) {
      const feed = () => new TransitionFeed(++seed, Math.ceil(2000 * seconds / 14) + connections * 16, keys.keys, connections * 16);
      await run(service.url, feed(), connections, 1);
      const started = performance.now();
      const tally = await run(service.url, feed(), connections, seconds);
      const wall = (performance.now() - started) / 1000;
      const all = [...tally.accepted, ...tally.refused];
      console.log(JSON.stringify({
        connections, seconds, acceptedPerSecond: Math.round(tally.accepted.length / wall), accepted: tally.accepted.length, refused503: tally.refused.length, other: tally.other,
        acceptedMs: { p50: percentile(tally.accepted, 0.5), p99: percentile(tally.accepted, 0.99), p999: percentile(tally.accepted, 0.999), max: percentile(tally.accepted, 1) },
        refusedMs: { p50: percentile(tally.refused, 0.5), p99: percentile(tally.refused, 0.99) },
        allMs: { p99: percentile(all, 0.99) },
        loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      }));
    }
  } finally {
    await service.stop();
    await database.drop();
  }
} finally {
  await server.stop();
}

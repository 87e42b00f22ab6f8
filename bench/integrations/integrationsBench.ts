/**
 * Integrations throughput: the consumer feed read over HTTP (pages of 1,000
 * and 5,000 CloudEvents, one client reading the whole log), the store's own
 * readAll as its ceiling, and webhook delivery to a local receiver (one
 * integrator, one event per signed request, checkpoint per 2xx).
 *
 * `npm run bench -- integrations`, or standalone:
 * `npx tsx bench/integrations/integrationsBench.ts [--quick]` (its own
 * embedded PostgreSQL under the OS temp folder unless DATABASE_URL is set).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { EventStore, Position } from '../../src/eventstore/EventStore.js';
import { START } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { buildApp } from '../../src/http/buildApp.js';
import { createIntegratorSupervisor } from '../../src/integrations/createIntegratorSupervisor.js';
import { feedRoutes } from '../../src/http/feed/feedRoutes.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { newWebhookSecret } from '../../src/integrations/webhookSignature.js';
import { createLogger } from '../../src/logger.js';
import { planFor } from '../harness/plan.js';
import { orderLineEvents } from '../harness/payload.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { startBenchServer } from '../harness/server.js';
import { spreadOf } from '../harness/stats.js';
import { SecretBox } from '../../src/integrations/SecretBox.js';
import { randomBytes } from 'node:crypto';

/** A key of the bench run's own: the bench never reads a configured one. */
const secrets = SecretBox.fromKeys([randomBytes(32)]);

const feedTarget = 50_000;

export async function runIntegrationsBench(context: SectionContext): Promise<SectionOutput> {
  const { plan, log } = context;
  const logSize = plan.quick ? 20_000 : 100_000;
  const deliveries = plan.quick ? 1_000 : 5_000;
  const database = await context.server.createDatabase('integrations', { migrated: true });
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  const store = createPostgresEventStore({ pool });
  try {
    log(`integrations: loading ${logSize} events`);
    const loadRate = await load(store, logSize, context.tag);
    log(`integrations: loaded at ${Math.round(loadRate)} events/s`);
    const figures: Figure[] = [];
    const runs = (f: () => Promise<number>) => repeat(plan.repetitions, f);

    figures.push(figure('integrations.store.1000', `store.readAll, whole log of ${logSize}, pages of 1,000 (in process)`, '1 reader',
      await runs(() => rateOf(() => readStore(store, 1000)))));
    const { url, key, close } = await feedServer(pool, store);
    try {
      for (const limit of [1000, 5000]) {
        figures.push(figure(`integrations.feed.${limit}`, `GET /v1/feed, whole log of ${logSize}, pages of ${limit.toLocaleString('en')}`, '1 client',
          await runs(() => rateOf(() => readFeed(url, key, limit))), { value: feedTarget, text: `≥ ${feedTarget.toLocaleString('en')} events/s` }));
        log(`integrations: feed pages of ${limit}: ${Math.round(figures.at(-1)!.value.median)} events/s`);
      }
    } finally {
      await close();
    }
    figures.push(figure('integrations.webhook', `webhook delivery of ${deliveries} events to a local receiver (signed, CloudEvents, in order)`, '1 integrator',
      await runs(() => deliver(pool, store, deliveries))));
    log(`integrations: webhooks ${Math.round(figures.at(-1)!.value.median)} events/s`);
    return {
      figures,
      notes: [
        `A log of ${logSize.toLocaleString('en')} ~800-byte events (bench/harness/payload.ts) loaded at ${Math.round(loadRate)} events/s. Client, server and PostgreSQL share the machine.`,
        'Feed: one client reads the whole log page by page with fetch (keep-alive) and parses each page; the server maps each event to a CloudEvent and serialises the page by hand (no per-event schema walk). The store.readAll figure is the ceiling the HTTP feed works under.',
        'Webhooks: one integrator delivers in log order, one event per signed POST with the global fetch, waiting for each 2xx before the next, so the rate is bounded by one HTTP round trip per event; the checkpoint is stored every 200 ms (a crash redelivers at most that much).',
      ],
    };
  } finally {
    await store.close();
    await pool.end();
    await database.drop();
  }
}

async function load(store: EventStore, total: number, tag: string): Promise<number> {
  const perStream = 20;
  let next = 0;
  const started = performance.now();
  const writer = async () => {
    while (next < total) {
      const stream = `order-bench-${tag}-${next}`;
      next += perStream;
      await store.append(stream, orderLineEvents(stream, 0, perStream), { expectedRevision: 'no_stream' });
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return total / ((performance.now() - started) / 1000);
}

async function readStore(store: EventStore, limit: number): Promise<number> {
  let after: Position = START;
  let count = 0;
  for (;;) {
    const page = await store.readAll({ after, limit });
    count += page.events.length;
    after = page.nextPosition;
    if (page.isEnd) return count;
  }
}

async function readFeed(url: string, key: string, limit: number): Promise<number> {
  let after = '';
  let count = 0;
  for (;;) {
    const response = await fetch(`${url}/v1/feed?limit=${limit}&after=${after}`, { headers: { authorization: `Bearer ${key}` } });
    const page = JSON.parse(await response.text()) as { events: unknown[]; next: string; caughtUp: boolean };
    count += page.events.length;
    after = page.next;
    if (page.caughtUp) return count;
  }
}

async function feedServer(pool: pg.Pool, store: EventStore) {
  const keys = await ApiKeyStore.open(pool);
  const { key } = await keys.create({ system: 'CRM', scopes: ['read'], actor: 'bench' });
  const app = await buildApp({ logger: createLogger('silent'), pool, keys, plugins: [feedRoutes({ store, pool })] });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, key, close: () => app.close() };
}

/** Delivers the last `count` events of the log through a fresh integrator; resolves once its checkpoint reaches the head. */
async function deliver(pool: pg.Pool, store: EventStore, count: number): Promise<number> {
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const integrators = new IntegratorRepository(pool, secrets);
  const name = `bench-${Date.now()}`;
  const head = await store.headPosition();
  const start = await positionBefore(store, count);
  await integrators.upsert(integratorConfigSchema.parse({ name, url: `http://127.0.0.1:${port}/hook`, secret: newWebhookSecret() }), 'api', start);
  const supervisor = createIntegratorSupervisor({ pool, secrets, store, logger: createLogger('silent'), pollMs: 20 });
  const started = performance.now();
  try {
    await supervisor.start();
    while ((await integrators.get(name))!.position < head) await new Promise((resolve) => setTimeout(resolve, 20));
    return count / ((performance.now() - started) / 1000);
  } finally {
    await supervisor.stop();
    await integrators.remove(name);
    await new Promise((resolve) => receiver.close(resolve));
  }
}

/** The position `count` events before the end of the log. */
async function positionBefore(store: EventStore, count: number): Promise<Position> {
  const positions: Position[] = [];
  let after: Position = START;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    for (const e of page.events) positions.push(e.position);
    after = page.nextPosition;
    if (page.isEnd) break;
  }
  return positions[positions.length - count - 1] ?? START;
}

async function repeat(times: number, run: () => Promise<number>): Promise<number[]> {
  const rates: number[] = [];
  for (let i = 0; i < times; i++) rates.push(await run());
  return rates;
}

/** Events per second of a run that returns how many events it read. */
async function rateOf(read: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await read();
  return count / ((performance.now() - started) / 1000);
}

function figure(key: string, work: string, concurrency: string, rates: number[], target?: Figure['target']): Figure {
  return { key, work, concurrency, unit: 'events/s', value: spreadOf(rates), ...(target ? { target } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const server = await startBenchServer(log);
  try {
    const output = await runIntegrationsBench({ server, plan: planFor(process.argv.slice(2)), log, tag: Date.now().toString(36) });
    for (const f of output.figures) console.log(`${f.work} (${f.concurrency}): ${Math.round(f.value.median).toLocaleString('en')} ${f.unit}`);
    for (const note of output.notes) console.log(`- ${note}`);
  } finally {
    await server.stop();
  }
}

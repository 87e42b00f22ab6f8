import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { START } from '../../src/eventstore/EventStore.js';
import { ParkedEventRepository } from '../../src/integrations/ParkedEventRepository.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
import { tryLockPartition } from '../../src/projections/runner/advisoryLock.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { untilReadable } from '../support/untilReadable.js';
import { acceptedBody, placeOrderBody } from './support/payloads.js';
import { unshedSettings } from '../support/unshedSettings.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;

let db: TestDatabase;
let service: Service;
let admin: string;

beforeAll(async () => {
  db = await createTestDatabase(4);
  service = await startService(loadConfig({ DATABASE_URL: db.url, PORT: '0', LEDGER_DATA_DIR: '/nonexistent-ledger-data', ...unshedSettings }), createLogger('silent'));
  admin = `Bearer ${(await service.keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key}`;
  const ecom = `Bearer ${(await service.keys.create({ system: 'ECOMMERCE', scopes: ['submit'], actor: 'test' })).key}`;
  const erp = `Bearer ${(await service.keys.create({ system: 'ERP', scopes: ['submit'], actor: 'test' })).key}`;
  for (const key of ['M-1', 'M-2', 'M-3']) {
    expect((await service.app.inject({ method: 'POST', url: '/v1/orders', headers: { authorization: ecom }, payload: placeOrderBody(key) })).statusCode).toBe(201);
    await service.app.inject({ method: 'POST', url: `/v1/orders/${key}/events`, headers: { authorization: erp }, payload: acceptedBody(`SO-${key}`) });
  }
  const created = await service.app.inject({
    method: 'POST', url: '/v1/integrators', headers: { authorization: admin },
    payload: { name: 'erp-mirror', url: 'http://127.0.0.1:9/hook', onFailure: 'park', startAfter: 'end' },
  });
  expect(created.statusCode).toBe(201);
  await untilReadable(service.store);
  const [event] = (await service.store.readAll({ after: START, limit: 1 })).events;
  await new ParkedEventRepository(db.pool).park({
    integrator: 'erp-mirror', eventId: event!.id, position: String(event!.position), streamId: event!.streamId, orderKey: 'M-1',
    eventType: event!.type, priority: 2450, currency: 'USD', policy: 'park', attempts: 8, lastError: 'connection refused', body: '{}',
  });
  await caughtUp();
}, 60_000);
afterAll(async () => service?.stop());

/** Scrapes `from` until `until` holds of the text (the gauges are read at most once a second); fails after 20 s. */
async function scrapeUntil(from: Service, what: string, until: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await scrape(from);
    if (until(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what} never held; last scrape:\n${text.split('\n').filter((l) => l.startsWith('ledger_')).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Until GET /v1/projections reports every projection without lag. */
async function caughtUp(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const body = (await service.app.inject({ method: 'GET', url: '/v1/projections', headers: { authorization: admin } })).json() as { items: { lag: { events: number } }[] };
    if (body.items.every((p) => p.lag.events === 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('projections did not catch up');
}

async function scrape(from: Service = service): Promise<string> {
  const response = await from.app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body;
}

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('/metrics', () => {
  it.skipIf(!promtool && process.env.CI !== 'true')('passes promtool check metrics', async () => {
    expect(promtool, 'promtool must be installed in CI (.ci/run installs the Debian package prometheus)').toBe(true);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: await scrape(), encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it("exposes Node's process metrics: heap, event-loop lag, GC", async () => {
    const text = await scrape();
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds [\d.e-]+/m);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram/m);
  });

  it('counts group-commit batches and the appends in flight', async () => {
    const text = await scrape();
    expect(sample(text, 'ledger_group_commit_batch_events_count')).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'ledger_group_commit_batch_events_sum')).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'ledger_group_commit_batch_appends_count')).toBeGreaterThanOrEqual(6);
    expect(sample(text, 'ledger_appends_in_flight')).toBe(0);
    expect(sample(text, 'ledger_events_appended_total{type="OrderReceived"}')).toBe(3);
  });

  it('reports each projection caught up and running', async () => {
    const text = await scrape();
    expect(sample(text, 'ledger_projection_lag_events{projection="orders"}')).toBe(0);
    expect(sample(text, 'ledger_projection_lag_seconds{projection="orders"}')).toBe(0);
    expect(sample(text, 'ledger_projection_failed{projection="orders"}')).toBe(0);
  });

  it('reports integrator lag, breaker state and parked events by priority', async () => {
    const text = await scrape();
    expect(sample(text, 'ledger_integrator_lag_events{integrator="erp-mirror"}')).toBe(0);
    expect(sample(text, 'ledger_integrator_breaker_state{integrator="erp-mirror",state="closed"}')).toBe(1);
    expect(sample(text, 'ledger_integrator_breaker_state{integrator="erp-mirror",state="open"}')).toBe(0);
    expect(sample(text, 'ledger_parked_events{integrator="erp-mirror",priority="under_10k"}')).toBe(1);
  });
});

describe('/metrics while work is behind or held up', () => {
  it('shows an integrator that cannot deliver behind the log: every event of the log undelivered, the oldest of them seconds old', async () => {
    const created = await service.app.inject({
      method: 'POST', url: '/v1/integrators', headers: { authorization: admin },
      payload: { name: 'crm-behind', url: 'http://127.0.0.1:9/hook', startAfter: '', maxAttempts: 3 },
    });
    expect(created.statusCode).toBe(201);
    const { rows: [log] } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger.events');
    const text = await scrapeUntil(service, 'integrator lag in seconds', (t) => (sample(t, 'ledger_integrator_lag_seconds{integrator="crm-behind"}') ?? 0) > 0);
    expect(sample(text, 'ledger_integrator_lag_events{integrator="crm-behind"}')).toBe(log!.n);
    expect(sample(text, 'ledger_integrator_lag_seconds{integrator="crm-behind"}')).toBeGreaterThan(0);
    // The one that started at the end and parks what fails is not behind.
    expect(sample(text, 'ledger_integrator_lag_events{integrator="erp-mirror"}')).toBe(0);
  });

  describe('a service of its own, at most two submissions in flight', () => {
    let own: TestDatabase;
    let busy: Service;
    let ecom: string;
    /** Holds the orders projection's lease, as another instance working it would. */
    let lease: pg.Client;

    beforeAll(async () => {
      own = await createTestDatabase(4);
      lease = new pg.Client({ connectionString: own.url });
      await lease.connect();
      expect(await tryLockPartition(lease, 'orders', 0)).toBe(true);
      busy = await startService(loadConfig({ DATABASE_URL: own.url, PORT: '0', LEDGER_DATA_DIR: '/nonexistent-ledger-data', LEDGER_MAX_IN_FLIGHT_APPENDS: '2', ...unshedSettings }), createLogger('silent'));
      ecom = `Bearer ${(await busy.keys.create({ system: 'ECOMMERCE', scopes: ['submit'], actor: 'test' })).key}`;
    }, 60_000);
    afterAll(async () => {
      await lease?.end().catch(() => undefined);
      await busy?.stop();
    });

    const place = (key: string) => busy.app.inject({ method: 'POST', url: '/v1/orders', headers: { authorization: ecom }, payload: placeOrderBody(key) });

    it('shows the orders projection behind while another holds its lease, in events and seconds, and 0 once it is free', async () => {
      for (const key of ['L-1', 'L-2', 'L-3']) expect((await place(key)).statusCode).toBe(201);
      const behind = await scrapeUntil(busy, 'orders projection lag', (t) => (sample(t, 'ledger_projection_lag_events{projection="orders"}') ?? 0) >= 3
        && (sample(t, 'ledger_projection_lag_seconds{projection="orders"}') ?? 0) > 0);
      expect(sample(behind, 'ledger_projection_lag_events{projection="orders"}')).toBe(3);
      expect(sample(behind, 'ledger_projection_failed{projection="orders"}')).toBe(0);
      await lease.end();
      const caught = await scrapeUntil(busy, 'orders projection caught up', (t) => sample(t, 'ledger_projection_lag_events{projection="orders"}') === 0);
      expect(sample(caught, 'ledger_projection_lag_seconds{projection="orders"}')).toBe(0);
    });

    it('counts the submissions in flight while PostgreSQL holds their appends, and exactly the ones refused beyond the limit', async () => {
      const before = await scrape(busy);
      const appendsBefore = sample(before, 'ledger_append_duration_seconds_count') ?? 0;
      const rejectedBefore = sample(before, 'ledger_overload_rejections_total') ?? 0;
      // The owner locks the log against writes: the two admitted appends wait on PostgreSQL, in flight.
      const holder = new pg.Client({ connectionString: own.ownerUrl });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE ledger.events IN EXCLUSIVE MODE');
      const held = [place('H-1'), place('H-2')];
      try {
        const during = await scrapeUntil(busy, 'two appends in flight', (t) => sample(t, 'ledger_appends_in_flight') === 2);
        expect(sample(during, 'ledger_appends_in_flight')).toBe(2);
        const refused = await Promise.all(['H-3', 'H-4', 'H-5', 'H-6', 'H-7'].map(place));
        expect(refused.map((r) => [r.statusCode, r.json().code, r.headers['retry-after']])).toEqual(Array(5).fill([503, 'OVERLOADED', '1']));
        expect(sample(await scrape(busy), 'ledger_overload_rejections_total')).toBe(rejectedBefore + 5);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      expect((await Promise.all(held)).map((r) => r.statusCode)).toEqual([201, 201]);
      const after = await scrape(busy);
      expect(sample(after, 'ledger_appends_in_flight')).toBe(0);
      expect(sample(after, 'ledger_append_duration_seconds_count')).toBeGreaterThanOrEqual(appendsBefore + 2);
      expect(sample(after, 'ledger_overload_rejections_total')).toBe(rejectedBefore + 5);
    });
  });
});

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { START } from '../../src/eventstore/EventStore.js';
import { ParkedEventRepository } from '../../src/integrations/ParkedEventRepository.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
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

/** Until GET /v1/projections reports every projection without lag. */
async function caughtUp(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const body = (await service.app.inject({ method: 'GET', url: '/v1/projections', headers: { authorization: admin } })).json() as { items: { lag: { events: number } }[] };
    if (body.items.every((p) => p.lag.events === 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('projections did not catch up');
}

async function scrape(): Promise<string> {
  const response = await service.app.inject({ method: 'GET', url: '/metrics' });
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

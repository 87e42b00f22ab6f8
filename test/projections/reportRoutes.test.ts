import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { buildApp } from '../../src/http/buildApp.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { reportRoutes } from '../../src/projections/http/reportRoutes.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appendOrder, storeOn } from './support/projectionHarness.js';
import { happyOrder, troubledOrder } from './support/scenarios.js';

describe('report routes', () => {
  let app: FastifyInstance;
  let store: EventStore;
  let runner: ProjectionRunner;
  let key: string;
  const get = (url: string, auth = true) => app.inject({ method: 'GET', url, headers: auth ? { authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    const db = await createTestDatabase();
    store = storeOn(db.pool);
    await appendOrder(store, 'R-1', happyOrder('R-1', 'GAMMA').events);
    await appendOrder(store, 'R-2', troubledOrder('R-2', 'GAMMA').events);
    const logger = createLogger('silent');
    runner = new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger });
    runner.start();
    await waitUntilCaughtUp(runner);
    const keys = await ApiKeyStore.open(db.pool);
    key = (await keys.create({ system: 'ADMIN', scopes: ['read'], actor: 'test' })).key;
    app = await buildApp({ logger, pool: db.pool, store, keys, plugins: [reportRoutes({ pool: db.pool, runner })] });
  });
  afterAll(async () => {
    await app.close();
    await runner.stop();
    await store.close();
  });

  it('refuses a caller without an API key', async () => {
    expect((await get('/v1/reports/backlog', false)).statusCode).toBe(401);
  });

  it('answers the backlog by stage and age bucket', async () => {
    const response = await get('/v1/reports/backlog?soldTo=GAMMA');
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      expect.objectContaining({ stage: 'BACKORDERED', age_bucket: '>30', lines: 1, open_value: 300, past_due_lines: 1 }),
      expect.objectContaining({ stage: 'OPEN', age_bucket: '>30', lines: 1, open_value: 30, past_due_lines: 1 }),
    ]);
  });

  it('answers fill rate for a date range and refuses a reversed one', async () => {
    const response = await get('/v1/reports/fill-rate?from=2025-03-01&to=2025-03-31&warehouse=WH1');
    expect(response.json().items).toEqual([expect.objectContaining({ day: '2025-03-04', lines: 2, line_fill_rate: 1, order_fill_rate: 1 })]);
    const reversed = await get('/v1/reports/fill-rate?from=2025-03-31&to=2025-03-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('INVALID_DATE_RANGE');
  });

  it('answers KPIs by day', async () => {
    const response = await get('/v1/reports/kpis?from=2025-03-03&to=2025-03-03');
    expect(response.json().items).toEqual([expect.objectContaining({ day: '2025-03-03', orders: 2, acceptance_latency_p50_seconds: 4500, cycle_time_p50_seconds: 172800 })]);
  });

  it('shows an account\'s orders with their lines for the CRM', async () => {
    const response = await get('/v1/crm/accounts/GAMMA/orders');
    const items = response.json().items as { order_key: string; display_status: string; lines: unknown[] }[];
    expect(items.map((o) => [o.order_key, o.display_status, o.lines.length])).toEqual([['R-1', 'INVOICED', 2], ['R-2', 'PARTIALLY_SHIPPED', 2]]);
  });

  it('lists open exceptions and the SLA breaches by value at risk', async () => {
    const response = await get('/v1/exceptions');
    expect(response.statusCode).toBe(200);
    expect(response.json().slaBreaches[0]).toMatchObject({ rule: 'PAST_PROMISED_SHIP_DATE', order_key: 'R-2', value_at_risk: 300 });
  });

  it('reports each projection with its checkpoint and lag', async () => {
    const response = await get('/v1/projections');
    expect(response.json().items).toEqual([
      expect.objectContaining({ name: 'orders', status: 'running', worker: 'active', lag: { events: 0, capped: false, seconds: 0 } }),
      expect.objectContaining({ name: 'audit_trail', status: 'running', eventsApplied: 13 }),
    ]);
  });
});

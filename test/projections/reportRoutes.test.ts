import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { buildApp } from '../../src/http/buildApp.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { reportRoutes } from '../../src/http/reports/reportRoutes.js';
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
    expect(response.json()).toEqual({
      items: [
        expect.objectContaining({ stage: 'BACKORDERED', ageBucket: '>30', currency: 'USD', lines: 1, openValue: 300, pastDueLines: 1 }),
        expect.objectContaining({ stage: 'OPEN', ageBucket: '>30', currency: 'USD', lines: 1, openValue: 30, pastDueLines: 1 }),
      ],
      nextCursor: null,
    });
  });

  it('pages a list by cursor, never repeating or skipping a row', async () => {
    const all = (await get('/v1/reports/backlog')).json().items;
    const first = await get('/v1/reports/backlog?limit=1');
    expect(first.json().items).toEqual([all[0]]);
    const cursor = first.json().nextCursor as string;
    expect(first.headers['next-cursor']).toBe(cursor);
    const second = await get(`/v1/reports/backlog?limit=1&cursor=${cursor}`);
    expect(second.json()).toEqual({ items: [all[1]], nextCursor: null });
  });

  it('refuses a cursor it did not issue', async () => {
    const response = await get(`/v1/reports/backlog?cursor=${Buffer.from('["x"]').toString('base64url')}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('INVALID_CURSOR');
    const wrongType = await get(`/v1/exceptions?cursor=${Buffer.from('["x","y","z","w"]').toString('base64url')}`);
    expect(wrongType.json().code).toBe('INVALID_CURSOR');
  });

  it('answers every report as CSV when asked with Accept: text/csv', async () => {
    for (const url of ['/v1/reports/backlog', '/v1/reports/fill-rate?from=2025-03-01&to=2025-03-31', '/v1/reports/kpis?from=2025-03-01&to=2025-03-31',
      '/v1/crm/accounts/GAMMA/orders', '/v1/exceptions', '/v1/reports/sla-breaches', '/v1/projections', '/v1/reports/summary?from=2025-03-01&to=2025-03-31']) {
      const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, accept: 'text/csv' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/csv/);
      expect(response.body.split('\r\n')[0], url).toMatch(/^[a-zA-Z0-9]+(,[a-zA-Z0-9.]+)+$/);
    }
    const backlog = await app.inject({ method: 'GET', url: '/v1/reports/backlog', headers: { authorization: `Bearer ${key}`, accept: 'text/csv' } });
    expect(backlog.body.split('\r\n')[0]).toBe('stage,ageBucket,currency,lines,openQty,openValue,pastDueLines,pastDueValue');
  });

  it('answers fill rate for a date range and refuses a reversed one', async () => {
    const response = await get('/v1/reports/fill-rate?from=2025-03-01&to=2025-03-31&warehouse=WH1');
    expect(response.json().items).toEqual([expect.objectContaining({ day: '2025-03-04', lines: 2, lineFillRate: 1, orderFillRate: 1 })]);
    const reversed = await get('/v1/reports/fill-rate?from=2025-03-31&to=2025-03-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('INVALID_DATE_RANGE');
  });

  it('answers KPIs by day', async () => {
    const response = await get('/v1/reports/kpis?from=2025-03-03&to=2025-03-03');
    expect(response.json().items).toEqual([expect.objectContaining({ day: '2025-03-03', orders: 2, acceptanceLatencyP50Seconds: 4500, cycleTimeP50Seconds: 172800 })]);
  });

  it('refuses a customer, warehouse or channel on the KPIs by day, naming it, instead of answering every segment', async () => {
    for (const filter of ['soldTo=GAMMA', 'warehouse=DC1', 'channel=EDI']) {
      const response = await get(`/v1/reports/kpis?from=2025-03-03&to=2025-03-03&${filter}`);
      expect(response.statusCode, filter).toBe(400);
      expect(response.json().code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(response.json()), filter).toContain(filter.split('=')[0]);
    }
  });

  it('shows an account\'s orders with their lines for the CRM', async () => {
    const response = await get('/v1/crm/accounts/GAMMA/orders');
    const items = response.json().items as { orderKey: string; displayStatus: string; openValue: unknown; stalenessSeconds: unknown; lines: unknown[] }[];
    expect(items.map((o) => [o.orderKey, o.displayStatus, o.lines.length])).toEqual([['R-1', 'INVOICED', 2], ['R-2', 'PARTIALLY_SHIPPED', 2]]);
    expect(typeof items[1]!.openValue).toBe('number');
    expect(typeof items[1]!.stalenessSeconds).toBe('number');
  });

  it('lists open exceptions and the SLA breaches by value at risk', async () => {
    const response = await get('/v1/exceptions');
    expect(response.statusCode).toBe(200);
    const breaches = await get('/v1/reports/sla-breaches');
    expect(breaches.json().items[0]).toMatchObject({ rule: 'PAST_PROMISED_SHIP_DATE', orderKey: 'R-2', valueAtRisk: 300, currency: 'USD' });
  });

  it('reports each projection with its checkpoint and lag', async () => {
    const response = await get('/v1/projections');
    expect(response.json().items).toEqual([
      expect.objectContaining({ name: 'orders', status: 'running', worker: 'active', lag: { events: 0, capped: false, seconds: 0 } }),
      expect.objectContaining({ name: 'audit_trail', status: 'running', eventsApplied: 13 }),
      expect.objectContaining({ name: 'sync_acks', status: 'running', eventsApplied: 0 }),
    ]);
  });

  it('shows no lag for a projection that skipped every event so far: its checkpoint moved past them', async () => {
    const head = await store.headPosition();
    const syncAcks = async () => ((await get('/v1/projections')).json().items as { name: string; position: string; lag: unknown }[]).find((p) => p.name === 'sync_acks');
    await expect.poll(syncAcks, { timeout: 5000 }).toMatchObject({ position: head, lag: { events: 0, capped: false, seconds: 0 } });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { integratorRoutes } from '../../src/http/integrators/integratorRoutes.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { ParkedEventRepository } from '../../src/integrations/ParkedEventRepository.js';
import { everyPage } from '../support/everyPage.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecrets } from '../support/testSecrets.js';
import { appWith } from './support/feedApp.js';
import { testSecret } from './support/integratorHarness.js';

const db = await createTestDatabase();
const store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
const { app, read } = await appWith(db.pool, [integratorRoutes({ pool: db.pool, secrets: testSecrets, store })]);
afterAll(async () => {
  await app.close();
  await store.close();
});
const get = (url: string, accept = 'application/json') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${read}`, accept } });

const parked = new ParkedEventRepository(db.pool);
const integrators = new IntegratorRepository(db.pool, testSecrets);
for (const name of ['erp-hook', 'wms-hook']) {
  await integrators.upsert(integratorConfigSchema.parse({ name, url: 'http://127.0.0.1:9/x', secret: testSecret, onFailure: 'park' }), 'api', '');
}
// Ties on the value at risk, both currencies, a resolved one: the order has to come from every sort key.
const priorities = [400, 125.5, 400, 0, 980, 125.5, 400];
for (const [i, priority] of priorities.entries()) {
  await parked.park({
    integrator: i % 3 === 0 ? 'wms-hook' : 'erp-hook', eventId: randomUUID(), position: `p${i}`, streamId: `order-PQ-${i}`, orderKey: `PQ-${i}`,
    eventType: 'OrderAccepted', priority, currency: i === 4 ? 'EUR' : 'USD', policy: 'park', attempts: 3, lastError: `HTTP 422 (${i})`, body: '{}',
  });
}
const [resolved] = (await get('/v1/parked?limit=1')).json<{ items: { id: string }[] }>().items;
await parked.resolve(resolved!.id, { action: 'discard', actor: 'test', reason: 'superseded' });

describe('the exception queue, a page at a time', () => {
  it('walks the queue page by page, neither repeating nor skipping an event, open ones first, the highest value at risk first', async () => {
    for (const query of ['', '?all=true', '?integrator=erp-hook']) {
      const whole = (await get(`/v1/parked${query}`)).json();
      expect(whole.nextCursor).toBeNull();
      const walked = await everyPage(get, `/v1/parked${query}`, 2);
      expect(walked.pages.length, query).toBeGreaterThanOrEqual(2);
      expect(walked.items, query).toEqual(whole.items);
      expect(new Set(walked.items.map((p) => (p as { id: string }).id)).size).toBe(whole.items.length);
    }
    const all = (await get('/v1/parked?all=true')).json().items as { id: string; state: string; priority: number }[];
    expect(all).toHaveLength(priorities.length);
    expect(all.at(-1)).toMatchObject({ id: resolved!.id, state: 'discarded', priority: 980 });
    const open = all.slice(0, -1).map((p) => p.priority);
    expect(open).toEqual([400, 400, 400, 125.5, 125.5, 0]);
  });

  it('refuses a cursor it did not issue', async () => {
    for (const cursor of ['bm90LW91cnM', Buffer.from('["0","x","y","z"]').toString('base64url'), Buffer.from('["0"]').toString('base64url')]) {
      const response = await get(`/v1/parked?cursor=${cursor}`);
      expect([response.statusCode, response.json().code]).toEqual([400, 'INVALID_CURSOR']);
    }
  });

  it('answers CSV with Accept: text/csv, one row per event, and the next cursor in its header', async () => {
    const response = await get('/v1/parked?limit=2', 'text/csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['next-cursor']).toEqual(expect.any(String));
    const lines = response.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('id,integrator,eventId,position,streamId,orderKey,eventType,priority,currency,policy,attempts,lastError,state,parkedAt,resolvedAt');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d+,(erp|wms)-hook,[0-9a-f-]{36},p\d,order-PQ-\d,PQ-\d,OrderAccepted,400,USD,park,3,HTTP 422 \(\d\),parked,\d{4}-\d\d-\d\dT[\d:.]+Z,$/);
  });
});

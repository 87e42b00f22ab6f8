import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/EventStore.js';
import { verifyLog } from '../../src/eventstore/postgres/verifyLog.js';
import { syncRoutes } from '../../src/http/sync/syncRoutes.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createReportingApp } from '../projections/support/reportingApp.js';
import { createIntegratorSupervisor, type IntegratorSupervisor } from '../../src/integrations/createIntegratorSupervisor.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { createLogger } from '../../src/logger.js';
import { testSecret } from './support/integratorHarness.js';
import { appendToOrder, ledgerEvent, orderAccepted, orderReceived, shipmentConfirmed } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support/webhookReceiver.js';
import { everyPage } from '../support/everyPage.js';
import { testSecrets } from '../support/testSecrets.js';

const ctx = await createReportingApp(({ pool, store, orders }) => [syncRoutes({ pool, store, orders, secrets: testSecrets })]);
const { app, db, store, runner, readKey, adminKey } = ctx;
const integrators = new IntegratorRepository(db.pool, testSecrets);
const lines = [{ lineNo: 1, qty: 10, price: 12.5 }, { lineNo: 2, qty: 4, price: 100 }];
const orderKeys = ['SY-1', 'SY-2', 'SY-3', 'SY-4', 'SY-5'];
const missed = new Set(['SY-2', 'SY-4']);

const get = async (url: string) => {
  const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${readKey}` } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

function acknowledged(orderKey: string, consumer: string, events: readonly RecordedEvent[], outcome = 'ACCEPTED') {
  return ledgerEvent(orderKey, 'IntegrationAcknowledged', {
    consumer, eventIds: events.map((e) => e.id), outcome, ackAt: '2026-03-09T10:00:00Z',
  }, { kind: 'CRM', instance: 'crm-1' });
}

describe('the sync state of an integrator whose receiver misses some orders', () => {
  let receiver: WebhookReceiver;
  const name = 'crm-hook';
  let supervisor: IntegratorSupervisor;
  const recorded = new Map<string, RecordedEvent[]>();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.answer = (request) => (missed.has(JSON.parse(request.body).data.orderKey) ? 500 : 204);
    await integrators.upsert(integratorConfigSchema.parse({
      name, url: receiver.url, secret: testSecret, preset: 'crm-sync', onFailure: 'park', maxAttempts: 2, timeoutMs: 3000,
      backoff: { baseMs: 5, maxMs: 20 }, breaker: { failureThreshold: 50, openMs: 20 },
    }), 'api', await store.headPosition());
    supervisor = createIntegratorSupervisor({ pool: db.pool, secrets: testSecrets, store, logger: createLogger('silent'), pollMs: 50 });
    await supervisor.start();
    for (const key of orderKeys) {
      recorded.set(key, await appendToOrder(store, key, [orderReceived(key, lines), orderAccepted(key, lines), shipmentConfirmed(key, `S-${key}`, [{ lineNo: 1, qty: 10 }])]));
    }
    await waitFor('every delivery answered or parked', async () =>
      (await db.pool.query(`SELECT position FROM integration.integrator_checkpoints WHERE name = $1`, [name])).rows[0]?.position === recorded.get('SY-5')!.at(-1)!.position);
    await waitUntilCaughtUp(runner);
  });
  afterAll(async () => {
    await supervisor.stop();
    await receiver.close();
  });

  it('names exactly the orders the receiver missed, as failing, with their open value at risk', async () => {
    const { items: systems } = await get('/v1/sync');
    expect(systems).toEqual([expect.objectContaining({
      kind: 'integrator', system: name, crm: true, state: 'failing', orders: 5, inStep: 3, behind: 0, failing: 2, valueAtRisk: 800, stopped: false,
    })]);
    const { items: orders } = await get(`/v1/sync/${name}/orders`);
    expect(orders.map((o: { orderKey: string }) => o.orderKey).sort()).toEqual(['SY-2', 'SY-4']);
    expect(orders[0]).toMatchObject({ state: 'failing', reflectedRevision: null, headRevision: 2, valueAtRisk: 400, currency: 'USD' });
    expect(orders[0].error).toMatch(/HTTP 500/);
    expect(Date.parse(orders[0].behindSince)).toBeLessThanOrEqual(Date.parse(orders[0].headRecordedAt));
  });

  it('shows per order the revision and milestone each system reflects, beside the ledger\'s', async () => {
    const inStep = await get('/v1/orders/SY-1/sync');
    expect(inStep.ledger).toMatchObject({ revision: 2, lastMilestone: 'SHIPPED' });
    expect(inStep.systems).toEqual([expect.objectContaining({ system: name, state: 'in_step', reflectedRevision: 2, reflectedMilestone: 'SHIPPED', behindSince: null })]);
    const failing = await get('/v1/orders/SY-2/sync');
    expect(failing.orderKey).toBe('SY-2');
    expect(failing.systems).toEqual([expect.objectContaining({ system: name, state: 'failing', reflectedRevision: null, reflectedMilestone: null })]);
    const unknown = await app.inject({ method: 'GET', url: '/v1/orders/NOPE/sync', headers: { authorization: `Bearer ${readKey}` } });
    expect(unknown.statusCode).toBe(404);
  });

  const resend = async (orderKeys: string[], reason: string) => {
    const response = await app.inject({
      method: 'POST', url: '/v1/sync/resend', headers: { authorization: `Bearer ${adminKey}`, 'x-correlation-id': 'resend-1' },
      payload: { system: name, orderKeys, reason },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const history = async (orderKey: string) => {
    const response = await app.inject({ method: 'GET', url: `/v1/orders/${orderKey}/history`, headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { verification: { ok: boolean; checked: number }; events: { type: string; revision: number; system: unknown; actor: unknown; correlationId: string; data: Record<string, unknown> }[] };
  };

  it('records a re-send the receiver still refuses in the order\'s history, and the order stays failing', async () => {
    const body = await resend(['SY-2'], 'try before the fix');
    expect(body.results).toEqual([{ orderKey: 'SY-2', outcome: 'failed', error: expect.stringMatching(/^HTTP 500/) }]);
    const { verification, events } = await history('SY-2');
    expect(verification).toEqual({ ok: true, checked: 4 });
    expect(events[3]).toMatchObject({
      type: 'IntegrationResent', revision: 3, system: { kind: 'LEDGER', instance: 'order-ledger' }, correlationId: 'resend-1',
      actor: { type: 'USER', id: expect.stringMatching(/^ADMIN:/) },
      data: { integrator: name, eventIds: [recorded.get('SY-2')![2]!.id], outcome: 'failed', error: expect.stringMatching(/^HTTP 500/), reason: 'try before the fix' },
    });
    await waitUntilCaughtUp(runner);
    const { items: orders } = await get(`/v1/sync/${name}/orders`);
    expect(orders.map((o: { orderKey: string; state: string }) => [o.orderKey, o.state]).sort()).toEqual([['SY-2', 'failing'], ['SY-4', 'failing']]);
  });

  it('brings the missed orders in step by re-sending their current state, each re-send an event of its order', async () => {
    receiver.answer = () => 204;
    const sentBefore = receiver.accepted.length;
    const body = await resend(['SY-2', 'SY-4', 'NOPE'], 'receiver was down');
    expect(body).toEqual({ system: name, results: [
      { orderKey: 'SY-2', outcome: 'delivered', eventIds: [recorded.get('SY-2')![2]!.id] },
      { orderKey: 'SY-4', outcome: 'delivered', eventIds: [recorded.get('SY-4')![2]!.id] },
      { orderKey: 'NOPE', outcome: 'not_found' },
    ] });
    const resent = receiver.received.slice(-2).map((r) => JSON.parse(r.body).data);
    expect(resent.map((view) => [view.orderKey, view.lastMilestone.type])).toEqual([['SY-2', 'SHIPPED'], ['SY-4', 'SHIPPED']]);
    expect(receiver.accepted.length).toBe(sentBefore + 2);
    await waitUntilCaughtUp(runner);
    const { items: systems } = await get('/v1/sync');
    expect(systems[0]).toMatchObject({ system: name, state: 'in_step', inStep: 5, failing: 0, valueAtRisk: 0 });
    // The order's sync view: the ledger's head is its last business event, which the system now reflects.
    const sy2 = await get('/v1/orders/SY-2/sync');
    expect(sy2.ledger).toMatchObject({ revision: 2, lastMilestone: 'SHIPPED' });
    expect(sy2.systems).toEqual([expect.objectContaining({ system: name, state: 'in_step', headRevision: 2, reflectedRevision: 2, reflectedMilestone: 'SHIPPED' })]);
    for (const [orderKey, revision] of [['SY-2', 4], ['SY-4', 3]] as const) {
      const { verification, events } = await history(orderKey);
      expect(verification).toEqual({ ok: true, checked: revision + 1 });
      expect(events.at(-1)).toMatchObject({
        type: 'IntegrationResent', revision, system: { kind: 'LEDGER' }, actor: { type: 'USER', id: expect.stringMatching(/^ADMIN:/) },
        data: { integrator: name, eventIds: [recorded.get(orderKey)![2]!.id], outcome: 'delivered', reason: 'receiver was down' },
      });
      expect(events.at(-1)!.data).not.toHaveProperty('reconciliationId');
    }
    const audit = await db.pool.query(`SELECT order_key, stream_version::int, actor_id FROM reporting.audit_trail WHERE event_type = 'IntegrationResent' ORDER BY position`);
    expect(audit.rows.map((r) => [r.order_key, r.stream_version])).toEqual([['SY-2', 3], ['SY-2', 4], ['SY-4', 3]]);
    const parked = await db.pool.query(`SELECT count(*)::int AS open FROM integration.parked_events WHERE integrator = $1 AND state = 'parked'`, [name]);
    expect(parked.rows[0].open).toBe(0);
    expect((await verifyLog(db.pool)).broken).toEqual([]);
    // Its run does not send the re-send records back: nothing more reaches the receiver.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.accepted.length).toBe(sentBefore + 2);
  });

  it('reports a paused integrator behind on the orders recorded since, with the gap\'s start', async () => {
    await integrators.pause(name);
    await waitFor('the pause', () => !supervisor.running().includes(name));
    const [late] = await appendToOrder(store, 'SY-6', [orderReceived('SY-6', lines)]);
    await waitUntilCaughtUp(runner);
    const { items: orders } = await get(`/v1/sync/${name}/orders?state=behind`);
    expect(orders).toEqual([expect.objectContaining({ orderKey: 'SY-6', state: 'behind', headRevision: 0, behindSince: late!.recordedAt.toISOString(), valueAtRisk: 525 })]);
  });
});

describe('the sync state of a consumer that acknowledges', () => {
  it('counts it in step on the orders it acknowledged up to their last event, behind on the rest, failing on a rejection', async () => {
    const keys = ['AK-1', 'AK-2', 'AK-3', 'AK-4'];
    const events = new Map<string, RecordedEvent[]>();
    for (const key of keys) events.set(key, await appendToOrder(store, key, [orderReceived(key, lines), orderAccepted(key, lines)]));
    await appendToOrder(store, 'AK-1', [acknowledged('AK-1', 'crm-app', events.get('AK-1')!)]);
    await appendToOrder(store, 'AK-2', [acknowledged('AK-2', 'crm-app', events.get('AK-2')!.slice(0, 1))]);
    await appendToOrder(store, 'AK-3', [acknowledged('AK-3', 'crm-app', events.get('AK-3')!.slice(1), 'REJECTED')]);
    await waitUntilCaughtUp(runner);
    const { rows } = await db.pool.query(
      `SELECT order_key, state, reflected_revision::int FROM reporting.sync_state WHERE system = 'crm-app' ORDER BY order_key`);
    // Coverage starts at the first event it acknowledged (AK-1's first): the earlier SY orders are not its business.
    expect(rows).toEqual([
      { order_key: 'AK-1', state: 'in_step', reflected_revision: 1 },
      { order_key: 'AK-2', state: 'behind', reflected_revision: 0 },
      { order_key: 'AK-3', state: 'failing', reflected_revision: null },
      { order_key: 'AK-4', state: 'behind', reflected_revision: null },
    ]);
    const { items: systems } = await get('/v1/sync');
    expect(systems).toContainEqual(expect.objectContaining({ kind: 'consumer', system: 'crm-app', crm: true, state: 'failing', inStep: 1, behind: 2, failing: 1, valueAtRisk: 1575 }));
  });

  it('values the orders at risk in one currency, the one most orders are in unless asked for another', async () => {
    await appendToOrder(store, 'AK-EUR', [orderReceived('AK-EUR', lines, 'EUR')]);
    await waitUntilCaughtUp(runner);
    const crmApp = (body: { items: { system: string }[] }) => body.items.find((s) => s.system === 'crm-app');
    const usd = await get('/v1/sync');
    expect(usd).toMatchObject({ currency: 'USD', currencies: ['USD', 'EUR'] });
    expect(crmApp(usd)).toMatchObject({ behind: 3, valueAtRisk: 1575 });
    const eur = await get('/v1/sync?currency=EUR');
    expect(eur.currency).toBe('EUR');
    expect(crmApp(eur)).toMatchObject({ behind: 3, valueAtRisk: 525 });
  });

  it('lists the systems worst first, by value at risk', async () => {
    const { items: systems } = await get('/v1/sync') as { items: { system: string; valueAtRisk: number }[] };
    // The paused integrator and the acknowledging consumer are both at risk, by different values.
    const atRisk = systems.map((s) => [s.system, s.valueAtRisk] as const);
    expect(atRisk.map(([name]) => name)).toEqual(expect.arrayContaining(['crm-hook', 'crm-app']));
    expect(new Set(atRisk.map(([, value]) => value)).size).toBeGreaterThan(1);
    expect(atRisk).toEqual([...atRisk].sort((a, b) => b[1] - a[1]));
  });
});

describe('the sync lists, a page at a time', () => {
  const ask = (url: string, accept = 'application/json') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${readKey}`, accept } });

  it('walks the systems and the orders one system misses page by page, neither repeating nor skipping one', async () => {
    const systems = await get('/v1/sync');
    expect(systems.nextCursor).toBeNull();
    const walked = await everyPage(ask, '/v1/sync?currency=USD', 1);
    expect(walked.pages.length).toBeGreaterThanOrEqual(2);
    expect(walked.items).toEqual(systems.items);
    for (const page of walked.pages) expect(page).toMatchObject({ currency: 'USD', currencies: ['USD', 'EUR'] });

    // Ties on the value at risk (525 each) and on the state: the order key decides.
    const orders = await get('/v1/sync/crm-app/orders');
    expect(orders.items.length).toBeGreaterThanOrEqual(4);
    const pages = await everyPage(ask, '/v1/sync/crm-app/orders', 3);
    expect(pages.pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.items).toEqual(orders.items);
    expect(new Set(pages.items.map((o) => (o as { orderKey: string }).orderKey)).size).toBe(orders.items.length);
  });

  it('refuses a cursor either list did not issue, its own or the other\'s', async () => {
    const systemsCursor = (await get('/v1/sync?limit=1')).nextCursor as string;
    const ordersCursor = (await get('/v1/sync/crm-app/orders?limit=1')).nextCursor as string;
    for (const url of ['/v1/sync?cursor=bm90LW91cnM', `/v1/sync?cursor=${ordersCursor}`, '/v1/sync/crm-app/orders?cursor=bm90LW91cnM', `/v1/sync/crm-app/orders?cursor=${systemsCursor}`]) {
      const response = await ask(url);
      expect([response.statusCode, response.json().code], url).toEqual([400, 'INVALID_CURSOR']);
    }
  });

  it('answers both as CSV with Accept: text/csv: one row per system, each naming its currency; one row per order', async () => {
    const systems = await ask('/v1/sync', 'text/csv');
    expect(systems.headers['content-type']).toMatch(/^text\/csv/);
    const rows = systems.body.trim().split(/\r?\n/);
    expect(rows[0]).toBe('kind,system,crm,state,orders,inStep,behind,failing,valueAtRisk,currency,oldestGapSince,lastReflectedAt,stopped,paused');
    expect(rows).toContainEqual(expect.stringMatching(/^consumer,crm-app,true,failing,\d+,1,3,1,1575,USD,\d{4}-[\d-]+T[\d:.]+Z,\d{4}-[\d-]+T[\d:.]+Z,false,false$/));
    const orders = await ask('/v1/sync/crm-app/orders', 'text/csv');
    const lines = orders.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('kind,system,orderKey,state,headRevision,headRecordedAt,reflectedRevision,reflectedAt,behindSince,error,valueAtRisk,currency');
    expect(lines[1]).toMatch(/^consumer,crm-app,AK-3,failing,1,[\d-]+T[\d:.]+Z,,,[\d-]+T[\d:.]+Z,acknowledged REJECTED,525,USD$/);
  });
});

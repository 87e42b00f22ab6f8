import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { integratorRoutes } from '../../src/http/integrators/integratorRoutes.js';
import { ParkedEventRepository } from '../../src/integrations/ParkedEventRepository.js';
import { capturingLogger } from '../support/logCapture.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appWith } from './support/feedApp.js';
import { integratorHarness } from './support/integratorHarness.js';
import { anOrder } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support/webhookReceiver.js';
import { testSecrets } from '../support/testSecrets.js';

const db = await createTestDatabase();
const store: EventStore = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
const parked = new ParkedEventRepository(db.pool);
afterAll(async () => store.close());

describe('an event the receiver keeps refusing', () => {
  const harness = integratorHarness(db.pool, store);
  let receiver: WebhookReceiver;
  let app: FastifyInstance;
  let admin: string;
  let events: RecordedEvent[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ({ app, admin } = await appWith(db.pool, [integratorRoutes({ pool: db.pool, secrets: testSecrets, store })]));
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
  });

  const refuseSecond = () => {
    receiver.received.length = 0;
    receiver.accepted.length = 0;
    // The second event of each order is its OrderAccepted.
    receiver.answer = (request) => (request.body.includes('"type":"com.orderledger.OrderAccepted"') ? 422 : 204);
  };
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(payload ? { payload } : {}) });

  it('is parked with the order\'s open value at risk, and delivery goes on, under the park policy', async () => {
    refuseSecond();
    const name = await harness.create({ url: receiver.url, onFailure: 'park' });
    await harness.supervisor().start();
    events = await anOrder(store, 'PK-1', 3);
    await waitFor('the third event', () => receiver.accepted.includes(events[2]!.id));
    expect(receiver.accepted).toEqual([events[0]!.id, events[2]!.id]);
    expect(receiver.received.filter((r) => r.eventId === events[1]!.id)).toHaveLength(3);
    const [row] = (await call('GET', `/v1/parked?integrator=${name}`)).json<{ items: { id: string }[] }>().items;
    expect(row).toMatchObject({
      eventId: events[1]!.id, position: events[1]!.position, orderKey: 'PK-1', eventType: 'OrderAccepted',
      priority: 525, currency: 'USD', policy: 'park', attempts: 3, lastError: expect.stringContaining('HTTP 422'), state: 'parked',
    });
    await waitFor('the checkpoint past all three', async () => (await harness.integrators.get(name))!.position === events[2]!.position);
  });

  it('stops the integrator before it, alerts, and lets an operator discard it to go on, under the stop policy', async () => {
    refuseSecond();
    const { logger, lines } = capturingLogger('info');
    const name = await harness.create({ url: receiver.url });
    await harness.supervisor({ logger }).start();
    events = await anOrder(store, 'ST-1', 3);
    await waitFor('the stop', async () => (await harness.integrators.get(name))!.status === 'stopped');
    expect(receiver.accepted).toEqual([events[0]!.id]);
    expect(lines.some((l) => l.includes('"level":50') && l.includes('integrator stopped'))).toBe(true);
    expect(lines.join('\n')).not.toContain('whsec_');

    const listed = (await call('GET', '/v1/integrators')).json<{ items: { name: string }[] }>().items.find((i) => i.name === name);
    expect(listed).toMatchObject({ status: 'stopped', checkpoint: events[0]!.position, lag: { events: 2 }, lastError: expect.stringContaining('HTTP 422') });
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const [row] = (await call('GET', `/v1/parked?integrator=${name}`)).json<{ items: { id: string; policy: string }[] }>().items;
    expect(row).toMatchObject({ policy: 'stop' });
    const discarded = await call('POST', `/v1/parked/${row!.id}/discard`, { reason: 'CRM already has this order' });
    expect(discarded.json()).toMatchObject({ parked: { state: 'discarded' }, resumedIntegrator: true });
    await waitFor('the rest', () => receiver.accepted.includes(events[2]!.id));
    expect(receiver.accepted).toEqual([events[0]!.id, events[2]!.id]);
    expect(await parked.actions(row!.id)).toEqual([
      expect.objectContaining({ action: 'discard', outcome: 'discarded', actor: expect.stringMatching(/^ADMIN:/), reason: 'CRM already has this order' }),
    ]);
  });

  it('resumes a stopped integrator on request, retrying the event it stopped on', async () => {
    refuseSecond();
    const name = await harness.create({ url: receiver.url });
    await harness.supervisor().start();
    events = await anOrder(store, 'RS-1', 3);
    await waitFor('the stop', async () => (await harness.integrators.get(name))!.status === 'stopped');
    receiver.answer = () => 204;
    expect((await call('POST', `/v1/integrators/${name}/resume`)).json()).toMatchObject({ status: 'running' });
    await waitFor('all three', () => receiver.accepted.length === 3);
    expect(receiver.accepted).toEqual(events.map((e) => e.id));
  });

  it('re-delivers a parked event on request and records each try', async () => {
    refuseSecond();
    const name = await harness.create({ url: receiver.url, onFailure: 'park' });
    await harness.supervisor().start();
    events = await anOrder(store, 'RT-1', 3);
    await waitFor('the third event', () => receiver.accepted.includes(events[2]!.id));
    const [row] = (await call('GET', `/v1/parked?integrator=${name}`)).json<{ items: { id: string }[] }>().items;
    const failed = await call('POST', `/v1/parked/${row!.id}/retry`);
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toMatchObject({ code: 'DELIVERY_FAILED' });
    receiver.answer = () => 204;
    const retried = await call('POST', `/v1/parked/${row!.id}/retry`);
    expect(retried.json()).toMatchObject({ parked: { state: 'delivered', attempts: 4 }, resumedIntegrator: false });
    expect(receiver.accepted.at(-1)).toBe(events[1]!.id);
    expect((await call('POST', `/v1/parked/${row!.id}/retry`)).statusCode).toBe(409);
    expect((await parked.actions(row!.id)).map((a) => a.outcome)).toEqual(['failed', 'delivered']);
  });
});

describe('the integrator admin API', () => {
  let app: FastifyInstance;
  let admin: string;
  let read: string;
  beforeAll(async () => {
    ({ app, admin, read } = await appWith(db.pool, [integratorRoutes({ pool: db.pool, secrets: testSecrets, store })]));
  });
  afterAll(async () => app.close());

  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, key: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  it('creates an integrator, shows a generated secret once, and never again', async () => {
    const created = await call('POST', '/v1/integrators', admin, { name: 'crm-api', url: 'http://127.0.0.1:9/x', types: ['ShipmentConfirmed'], startAfter: 'end' });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toMatch(/^whsec_/);
    expect((await call('POST', '/v1/integrators', admin, { name: 'crm-api', url: 'http://127.0.0.1:9/x' })).statusCode).toBe(409);
    const shown = await call('GET', '/v1/integrators/crm-api', read);
    expect(shown.json()).toMatchObject({ name: 'crm-api', types: ['ShipmentConfirmed'], status: 'running', checkpoint: await store.headPosition(), breaker: 'closed' });
    expect(shown.body).not.toContain('whsec_');
    expect((await call('POST', '/v1/integrators/crm-api/pause', admin)).json()).toMatchObject({ status: 'paused' });
    expect((await call('DELETE', '/v1/integrators/crm-api', admin)).statusCode).toBe(204);
  });

  it('refuses a start or reset position another event store issued, as a 400 naming that store', async () => {
    const carried = 'kdb:0000000000000001-0000000000000001';
    const create = await call('POST', '/v1/integrators', admin, { name: 'carried-over', url: 'http://127.0.0.1:9/x', startAfter: carried });
    expect(create.statusCode).toBe(400);
    expect(create.json()).toMatchObject({ code: 'INVALID_POSITION', errors: [{ path: 'body.startAfter' }] });
    expect((await call('GET', '/v1/integrators/carried-over', read)).statusCode).toBe(404);
    await call('POST', '/v1/integrators', admin, { name: 'kept', url: 'http://127.0.0.1:9/x' });
    const reset = await call('POST', '/v1/integrators/kept/reset', admin, { position: carried });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().detail).toMatch(/is a KurrentDB\/EventStoreDB position, but this ledger's log is in PostgreSQL/);
    expect((await call('GET', '/v1/integrators/kept', read)).json()).toMatchObject({ checkpoint: '' });
    await call('DELETE', '/v1/integrators/kept', admin);
  });

  it('needs the admin scope to change anything, and names what it cannot find', async () => {
    expect((await call('POST', '/v1/integrators/nope/pause', read)).statusCode).toBe(403);
    const missing = await call('POST', '/v1/integrators/nope/reset', admin, { position: '' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'INTEGRATOR_NOT_FOUND' });
    const invalid = await call('POST', '/v1/integrators', admin, { name: 'Bad Name', url: 'ftp://x', secret: 'plain' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.name', 'body.secret', 'body.url']);
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { keyIdOf } from '../../src/http/auth/apiKeyFormat.js';
import { consumerKeyRoutes } from '../../src/http/feed/consumerKeyRoutes.js';
import { feedRoutes } from '../../src/http/feed/feedRoutes.js';
import type { CloudEvent } from '../../src/integrations/toCloudEvent.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appWith } from './support/feedApp.js';
import { anOrder, appendToOrder, shipmentConfirmed } from './support/orderEvents.js';

const db = await createTestDatabase();

interface Page { events: CloudEvent[]; next: string; caughtUp: boolean }

describe('the consumer feed', () => {
  let store: EventStore;
  let app: FastifyInstance;
  let read: string;
  let written: RecordedEvent[];

  beforeAll(async () => {
    store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 100 });
    ({ app, read } = await appWith(db.pool, [feedRoutes({ store, pool: db.pool, maxPageSize: 50 })]));
    written = [...await anOrder(store, 'F-1', 3), ...await anOrder(store, 'F-2', 2), ...await appendToOrder(store, 'F-1', [shipmentConfirmed('F-1', 'S1', [{ lineNo: 1, qty: 10 }])])];
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const get = async (url: string, key = read) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  it('pages through the whole log in order, as CloudEvents, with the next position', async () => {
    const first = (await get('/v1/feed?limit=4')).json<Page>();
    expect(first.events.map((e) => e.id)).toEqual(written.slice(0, 4).map((e) => e.id));
    expect(first.next).toBe(written[3]!.position);
    const second = (await get(`/v1/feed?limit=4&after=${first.next}`)).json<Page>();
    expect(second.events.map((e) => e.id)).toEqual(written.slice(4).map((e) => e.id));
    expect(second.caughtUp).toBe(true);
    const empty = (await get(`/v1/feed?after=${second.next}`)).json<Page>();
    expect(empty).toEqual({ events: [], next: second.next, caughtUp: true });
  });

  it('maps each event to CloudEvents 1.0 with position and correlation extensions', async () => {
    const [event] = (await get('/v1/feed?limit=1')).json<Page>().events;
    expect(event).toMatchObject({
      specversion: '1.0',
      id: written[0]!.id,
      source: '/order-ledger/ECOMMERCE/shop-1',
      type: 'com.orderledger.OrderReceived',
      subject: 'F-1',
      time: written[0]!.metadata.occurredAt,
      datacontenttype: 'application/json',
      position: written[0]!.position,
      streamrevision: 0,
      correlationid: 'corr-F-1',
      recordedat: written[0]!.recordedAt.toISOString(),
    });
    expect(event!.data).toEqual(written[0]!.data);
    for (const name of Object.keys(event!)) expect(name).toMatch(/^[a-z0-9]+$/);
  });

  it('filters by event type, by plain or CloudEvent type name', async () => {
    const page = (await get('/v1/feed?types=ShipmentConfirmed,com.orderledger.OrderAccepted')).json<Page>();
    expect(page.events.map((e) => e.type)).toEqual(['com.orderledger.OrderAccepted', 'com.orderledger.OrderAccepted', 'com.orderledger.ShipmentConfirmed']);
  });

  it('refuses a page larger than the maximum, and a position it never issued', async () => {
    const big = await get('/v1/feed?limit=51');
    expect(big.statusCode).toBe(400);
    expect(big.headers['content-type']).toContain('application/problem+json');
    const bad = await get('/v1/feed?after=not-a-position');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_POSITION' });
  });

  it('refuses a position beyond the head with 400 naming the head, and reads from the head itself', async () => {
    const head = await store.headPosition();
    const beyond = await get('/v1/feed?after=7fffffffffffffff-7fffffffffffffff');
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json()).toMatchObject({ code: 'POSITION_BEYOND_HEAD', head, errors: [{ path: 'query.after' }] });
    const atHead = (await get(`/v1/feed?after=${head}`)).json<Page>();
    expect(atHead).toMatchObject({ events: [], next: head, caughtUp: true });
  });

  it('refuses a malformed position with 400', async () => {
    for (const after of ['0000000000000001', 'zz-zz', '-', '0000000000000001-', 'ffffffffffffffffff-0000000000000001']) {
      const response = await get(`/v1/feed?after=${after}`);
      expect(response.statusCode, after).toBe(400);
      expect(response.json().code, after).toBe('INVALID_POSITION');
    }
  });

  it('needs an API key with the read scope', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/feed' })).statusCode).toBe(401);
  });
});

describe('named consumer checkpoints', () => {
  let store: EventStore;
  let app: FastifyInstance;
  let read: string;
  let admin: string;
  let written: RecordedEvent[];

  beforeAll(async () => {
    store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 100 });
    ({ app, read, admin } = await appWith(db.pool, [feedRoutes({ store, pool: db.pool }), consumerKeyRoutes(db.pool)]));
    written = await anOrder(store, 'C-1', 3);
    // The CRM's read key stores the crm consumer's checkpoint; an admin bound it to that consumer.
    expect((await call('PUT', `/v1/consumers/crm/keys/${keyIdOf(read)}`, undefined, admin)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const call = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object, key = read) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

  it('starts a consumer it has never seen at the start of the log', async () => {
    expect((await call('GET', '/v1/consumers/bi-loader/checkpoint')).json()).toEqual({ name: 'bi-loader', position: '', updatedAt: null });
  });

  it('stores a checkpoint and never lets it move backwards', async () => {
    const ahead = await call('PUT', '/v1/consumers/crm/checkpoint', { position: written[2]!.position });
    expect(ahead.statusCode).toBe(200);
    expect((await call('PUT', '/v1/consumers/crm/checkpoint', { position: written[2]!.position })).statusCode).toBe(200);
    const behind = await call('PUT', '/v1/consumers/crm/checkpoint', { position: written[0]!.position });
    expect(behind.statusCode).toBe(409);
    expect(behind.json()).toMatchObject({ code: 'CHECKPOINT_BEHIND', current: { name: 'crm', position: written[2]!.position } });
    expect((await call('GET', '/v1/consumers/crm/checkpoint')).json()).toMatchObject({ position: written[2]!.position });
  });

  it('lets a read key store only the checkpoints of consumers it is bound to', async () => {
    const other = await call('PUT', '/v1/consumers/erp-sync/checkpoint', { position: written[2]!.position });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'CONSUMER_NOT_BOUND', detail: expect.stringContaining(`PUT /v1/consumers/erp-sync/keys/${keyIdOf(read)}`) });
    expect((await call('GET', '/v1/consumers/erp-sync/checkpoint')).json()).toMatchObject({ position: '' });
    // An admin key stores any consumer's checkpoint without a binding.
    expect((await call('PUT', '/v1/consumers/erp-sync/checkpoint', { position: written[0]!.position }, admin)).statusCode).toBe(200);
  });

  it('binds and unbinds keys to a consumer by admin only, naming an active key', async () => {
    const keyId = keyIdOf(read);
    expect((await call('PUT', `/v1/consumers/wms-sync/keys/${keyId}`)).statusCode).toBe(403);
    expect((await call('PUT', '/v1/consumers/wms-sync/keys/nosuchkey000', undefined, admin)).json()).toMatchObject({ code: 'API_KEY_NOT_FOUND' });
    const bound = await call('PUT', `/v1/consumers/wms-sync/keys/${keyId}`, undefined, admin);
    const binding = { consumer: 'wms-sync', keyId, boundBy: expect.stringMatching(/^ADMIN:/), boundAt: expect.any(String) };
    expect(bound.json()).toEqual(binding);
    expect((await call('GET', '/v1/consumers/wms-sync/keys', undefined, admin)).json()).toEqual({ items: [binding], nextCursor: null });
    const csv = await app.inject({ method: 'GET', url: '/v1/consumers/wms-sync/keys', headers: { authorization: `Bearer ${admin}`, accept: 'text/csv' } });
    expect(csv.body.split('\r\n').slice(0, 2)).toEqual(['consumer,keyId,boundBy,boundAt', expect.stringMatching(new RegExp(`^wms-sync,${keyId},ADMIN:`))]);
    const badCursor = await call('GET', '/v1/consumers/wms-sync/keys?cursor=bm90LW91cnM', undefined, admin);
    expect([badCursor.statusCode, badCursor.json().code]).toEqual([400, 'INVALID_CURSOR']);
    expect((await call('PUT', '/v1/consumers/wms-sync/checkpoint', { position: written[1]!.position })).statusCode).toBe(200);
    expect((await call('DELETE', `/v1/consumers/wms-sync/keys/${keyId}`, undefined, admin)).statusCode).toBe(204);
    expect((await call('PUT', '/v1/consumers/wms-sync/checkpoint', { position: written[2]!.position })).statusCode).toBe(403);
    expect((await call('GET', '/v1/consumers/wms-sync/keys', undefined, admin)).json()).toEqual({ items: [], nextCursor: null });
    expect((await call('DELETE', `/v1/consumers/wms-sync/keys/${keyId}`, undefined, admin)).statusCode).toBe(404);
  });

  it('refuses a checkpoint beyond the end of the log', async () => {
    const response = await call('PUT', '/v1/consumers/crm/checkpoint', { position: 'ffffffffffffffff-ffffffffffffffff' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'CHECKPOINT_BEYOND_HEAD' });
  });

  it('refuses a checkpoint another event store issued as a 400 naming that store, not as beyond the head', async () => {
    const carried = 'kdb:0000000000000001-0000000000000001';
    for (const [method, url, body] of [
      ['PUT', '/v1/consumers/bi-loader/checkpoint', { position: carried }],
      ['POST', '/v1/consumers/bi-loader/checkpoint/reset', { position: carried, reason: 'moved from KurrentDB' }],
    ] as const) {
      const response = await call(method, url, body, admin);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_POSITION', detail: expect.stringMatching(/is a KurrentDB\/EventStoreDB position, but this ledger's log is in PostgreSQL/) });
    }
    expect((await call('GET', '/v1/feed?after=' + carried)).statusCode).toBe(400);
    expect((await call('GET', '/v1/consumers/bi-loader/checkpoint')).json()).toMatchObject({ position: '' });
  });

  it('moves a checkpoint backwards only by an admin reset, which is recorded', async () => {
    expect((await call('POST', '/v1/consumers/crm/checkpoint/reset', { position: written[0]!.position, reason: 'replay' })).statusCode).toBe(403);
    const reset = await call('POST', '/v1/consumers/crm/checkpoint/reset', { position: written[0]!.position, reason: 'CRM restored a backup' }, admin);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ position: written[0]!.position, previous: written[2]!.position });
    const { rows } = await db.pool.query('SELECT name, from_position, to_position, actor, reason FROM integration.consumer_checkpoint_resets');
    expect(rows).toEqual([{ name: 'crm', from_position: written[2]!.position, to_position: written[0]!.position, actor: expect.stringMatching(/^ADMIN:/), reason: 'CRM restored a backup' }]);
    expect((await call('GET', '/v1/consumers/crm/checkpoint')).json()).toMatchObject({ position: written[0]!.position });
  });
});

import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { acceptedBody, allocatedBody, placeOrderBody, shippedBody } from './support/payloads.js';

let t: TestApp;
const count = async () => Number((await t.db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count);

beforeAll(async () => {
  t = await createTestApp();
});

describe('POST /v1/orders', () => {
  it('records OrderReceived and answers 201 with the order, its revision and log position', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('A-1') });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ orderKey: 'A-1', type: 'OrderReceived', revision: 0, status: 'RECEIVED', exceptions: [] });
    expect(body.position).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers a retry 200 with the original body, marked as replayed, and writes nothing', async () => {
    const first = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('A-2') });
    const before = await count();
    const retry = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('A-2') });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await count()).toBe(before);
  });

  it('honours the Idempotency-Key header over the derived key', async () => {
    const headers = { ...t.auth.ECOMMERCE, 'idempotency-key': 'client-key-A-3' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody('A-3') });
    const retry = await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody('A-3', { sourceDocument: { type: 'SalesOrder', id: 'other-doc', revision: 0 } }) });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });

  it('refuses the same orderKey with a different payload with 409', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('A-4') });
    const changed = placeOrderBody('A-4', { sourceDocument: { type: 'SalesOrder', id: 'SO-A-4', revision: 1 } });
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: changed });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.json().code).toBe('ORDER_ALREADY_EXISTS');
  });

  it('refuses a reused idempotency key carrying a different payload with 409', async () => {
    const headers = { ...t.auth.ECOMMERCE, 'idempotency-key': 'reused-A-5' };
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody('A-5') });
    const other = placeOrderBody('A-5');
    other.data.lines[0]!.qty = 11;
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: other });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('names each offending field of an invalid payload', async () => {
    const bad = placeOrderBody('A-6');
    bad.data.lines[1]!.qty = -3;
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: bad });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('INVALID_PAYLOAD');
    expect(response.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.data.lines.1.qty' })]));
  });

  it('names a missing envelope field with 400', async () => {
    const { occurredAt: _omit, ...bad } = placeOrderBody('A-7');
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: bad });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.occurredAt' })]));
  });

  it('answers 401 without a key and 403 naming the owner for a system that does not own the transition', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/orders', payload: placeOrderBody('A-8') })).statusCode).toBe(401);
    const wms = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.WMS, payload: placeOrderBody('A-8') });
    expect(wms.statusCode).toBe(403);
    expect(wms.json().code).toBe('NOT_OWNER');
    expect(wms.json().detail).toMatch(/CRM, ECOMMERCE, EDI/);
  });
});

describe('POST /v1/orders/{orderRef}/events', () => {
  beforeAll(async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('B-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-B-1') });
  });

  it('records facts from the owning systems and derives the order status', async () => {
    const alloc = await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10, 2: 4 }) });
    expect(alloc.statusCode).toBe(201);
    expect(alloc.json().status).toBe('ALLOCATED');
    const ship = await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.WMS, payload: shippedBody({ 1: 10 }) });
    expect(ship.json()).toMatchObject({ status: 'PARTIALLY_SHIPPED', revision: 3 });
  });

  it('refuses a transition from a system that does not own it, naming the owner', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.TMS, payload: shippedBody({ 2: 4 }) });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toMatch(/ShipmentConfirmed is owned by WMS, ERP, EDI/);
  });

  it('records an impossible fact and raises an exception with its priority', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.WMS, payload: shippedBody({ 2: 9 }) });
    expect(response.statusCode).toBe(201);
    const exceptions = response.json().exceptions as { code: string; priority: number }[];
    expect(exceptions.map((e) => e.code)).toContain('OVERSHIPPED');
    expect(exceptions.find((e) => e.code === 'OVERSHIPPED')!.priority).toBeGreaterThan(0);
  });

  it('addresses an order by its ERP number and by soldTo + customer PO', async () => {
    const byErp = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-B-1/events', headers: t.auth.TMS, payload: {
      type: 'CarrierStatusUpdated', occurredAt: '2026-03-03T12:00:00Z', sourceDocument: { type: 'EDI214', id: '214-1', revision: 0 },
      data: { trackingNumber: '1Z999', statusCode: 'X6' },
    } });
    expect(byErp.statusCode).toBe(201);
    expect(byErp.json().orderKey).toBe('B-1');
    const byPo = await t.app.inject({ method: 'GET', url: `/v1/orders/po:C-100:${encodeURIComponent('PO-B-1')}`, headers: t.auth.CRM });
    expect(byPo.statusCode).toBe(200);
    expect(byPo.json().orderKey).toBe('B-1');
  });

  it('keeps a transition for an unknown alias and applies it once an order takes that alias', async () => {
    const early = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-C-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10 }, 'ALLOC-EARLY') });
    expect(early.statusCode).toBe(202);
    expect(early.json()).toMatchObject({ status: 'UNMATCHED', alias: 'erp:SO-C-1' });
    expect(early.headers['idempotent-replayed']).toBeUndefined();
    // Still waiting: a retry answers the same 202 and body, marked as replayed, and keeps nothing anew.
    const again = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-C-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10 }, 'ALLOC-EARLY') });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(early.json());
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('C-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/C-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-C-1') });
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/C-1', headers: t.auth.CRM });
    expect(order.json().lines[0].quantities.allocated).toBe(10);
    const retry = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-C-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10 }, 'ALLOC-EARLY') });
    // Applied since: the retry answers the recorded transition, 200 (nothing written now).
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('applies what waited under an alias even when a crash came between binding the alias and applying it', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('C-2') });
    const early = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-C-2/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 4 }, 'ALLOC-C2') });
    expect(early.statusCode).toBe(202);
    // As if a first OrderAccepted bound the alias and the process died before applying the waiting event.
    await t.db.pool.query("INSERT INTO ledger.order_aliases (kind, value, order_key, first_position) VALUES ('erp', 'SO-C-2', 'C-2', '')");
    await t.app.inject({ method: 'POST', url: '/v1/orders/C-2/events', headers: t.auth.ERP, payload: acceptedBody('SO-C-2') });
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/C-2', headers: t.auth.CRM });
    expect(order.json().lines[0].quantities.allocated).toBe(4);
  });

  it('refuses an unknown event type and a malformed order reference with 400', async () => {
    const type = await t.app.inject({ method: 'POST', url: '/v1/orders/B-1/events', headers: t.auth.WMS, payload: { ...allocatedBody({ 1: 1 }), type: 'Teleported' } });
    expect(type.statusCode).toBe(400);
    expect(type.json().errors[0].path).toBe('body.type');
    const ref = await t.app.inject({ method: 'POST', url: '/v1/orders/bad%20key/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 1 }) });
    expect(ref.statusCode).toBe(400);
  });

  it('lets one of two racing conflicting requests win and refuses the other on fresh state', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('R-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/R-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-R-1') });
    const cancel = (doc: string) => ({
      type: 'LineCancelled', occurredAt: '2026-03-02T11:00:00Z', sourceDocument: { type: 'ChangeRequest', id: doc, revision: 0 },
      data: { reason: 'CUSTOMER', initiator: 'buyer', lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 8 }] },
    });
    const [a, b] = await Promise.all([
      t.app.inject({ method: 'POST', url: '/v1/orders/R-1/events', headers: t.auth.CRM, payload: cancel('CR-1') }),
      t.app.inject({ method: 'POST', url: '/v1/orders/R-1/events', headers: t.auth.CRM, payload: cancel('CR-2') }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.statusCode === 409)!.json().code).toBe('CANCEL_EXCEEDS_OPEN');
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/R-1', headers: t.auth.CRM });
    expect(order.json().lines[0].quantities.cancelled).toBe(8);
  });
});

describe('GET /v1/orders/{orderRef}', () => {
  it('returns the current state with the revision as ETag, 304 while unchanged and a new ETag once the order moves', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('E-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/E-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-E-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/E-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10, 2: 4 }) });
    await t.app.inject({ method: 'POST', url: '/v1/orders/E-1/events', headers: t.auth.WMS, payload: shippedBody({ 1: 10, 2: 9 }) });
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/E-1', headers: t.auth.CRM });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(response.headers.etag).toBe(`"${body.revision}"`);
    expect(body.lines.map((l: { lineNo: number; status: string }) => [l.lineNo, l.status])).toEqual([[1, 'SHIPPED'], [2, 'SHIPPED']]);
    expect(body.openExceptions.map((e: { code: string }) => e.code)).toContain('OVERSHIPPED');
    const etag = response.headers.etag as string;
    const again = await t.app.inject({ method: 'GET', url: '/v1/orders/E-1', headers: { ...t.auth.CRM, 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    await t.app.inject({ method: 'POST', url: '/v1/orders/E-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 1 }) });
    const moved = await t.app.inject({ method: 'GET', url: '/v1/orders/E-1', headers: { ...t.auth.CRM, 'if-none-match': etag } });
    expect(moved.statusCode).toBe(200);
    expect(moved.headers.etag).not.toBe(etag);
  });

  it('answers 404 problem for an order nobody submitted', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/NOPE', headers: t.auth.CRM });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('ORDER_NOT_FOUND');
  });
});

describe('GET /v1/orders/{orderRef}/history', () => {
  it('lists every event with its envelope and a verified hash chain', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/B-1/history', headers: t.auth.AUDITOR });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.verification).toEqual({ ok: true, checked: body.events.length });
    expect(body.events.map((e: { type: string }) => e.type).slice(0, 4)).toEqual(['OrderReceived', 'OrderAccepted', 'InventoryAllocated', 'ShipmentConfirmed']);
    expect(body.events[2]).toMatchObject({ revision: 2, system: { kind: 'WMS', instance: 'WMS' }, actor: { type: 'SYSTEM' } });
    expect(body.events[1].prevHash).toBe(body.events[0].hash);
  });

  it('reports the first broken link when stored history was tampered with', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('T-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders/T-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-T-1') });
    // Only the owner, disabling the guard trigger, can do this; the service's role cannot.
    await t.db.owner.query("ALTER TABLE ledger.events DISABLE TRIGGER USER");
    await t.db.owner.query("UPDATE ledger.events SET data = jsonb_set(data, '{erpOrderNumber}', '\"SO-FORGED\"') WHERE stream_id = 'order-T-1' AND revision = 1");
    await t.db.owner.query("ALTER TABLE ledger.events ENABLE TRIGGER USER");
    const body = (await t.app.inject({ method: 'GET', url: '/v1/orders/T-1/history', headers: t.auth.AUDITOR })).json();
    expect(body.verification).toMatchObject({ ok: false, reason: 'HASH_MISMATCH', brokenAt: { revision: 1 } });
  });

  it('gives auditors a CSV with one row per event', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/B-1/history', headers: { ...t.auth.AUDITOR, accept: 'text/csv' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    const rows = response.body.trim().split('\r\n');
    expect(rows[0]).toBe('revision,position,eventId,type,system,instance,actorType,actorId,occurredAt,receivedAt,recordedAt,correlationId,causationId,sourceDocument,data,prevHash,hash,chainVerified,chainLink');
    expect(rows[1]).toMatch(/^0,[0-9a-f-]+,[0-9a-f-]{36},OrderReceived,ECOMMERCE/);
    const json = (await t.app.inject({ method: 'GET', url: '/v1/orders/B-1/history', headers: t.auth.AUDITOR })).json();
    expect(rows).toHaveLength(json.events.length + 1);
  });

  it('is for the audit scope only', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/B-1/history', headers: t.auth.CRM });
    expect(response.statusCode).toBe(403);
  });
});

describe('GET /v1/correlations/{correlationId}', () => {
  it('lists every event the correlated requests caused, across orders', async () => {
    const headers = { ...t.auth.ECOMMERCE, 'x-correlation-id': 'flow-K' };
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody('K-1') });
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody('K-2') });
    const response = await t.app.inject({ method: 'GET', url: '/v1/correlations/flow-K', headers: t.auth.AUDITOR });
    expect(response.statusCode).toBe(200);
    expect(response.json().events.map((e: { orderKey: string; correlationId: string }) => [e.orderKey, e.correlationId])).toEqual([['K-1', 'flow-K'], ['K-2', 'flow-K']]);
    expect(response.json().nextCursor).toBeNull();
  });

  it('pages them in log order: every event once, across pages, and a cursor it did not issue is refused', async () => {
    const headers = { ...t.auth.ECOMMERCE, 'x-correlation-id': 'flow-P' };
    for (const key of ['P-1', 'P-2', 'P-3', 'P-4', 'P-5']) await t.app.inject({ method: 'POST', url: '/v1/orders', headers, payload: placeOrderBody(key) });
    const whole = await t.app.inject({ method: 'GET', url: '/v1/correlations/flow-P', headers: t.auth.AUDITOR });
    const all = whole.json().events.map((e: { eventId: string }) => e.eventId);
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { statusCode: number; headers: Record<string, unknown>; json: () => { events: { eventId: string }[]; nextCursor: string | null } } = await t.app.inject({ method: 'GET', url: `/v1/correlations/flow-P?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: t.auth.AUDITOR });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().events.map((e: { eventId: string }) => e.eventId));
      cursor = page.json().nextCursor;
      expect(page.headers['next-cursor']).toBe(cursor ?? undefined);
      pages++;
    } while (cursor !== null);
    expect([pages, seen]).toEqual([3, all]);
    for (const bad of ['nope', Buffer.from(JSON.stringify(['not-a-position'])).toString('base64url')]) {
      const refused = await t.app.inject({ method: 'GET', url: `/v1/correlations/flow-P?cursor=${bad}`, headers: t.auth.AUDITOR });
      expect([refused.statusCode, refused.json().code, refused.json().errors[0].path]).toEqual([400, 'INVALID_CURSOR', 'querystring.cursor']);
    }
  });

  it('answers CSV with Accept: text/csv: one flat row per event of the page, the order key first, the next cursor in its header', async () => {
    const json = (await t.app.inject({ method: 'GET', url: '/v1/correlations/flow-P?limit=2', headers: t.auth.AUDITOR })).json();
    const response = await t.app.inject({ method: 'GET', url: '/v1/correlations/flow-P?limit=2', headers: { ...t.auth.AUDITOR, accept: 'text/csv' } });
    expect([response.statusCode, response.headers['content-type'], response.headers['next-cursor']]).toEqual([200, expect.stringMatching(/^text\/csv/), json.nextCursor]);
    expect(response.body.split('\r\n')[0]).toBe('orderKey,revision,position,eventId,type,system,instance,actorType,actorId,occurredAt,receivedAt,recordedAt,'
      + 'correlationId,causationId,sourceDocument,data,prevHash,hash');
    const rows = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.orderKey, r.eventId, r.type, r.system, r.actorId, r.correlationId, r.hash]))
      .toEqual(json.events.map((e: { orderKey: string; eventId: string; type: string; system: { kind: string }; actor: { id: string }; hash: string }) =>
        [e.orderKey, e.eventId, e.type, e.system.kind, e.actor.id, 'flow-P', e.hash]));
    expect(JSON.parse(rows[0]!.data!)).toEqual(json.events[0].data);
    const empty = await t.app.inject({ method: 'GET', url: '/v1/correlations/flow-none', headers: { ...t.auth.AUDITOR, accept: 'text/csv' } });
    expect(empty.body).toBe(`${response.body.split('\r\n')[0]}\r\n`);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { acceptedBody, allocatedBody, placeOrderBody } from './support/payloads.js';

type App = TestApp;
let first: App;
let second: App;

beforeAll(async () => {
  first = await createTestApp();
  second = await createTestApp({}, first);
});

const cancel = (doc: string, qty: number) => ({
  type: 'LineCancelled', occurredAt: '2026-03-02T11:00:00Z', sourceDocument: { type: 'ChangeRequest', id: doc, revision: 0 },
  data: { reason: 'CUSTOMER', initiator: 'buyer', lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty }] },
});

describe('two service instances on one log', () => {
  it('decide on fresh state when the other instance wrote since they last looked', async () => {
    await first.app.inject({ method: 'POST', url: '/v1/orders', headers: first.auth.ECOMMERCE, payload: placeOrderBody('S-1') });
    await first.app.inject({ method: 'POST', url: '/v1/orders/S-1/events', headers: first.auth.ERP, payload: acceptedBody('SO-S-1') });
    // Both instances now know the order at the same revision.
    expect((await second.app.inject({ method: 'GET', url: '/v1/orders/S-1', headers: second.auth.CRM })).json().revision).toBe(1);
    const one = await first.app.inject({ method: 'POST', url: '/v1/orders/S-1/events', headers: first.auth.CRM, payload: cancel('CR-A', 8) });
    expect(one.statusCode).toBe(201);
    const other = await second.app.inject({ method: 'POST', url: '/v1/orders/S-1/events', headers: second.auth.CRM, payload: cancel('CR-B', 8) });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('CANCEL_EXCEEDS_OPEN');
  });

  it('recognise a retry that the other instance recorded', async () => {
    await first.app.inject({ method: 'POST', url: '/v1/orders', headers: first.auth.ECOMMERCE, payload: placeOrderBody('S-2') });
    await first.app.inject({ method: 'POST', url: '/v1/orders/S-2/events', headers: first.auth.ERP, payload: acceptedBody('SO-S-2') });
    await second.app.inject({ method: 'GET', url: '/v1/orders/S-2', headers: second.auth.CRM });
    const alloc = allocatedBody({ 1: 5 }, 'ALLOC-S2');
    const original = await first.app.inject({ method: 'POST', url: '/v1/orders/S-2/events', headers: first.auth.WMS, payload: alloc });
    const retry = await second.app.inject({ method: 'POST', url: '/v1/orders/S-2/events', headers: second.auth.WMS, payload: alloc });
    expect([original.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(original.json());
    const rows = await first.db.pool.query("SELECT count(*)::int AS n FROM ledger.events WHERE stream_id = 'order-S-2' AND type = 'InventoryAllocated'");
    expect(rows.rows[0].n).toBe(1);
  });

  it('show the other instance\'s writes on read', async () => {
    await second.app.inject({ method: 'GET', url: '/v1/orders/S-1', headers: second.auth.CRM });
    await first.app.inject({ method: 'POST', url: '/v1/orders/S-1/events', headers: first.auth.WMS, payload: allocatedBody({ 2: 4 }, 'ALLOC-S1') });
    const seen = (await second.app.inject({ method: 'GET', url: '/v1/orders/S-1', headers: second.auth.CRM })).json();
    expect(seen.lines[1].quantities.allocated).toBe(4);
  });

  it('find an alias the other instance bound after they were told it was unknown', async () => {
    const early = await second.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-S-3/events', headers: second.auth.WMS, payload: allocatedBody({ 1: 2 }, 'ALLOC-S3-A') });
    expect(early.statusCode).toBe(202);
    await first.app.inject({ method: 'POST', url: '/v1/orders', headers: first.auth.ECOMMERCE, payload: placeOrderBody('S-3') });
    await first.app.inject({ method: 'POST', url: '/v1/orders/S-3/events', headers: first.auth.ERP, payload: acceptedBody('SO-S-3') });
    const later = await second.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-S-3/events', headers: second.auth.WMS, payload: allocatedBody({ 1: 3 }, 'ALLOC-S3-B') });
    expect(later.statusCode).toBe(201);
    expect(later.json().orderKey).toBe('S-3');
    // Asked again, the remembered binding answers without a look-up and still right.
    const again = await second.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-S-3/events', headers: second.auth.WMS, payload: allocatedBody({ 2: 1 }, 'ALLOC-S3-C') });
    expect(again.json().orderKey).toBe('S-3');
    const seen = (await first.app.inject({ method: 'GET', url: '/v1/orders/S-3', headers: first.auth.CRM })).json();
    expect(seen.lines[0].quantities.allocated).toBe(5);
    expect(seen.lines[1].quantities.allocated).toBe(1);
  });
});

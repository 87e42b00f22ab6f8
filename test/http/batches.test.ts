import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { acceptedBody, allocatedBody, placeOrderBody, shippedBody } from './support/payloads.js';

let t: TestApp;
const count = async () => Number((await t.db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count);

beforeAll(async () => {
  t = await createTestApp({ maxBatchSize: 5 });
  await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('E-1') });
  await t.app.inject({ method: 'POST', url: '/v1/orders/E-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-E-1') });
  await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('E-2') });
  await t.app.inject({ method: 'POST', url: '/v1/orders/E-2/events', headers: t.auth.ERP, payload: acceptedBody('SO-E-2') });
});

describe('POST /v1/batches', () => {
  it('answers each item on its own: accepted, duplicate and refused, in request order', async () => {
    const alloc = allocatedBody({ 1: 10 }, 'ALLOC-E1');
    const items = [
      { orderRef: 'E-1', ...alloc },
      { orderRef: 'E-1', ...alloc },
      { orderRef: 'erp:SO-E-2', ...allocatedBody({ 2: 4 }, 'ALLOC-E2') },
      { orderRef: 'E-2', ...allocatedBody({ 1: -1 }, 'ALLOC-BAD') },
      { orderRef: 'E-1', ...shippedBody({ 1: 10 }, 'ASN-E1') },
    ];
    const before = await count();
    const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: t.auth.WMS, payload: { items } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.results.map((r: { index: number; outcome: string }) => [r.index, r.outcome])).toEqual([
      [0, 'accepted'], [1, 'duplicate'], [2, 'accepted'], [3, 'refused'], [4, 'accepted'],
    ]);
    // An item answers the status it would have been answered alone: 200 for the replay, its original body.
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([201, 200, 201, 422, 201]);
    expect(body.results[1].body).toEqual(body.results[0].body);
    expect(body.results[3]).toMatchObject({ status: 422, code: 'INVALID_PAYLOAD' });
    expect(body.results[4].body).toMatchObject({ orderKey: 'E-1', status: 'PARTIALLY_SHIPPED' });
    expect(body.counts).toEqual({ accepted: 3, duplicate: 1, unmatched: 0, refused: 1, failed: 0 });
    expect(await count()).toBe(before + 3);
  });

  it('leaves no part of a refused item in the log', async () => {
    const before = await count();
    const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: t.auth.TMS, payload: { items: [{ orderRef: 'E-2', ...shippedBody({ 2: 4 }, 'ASN-TMS') }] } });
    expect(response.json().results[0]).toMatchObject({ outcome: 'refused', status: 403, code: 'NOT_OWNER' });
    expect(await count()).toBe(before);
  });

  it('refuses a batch over the configured size, naming the limit', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ orderRef: 'E-1', ...allocatedBody({ 1: 1 }, `ALLOC-MANY-${i}`) }));
    const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: t.auth.WMS, payload: { items } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({ path: 'body.items' });
  });
});

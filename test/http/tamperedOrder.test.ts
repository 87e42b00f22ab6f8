import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { acceptedBody, placeOrderBody } from './support/payloads.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  for (const key of ['V-OK', 'V-FORGED']) {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody(key) });
    await t.app.inject({ method: 'POST', url: `/v1/orders/${key}/events`, headers: t.auth.ERP, payload: acceptedBody(`SO-${key}`) });
  }
  // Read once first, so that any state the service keeps in memory was folded from the genuine events.
  await t.app.inject({ method: 'GET', url: '/v1/orders/V-FORGED', headers: t.auth.CRM });
  // Only a superuser disabling the guard trigger can do this; the service's own path refuses it.
  await t.db.owner.query('ALTER TABLE ledger.events DISABLE TRIGGER USER');
  await t.db.owner.query("UPDATE ledger.events SET data = jsonb_set(data, '{lines,0,qty}', '99') WHERE stream_id = 'order-V-FORGED' AND revision = 0");
  await t.db.owner.query('ALTER TABLE ledger.events ENABLE TRIGGER USER');
});

describe('an order whose stored history was tampered with', () => {
  it('is served with verification failed, in the body and in X-Chain-Verified', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/V-FORGED', headers: t.auth.CRM });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-chain-verified']).toBe('false');
    expect(response.json().verification).toEqual({ ok: false, checked: 0, reason: 'HASH_MISMATCH', brokenAt: { index: 0, eventId: expect.any(String), revision: 0 } });
  });

  it('still says so when the client revalidates with its ETag', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/orders/V-FORGED', headers: t.auth.CRM });
    const again = await t.app.inject({ method: 'GET', url: '/v1/orders/V-FORGED', headers: { ...t.auth.CRM, 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.headers['x-chain-verified']).toBe('false');
  });

  it('has a history CSV whose rows carry the verdict: the broken link, and nothing after it trusted', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/V-FORGED/history', headers: { ...t.auth.AUDITOR, accept: 'text/csv' } });
    const [header, ...rows] = response.body.trim().split('\r\n');
    expect(header!.split(',').slice(-2)).toEqual(['chainVerified', 'chainLink']);
    expect(rows.map((row) => row.split(',').slice(-2))).toEqual([['false', 'HASH_MISMATCH'], ['false', 'unverified']]);
  });
});

describe('an order whose history is intact', () => {
  it('is served with its chain verified', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/V-OK', headers: t.auth.CRM });
    expect(response.headers['x-chain-verified']).toBe('true');
    expect(response.json().verification).toEqual({ ok: true, checked: 2 });
  });

  it('has a history CSV whose every row says the chain verified', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/orders/V-OK/history', headers: { ...t.auth.AUDITOR, accept: 'text/csv' } });
    const rows = response.body.trim().split('\r\n').slice(1);
    expect(rows.map((row) => row.split(',').slice(-2))).toEqual([['true', 'ok'], ['true', 'ok']]);
  });
});

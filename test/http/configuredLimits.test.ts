import { describe, expect, it } from 'vitest';
import { defaultDomainPolicy } from '../../src/domain/domainPolicy.js';
import { ownershipPolicyFrom } from '../../src/domain/ownershipPolicy.js';
import { createTestApp } from './support/testApp.js';
import { acceptedBody, placeOrderBody } from './support/payloads.js';

describe('configured limits and policies', () => {
  it('answers 429 problem once a key exceeds its rate limit, and counts keys apart', async () => {
    const t = await createTestApp({ rateLimitPerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.app.inject({ method: 'GET', url: '/v1/orders/NONE', headers: t.auth.CRM })).statusCode);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await t.app.inject({ method: 'GET', url: '/v1/orders/NONE', headers: t.auth.CRM });
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect((await t.app.inject({ method: 'GET', url: '/v1/orders/NONE', headers: t.auth.WMS })).statusCode).toBe(404);
  });

  it('lets a configured ownership table move a transition to another system', async () => {
    const policy = { ...defaultDomainPolicy, ownership: ownershipPolicyFrom({ OrderAccepted: ['EDI'] }) };
    const t = await createTestApp({}, undefined, policy);
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('OWN-1') });
    const erp = await t.app.inject({ method: 'POST', url: '/v1/orders/OWN-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-OWN-1') });
    expect(erp.statusCode).toBe(403);
    expect(erp.json().detail).toMatch(/owned by EDI/);
    const edi = await t.app.inject({ method: 'POST', url: '/v1/orders/OWN-1/events', headers: t.auth.EDI, payload: acceptedBody('SO-OWN-1') });
    expect(edi.statusCode).toBe(201);
  });

  it('serves the API documentation UI at /docs', async () => {
    const t = await createTestApp();
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/{orderRef}/events', '/v1/batches', '/v1/orders/{orderRef}/history']));
  });
});

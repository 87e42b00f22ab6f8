import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { placeOrderBody } from './support/payloads.js';
import { unshedSettings } from '../support/unshedSettings.js';

const db = await createTestDatabase();
let service: Service;
let admin = '';
let ecommerce = '';

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', LEDGER_PROJECTIONS: 'off', LEDGER_DATA_DIR: await tempPath('data'), ...unshedSettings });
  service = await startService(config, createLogger('silent'));
  admin = (await service.keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key;
  ecommerce = (await service.keys.create({ system: 'ECOMMERCE', scopes: ['submit', 'read'], actor: 'test' })).key;
  await service.app.inject({ method: 'POST', url: '/v1/orders', headers: { authorization: `Bearer ${ecommerce}` }, payload: placeOrderBody('PT-1') });
});
afterAll(async () => service?.stop());

// Every route the NUL reached PostgreSQL through, by a path or a query parameter.
const cases: [string, string][] = [
  ['/v1/crm/accounts/C%00X/orders', 'params.soldTo'],
  ['/v1/crm/accounts/C-1/orders?status=OPEN%00', 'querystring.status'],
  ['/v1/parked?integrator=hook%00', 'querystring.integrator'],
  ['/v1/exceptions?code=X%00', 'querystring.code'],
  ['/v1/exceptions?orderKey=PT-1%00', 'querystring.orderKey'],
  ['/v1/correlations/abc%00def', 'params.correlationId'],
  ['/v1/orders/PT-1%00', 'params.orderRef'],
  ['/v1/orders/PT-1%00/history', 'params.orderRef'],
  ['/v1/orders/erp:SO%00-1', 'params.orderRef'],
  ['/v1/reports/backlog?soldTo=C%00', 'querystring.soldTo'],
  ['/v1/reports/fill-rate?warehouse=DC%00', 'querystring.warehouse'],
  ['/v1/consumers/x/checkpoint?note=%00', 'querystring.note'],
];

describe('NUL in a path or query parameter', () => {
  it.each(cases)('GET %s answers 400 naming %s', async (url, path) => {
    const response = await service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path, message: 'must not contain the NUL character (U+0000)' }] });
  });

  it('refuses it on a submission too, writing nothing', async () => {
    const before = Number((await db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count);
    const response = await service.app.inject({ method: 'POST', url: '/v1/orders/PT-1%00/events', headers: { authorization: `Bearer ${ecommerce}` }, payload: { type: 'OrderCancelled' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'params.orderRef' })]);
    expect(Number((await db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count)).toBe(before);
  });

  it('still answers the same routes with ordinary parameters', async () => {
    for (const url of ['/v1/crm/accounts/C-1/orders', '/v1/parked?integrator=hook', '/v1/exceptions?code=X', '/v1/orders/PT-1', '/v1/reports/backlog?soldTo=C']) {
      const response = await service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
      expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(400);
    }
  });
});

import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { keyRoutes } from '../../src/http/auth/keyRoutes.js';
import { buildApp } from '../../src/http/buildApp.js';
import { consumerKeyRoutes } from '../../src/http/feed/consumerKeyRoutes.js';
import { integratorRoutes } from '../../src/http/integrators/integratorRoutes.js';
import { integratorSchema } from '../../src/http/integrators/integratorSchemas.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { createLogger } from '../../src/logger.js';
import { testSecret } from '../integrations/support/integratorHarness.js';
import { everyPage } from '../support/everyPage.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecrets } from '../support/testSecrets.js';

// The admin lists on the real app and database: keys, the keys bound to a consumer, integrators.
const db = await createTestDatabase();
const store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
const keys = await ApiKeyStore.open(db.pool);
const admin = (await keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key;
const secrets = [admin];
for (const [i, system] of (['CRM', 'WMS', 'ERP', 'EDI'] as const).entries()) {
  const { key, record } = await keys.create({ system, scopes: ['read'], label: `gateway ${i}`, actor: 'test' });
  secrets.push(key);
  if (i === 1) await keys.revoke(record.id, 'test');
}
const app = await buildApp({
  logger: createLogger('silent'), pool: db.pool, keys,
  plugins: [keyRoutes(keys), consumerKeyRoutes(db.pool), integratorRoutes({ pool: db.pool, secrets: testSecrets, store })],
});
afterAll(async () => {
  await app.close();
  await keys.stop();
  await store.close();
});
const get = (url: string, accept = 'application/json') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}`, accept } });
const integrators = new IntegratorRepository(db.pool, testSecrets);
const hooks = ['crm-hook', 'erp-hook', 'wms-hook'];
for (const name of hooks) await integrators.upsert(integratorConfigSchema.parse({ name, url: `http://127.0.0.1:9/${name}`, secret: testSecret, onFailure: 'park' }), 'api', '');
const badCursors = ['bm90LW91cnM', Buffer.from('["x","y","z"]').toString('base64url'), Buffer.from('["not a time","k"]').toString('base64url')];

/** Walks a list at two page sizes: each walk gives the whole list, every item once, over more than one page. */
async function walked(url: string, idOf: (item: Record<string, unknown>) => string) {
  const whole = (await get(url)).json<{ items: Record<string, unknown>[]; nextCursor: string | null }>();
  expect(whole.nextCursor).toBeNull();
  for (const limit of [1, 2]) {
    const { pages, items } = await everyPage(get, url, limit);
    expect(pages.length, `limit=${limit}`).toBe(Math.ceil(whole.items.length / limit));
    expect(items, `limit=${limit}`).toEqual(whole.items);
    expect(new Set(items.map((item) => idOf(item as Record<string, unknown>))).size).toBe(whole.items.length);
  }
  return whole.items;
}

async function refusesCursors(url: string) {
  for (const cursor of badCursors) {
    const response = await get(`${url}?cursor=${cursor}`);
    expect([response.statusCode, response.json().code], cursor).toEqual([400, 'INVALID_CURSOR']);
  }
}

describe('GET /v1/keys', () => {
  it('pages every key, revoked ones too, oldest first, each once', async () => {
    const items = await walked('/v1/keys', (k) => k.id as string);
    expect(items).toHaveLength(secrets.length);
    expect(items.map((k) => k.system)).toEqual(['ADMIN', 'CRM', 'WMS', 'ERP', 'EDI']);
    expect(items.filter((k) => k.revokedAt).map((k) => k.system)).toEqual(['WMS']);
  });

  it('refuses a cursor it did not issue', async () => refusesCursors('/v1/keys'));

  it('answers CSV with a header row and one row per key, and neither form carries a secret or its hash', async () => {
    const json = await get('/v1/keys?limit=3');
    const csv = await get('/v1/keys?limit=3', 'text/csv');
    expect([csv.statusCode, csv.headers['content-type'], csv.headers['next-cursor']]).toEqual([200, expect.stringMatching(/^text\/csv/), json.json().nextCursor]);
    expect(csv.body.split('\r\n')[0]).toBe('id,system,scopes,label,createdAt,revokedAt');
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.id, r.system, JSON.parse(r.scopes!), r.label])).toEqual(
      json.json().items.map((k: Record<string, unknown>) => [k.id, k.system, k.scopes, k.label ?? '']));
    for (const item of json.json().items) expect(Object.keys(item).every((k) => ['id', 'system', 'scopes', 'label', 'createdAt', 'revokedAt'].includes(k))).toBe(true);
    const { rows: stored } = await db.pool.query<{ secret_sha256: string }>('SELECT secret_sha256 FROM ledger.api_keys');
    expect(stored).toHaveLength(secrets.length);
    const whole = [(await get('/v1/keys')).body, (await get('/v1/keys', 'text/csv')).body];
    for (const body of whole) {
      for (const { secret_sha256: hash } of stored) expect(body).not.toContain(hash);
      for (const secret of secrets) expect(body).not.toContain(secret);
      expect(body.toLowerCase()).not.toMatch(/secret|sha256|hash/);
    }
  });
});

describe('GET /v1/consumers/{name}/keys', () => {
  it('pages the keys bound to a consumer, oldest binding first, each once', async () => {
    const listed = (await get('/v1/keys')).json().items as { id: string; revokedAt?: string }[];
    const active = listed.filter((k) => !k.revokedAt).map((k) => k.id);
    for (const id of active) {
      const bound = await app.inject({ method: 'PUT', url: `/v1/consumers/bi-loader/keys/${id}`, headers: { authorization: `Bearer ${admin}` } });
      expect(bound.statusCode, bound.body).toBe(200);
    }
    const items = await walked('/v1/consumers/bi-loader/keys', (b) => b.keyId as string);
    expect(items.map((b) => b.keyId)).toEqual(active);
    expect((await get('/v1/consumers/nobody/keys')).json()).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /v1/integrators', () => {
  it('pages every integrator by name, each once', async () => {
    const items = await walked('/v1/integrators', (i) => i.name as string);
    expect(items.map((i) => i.name)).toEqual(hooks);
  });

  it('refuses a cursor it did not issue', async () => refusesCursors('/v1/integrators'));

  it('answers CSV with the schema\'s columns, the lag as JSON, and no webhook secret in either form', async () => {
    const json = await get('/v1/integrators?limit=2');
    const csv = await get('/v1/integrators?limit=2', 'text/csv');
    expect([csv.statusCode, csv.headers['content-type'], csv.headers['next-cursor']]).toEqual([200, expect.stringMatching(/^text\/csv/), json.json().nextCursor]);
    expect(csv.body.split('\r\n')[0]).toBe(Object.keys(integratorSchema.shape).join(','));
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.name)).toEqual(['crm-hook', 'erp-hook']);
    expect(rows[0]).toMatchObject({ url: 'http://127.0.0.1:9/crm-hook', onFailure: 'park', origin: 'api', status: json.json().items[0].status });
    expect(JSON.parse(rows[0]!.lag!)).toEqual(json.json().items[0].lag);
    for (const body of [json.body, csv.body]) expect(body).not.toContain(testSecret);
  });
});

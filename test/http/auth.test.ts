import { readFile, writeFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { bootstrapKeys } from '../../src/http/auth/bootstrapKeys.js';
import { importKeyFile } from '../../src/http/auth/importKeyFile.js';
import { buildApp } from '../../src/http/buildApp.js';
import { capturingLogger } from '../support/logCapture.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

describe('API keys in the database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it('keeps only a hash of each key, and a second store on the database knows it', async () => {
    const store = await ApiKeyStore.open(db.pool);
    const { key, record } = await store.create({ system: 'WMS', scopes: ['submit', 'read'], actor: 'test' });
    const { rows } = await db.pool.query('SELECT * FROM ledger.api_keys WHERE id = $1', [record.id]);
    expect(JSON.stringify(rows)).not.toContain(key.slice('olk_'.length + 13));
    expect(rows[0]).toMatchObject({ system: 'WMS', scopes: ['submit', 'read'], revoked_at: null });
    expect((await ApiKeyStore.open(db.pool)).authenticate(key)?.system).toBe('WMS');
  });

  it('stops accepting a key once it is revoked, and keeps its row', async () => {
    const store = await ApiKeyStore.open(db.pool);
    const { key, record } = await store.create({ system: 'ERP', scopes: ['submit'], actor: 'test' });
    const other = await ApiKeyStore.open(db.pool);
    // Accepted first, so each store has verified it once and remembers that.
    expect(store.authenticate(key)?.keyId).toBe(record.id);
    expect(other.authenticate(key)?.keyId).toBe(record.id);
    expect(await store.revoke(record.id, 'test')).toBe(true);
    await other.refresh();
    expect(other.authenticate(key)).toBeUndefined();
    expect(await store.revoke(record.id, 'test')).toBe(false);
    expect(store.authenticate(key)).toBeUndefined();
    expect((await ApiKeyStore.open(db.pool)).authenticate(key)).toBeUndefined();
    expect((await store.list()).find((k) => k.id === record.id)?.revokedAt).toBeDefined();
  });

  it('records who created and who revoked each key', async () => {
    const store = await ApiKeyStore.open(db.pool);
    const { record } = await store.create({ system: 'TMS', scopes: ['read'], actor: 'cli:ops' });
    await store.revoke(record.id, 'ADMIN:abc');
    const acts = (await store.acts()).filter((a) => a.keyId === record.id);
    expect(acts.map((a) => [a.act, a.actor])).toEqual([['created', 'cli:ops'], ['revoked', 'ADMIN:abc']]);
  });

  it('refuses a key whose secret was altered', async () => {
    const store = await ApiKeyStore.open(db.pool);
    const { key } = await store.create({ system: 'TMS', scopes: ['read'], actor: 'test' });
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(store.authenticate(key)).toBeDefined();
    expect(store.authenticate(altered)).toBeUndefined();
    expect(store.authenticate(key)).toBeDefined();
    expect(store.authenticate(key.slice(0, -1))).toBeUndefined();
  });

  it('creates one key per source system and an admin key on a database that never had one, and none after', async () => {
    const fresh = await createTestDatabase();
    const store = await ApiKeyStore.open(fresh.pool);
    const created = await bootstrapKeys(store);
    expect(created.map((c) => c.system).sort()).toEqual(['ADMIN', 'CRM', 'ECOMMERCE', 'EDI', 'ERP', 'TMS', 'WMS']);
    for (const c of created) expect(store.authenticate(c.key)?.system).toBe(c.system);
    await store.revoke(created[0]!.key, 'test');
    expect(await bootstrapKeys(store)).toEqual([]);
  });

  it('imports the hashes of an older key file once and renames the file', async () => {
    const store = await ApiKeyStore.open(db.pool);
    const file = await tempPath('api-keys.json');
    const secretSha256 = 'ab'.repeat(32);
    await writeFile(file, JSON.stringify({ version: 1, keys: [{ id: 'legacy000001', system: 'CRM', scopes: ['read'], secretSha256, createdAt: '2026-01-01T00:00:00.000Z' }] }));
    expect(await importKeyFile(store, file)).toBe(1);
    expect(await importKeyFile(store, file)).toBeUndefined();
    await expect(readFile(`${file}.imported`, 'utf8')).resolves.toContain('legacy000001');
    expect((await store.list()).find((k) => k.id === 'legacy000001')).toMatchObject({ system: 'CRM', secretSha256 });
    expect((await store.acts()).find((a) => a.keyId === 'legacy000001')?.act).toBe('imported');
  });
});

describe('authentication', () => {
  let app: FastifyInstance;
  let keys: ApiKeyStore;
  let readKey: string;
  const { logger, lines } = capturingLogger('debug');

  beforeAll(async () => {
    const db = await createTestDatabase();
    keys = await ApiKeyStore.open(db.pool);
    readKey = (await keys.create({ system: 'CRM', scopes: ['read'], actor: 'test' })).key;
    app = await buildApp({
      logger,
      pool: db.pool,
      keys,
      plugins: [
        async (scoped) => {
          scoped.get('/v1/probe', { config: { scope: 'read' } }, async (request) => ({ system: request.principal?.system }));
          scoped.post('/v1/probe', { config: { scope: 'submit' } }, async () => ({ ok: true }));
        },
      ],
    });
  });
  afterAll(async () => app.close());

  it('answers 401 problem+json without a key', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/probe' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code: 'API_KEY_MISSING' });
  });

  it('answers 401 for an unknown key', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/probe', headers: { authorization: 'Bearer olk_aaaaaaaaaaaa_' + 'x'.repeat(43) } });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('API_KEY_UNKNOWN');
  });

  it('lets a key with the scope through, by bearer or x-api-key', async () => {
    const bearer = await app.inject({ method: 'GET', url: '/v1/probe', headers: { authorization: `Bearer ${readKey}` } });
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json()).toEqual({ system: 'CRM' });
    const header = await app.inject({ method: 'GET', url: '/v1/probe', headers: { 'x-api-key': readKey } });
    expect(header.statusCode).toBe(200);
  });

  it('answers 403 when the key lacks the scope', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/probe', headers: { authorization: `Bearer ${readKey}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'SCOPE_MISSING' });
    expect(response.json().detail).toContain('"submit"');
  });

  it('echoes the correlation id it was given, and creates one otherwise', async () => {
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-correlation-id': 'flow-42' } });
    expect(given.headers['x-correlation-id']).toBe('flow-42');
    const created = await app.inject({ method: 'GET', url: '/health' });
    expect(created.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await app.inject({ method: 'GET', url: '/health', headers: { 'x-correlation-id': 'not valid!' } });
    expect(malformed.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('binds the correlation id and the key to the request\'s log line', async () => {
    await app.inject({ method: 'GET', url: '/v1/probe', headers: { authorization: `Bearer ${readKey}`, 'x-correlation-id': 'flow-logged' } });
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.correlationId === 'flow-logged' && l.msg === 'request');
    expect(line).toMatchObject({ correlationId: 'flow-logged', system: 'CRM', route: '/v1/probe', status: 200 });
    expect(line).not.toHaveProperty('reqId');
  });

  it('never writes a key into a log line', async () => {
    await app.inject({ method: 'GET', url: '/v1/probe', headers: { authorization: `Bearer ${readKey}`, 'x-correlation-id': 'log-check' } });
    await app.inject({ method: 'GET', url: '/v1/probe', headers: { 'x-api-key': readKey } });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('log-check'))).toBe(true);
    // The secret is everything after `olk_<id>_`; it may itself contain '_'.
    const secret = readKey.slice('olk_'.length + 12 + 1);
    expect(secret.length).toBe(43);
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
  });

  it('answers an unknown route with a problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('ROUTE_NOT_FOUND');
  });

  it('serves the OpenAPI document', async () => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().openapi).toMatch(/^3\./);
  });

  it('exposes Prometheus metrics', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('ledger_http_requests_total');
  });
});

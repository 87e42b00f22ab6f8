import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyFile } from '../../src/http/auth/apiKeyFile.js';
import { bootstrapKeys } from '../../src/http/auth/bootstrapKeys.js';
import { buildApp } from '../../src/http/buildApp.js';
import { capturingLogger } from '../support/logCapture.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase } from '../support/testDatabase.js';

describe('API keys', () => {
  it('keeps only a hash of each key in the file', async () => {
    const file = await ApiKeyFile.open(await tempPath('keys.json'));
    const { key } = await file.create({ system: 'WMS', scopes: ['submit', 'read'] });
    const text = await readFile(file.file, 'utf8');
    expect(text).not.toContain(key.split('_')[2]);
    expect(text).toContain('"system": "WMS"');
    const reopened = await ApiKeyFile.open(file.file);
    expect(reopened.authenticate(key)?.system).toBe('WMS');
  });

  it('stops accepting a key once it is revoked', async () => {
    const file = await ApiKeyFile.open(await tempPath('keys.json'));
    const { key, record } = await file.create({ system: 'ERP', scopes: ['submit'] });
    expect(await file.revoke(record.id)).toBe(true);
    expect(file.authenticate(key)).toBeUndefined();
    expect((await ApiKeyFile.open(file.file)).authenticate(key)).toBeUndefined();
  });

  it('refuses a key whose secret was altered', async () => {
    const file = await ApiKeyFile.open(await tempPath('keys.json'));
    const { key } = await file.create({ system: 'TMS', scopes: ['read'] });
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(file.authenticate(altered)).toBeUndefined();
  });

  it('creates one key per source system and an admin key on first start, and none after', async () => {
    const file = await ApiKeyFile.open(await tempPath('keys.json'));
    const created = await bootstrapKeys(file);
    expect(created.map((c) => c.system).sort()).toEqual(['ADMIN', 'CRM', 'ECOMMERCE', 'EDI', 'ERP', 'TMS', 'WMS']);
    expect(await bootstrapKeys(file)).toEqual([]);
  });
});

describe('authentication', () => {
  let app: FastifyInstance;
  let keys: ApiKeyFile;
  let readKey: string;
  const { logger, lines } = capturingLogger('debug');

  beforeAll(async () => {
    const db = await createTestDatabase();
    keys = await ApiKeyFile.open(await tempPath('keys.json'));
    readKey = (await keys.create({ system: 'CRM', scopes: ['read'] })).key;
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
    expect(lines.filter((l) => l.includes(readKey.split('_')[2]!))).toEqual([]);
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

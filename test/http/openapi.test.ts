import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
import { recordDocumentedResponses } from '../support/documentedResponses.js';
import { createTestDatabase } from '../support/testDatabase.js';

let service: Service;
let doc: { info: { title: string }; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: { schemas?: Record<string, unknown> } };

beforeAll(async () => {
  const db = await createTestDatabase(4);
  service = await startService(loadConfig({ DATABASE_URL: db.url, PORT: '0', LEDGER_DATA_DIR: '/nonexistent-ledger-data' }), createLogger('silent'));
  doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
}, 60_000);
afterAll(async () => service?.stop());

describe('the OpenAPI document of the whole service', () => {
  it('validates with @readme/openapi-parser, every $ref resolving', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    recordDocumentedResponses('test/http/openapi.test.ts', doc);
  });

  it('names the schemas operations share as components', () => {
    expect(Object.keys(doc.components?.schemas ?? {})).toContain('ApiKey');
    expect(JSON.stringify(doc.paths['/v1/keys'])).toContain('#/components/schemas/ApiKey');
  });

  it('documents the key routes with the status each answers', () => {
    expect(Object.keys(doc.paths['/v1/keys']!.post!.responses!)).toContain('201');
    expect(Object.keys(doc.paths['/v1/keys']!.get!.responses!)).toContain('200');
  });

  it('serves the documentation UI under the product name', async () => {
    const page = await service.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<title>order-ledger API \d+\.\d+\.\d+<\/title>/);
  });
});

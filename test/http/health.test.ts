import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/buildApp.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase } from '../support/testDatabase.js';

describe('health and readiness', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const db = await createTestDatabase();
    app = await buildApp({ logger: createLogger('silent'), pool: db.pool });
  });
  afterAll(async () => app.close());

  it('answers /health with 200', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('reports ready once every migration is applied', async () => {
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ready' } });
    expect(response.statusCode).toBe(200);
  });
});

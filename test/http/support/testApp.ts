import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { ApiKeyFile, type KeySystem } from '../../../src/http/auth/apiKeyFile.js';
import { buildApp, type HttpLimits } from '../../../src/http/buildApp.js';
import { LedgerMetrics } from '../../../src/http/metrics.js';
import { orderPlugins } from '../../../src/http/orders/orderPlugins.js';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/PostgresEventStore.js';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import { createLogger } from '../../../src/logger.js';
import { tempPath } from '../../support/tempFile.js';
import type { DomainPolicy } from '../../../src/domain/domainPolicy.js';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  store: EventStore;
  metrics: LedgerMetrics;
  /** `Authorization` headers of a submit+read key per source system, plus ADMIN (every scope) and AUDITOR (audit only). */
  auth: Record<KeySystem | 'AUDITOR', { authorization: string }>;
}

/** The real app on a real PostgreSQL database of the file's own, with one key per system. */
export async function createTestApp(limits: Partial<HttpLimits> = {}, sibling?: TestApp & { keys: ApiKeyFile }, policy?: DomainPolicy): Promise<TestApp & { keys: ApiKeyFile }> {
  const db = sibling?.db ?? await createTestDatabase(20);
  const store = createPostgresEventStore({ pool: db.pool });
  const keys = sibling?.keys ?? await ApiKeyFile.open(await tempPath('keys.json'));
  const auth = {} as TestApp['auth'];
  for (const system of ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'] as const) {
    auth[system] = { authorization: `Bearer ${(await keys.create({ system, scopes: ['submit', 'read'] })).key}` };
  }
  auth.ADMIN = { authorization: `Bearer ${(await keys.create({ system: 'ADMIN', scopes: ['admin'] })).key}` };
  auth.AUDITOR = { authorization: `Bearer ${(await keys.create({ system: 'ADMIN', scopes: ['audit'] })).key}` };
  const metrics = new LedgerMetrics();
  const { plugins } = orderPlugins({ pool: db.pool, store, metrics, ...(policy ? { policy } : {}) });
  const app = await buildApp({ logger: createLogger('silent'), pool: db.pool, store, keys, metrics, limits, plugins });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  return { app, db, store, metrics, auth, keys };
}

import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import type { KeySystem } from '../../../src/http/auth/apiKeyFormat.js';
import { ApiKeyStore } from '../../../src/http/auth/ApiKeyStore.js';
import { buildApp, type HttpLimits } from '../../../src/http/buildApp.js';
import { LedgerMetrics } from '../../../src/observability/metrics.js';
import { orderPlugins } from '../../../src/http/orders/orderPlugins.js';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/PostgresEventStore.js';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import { createLogger } from '../../../src/logger.js';
import type { DomainPolicy } from '../../../src/domain/domainPolicy.js';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.js';
import { unshedLimits } from '../../support/unshedSettings.js';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  store: EventStore;
  metrics: LedgerMetrics;
  keys: ApiKeyStore;
  /** `Authorization` headers of a submit+read key per source system, plus ADMIN (every scope) and AUDITOR (audit only). */
  auth: Record<KeySystem | 'AUDITOR', { authorization: string }>;
}

/** The real app on a real PostgreSQL database of the file's own, with one key per system. */
export async function createTestApp(limits: Partial<HttpLimits> = {}, sibling?: TestApp, policy?: DomainPolicy): Promise<TestApp> {
  const db = sibling?.db ?? await createTestDatabase(20);
  const store = createPostgresEventStore({ pool: db.pool });
  // Each instance has a key store of its own on the shared database, as separate processes would.
  const keys = await ApiKeyStore.open(db.pool);
  const auth = {} as TestApp['auth'];
  for (const system of ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'] as const) {
    auth[system] = { authorization: `Bearer ${(await keys.create({ system, scopes: ['submit', 'read'], actor: 'test' })).key}` };
  }
  auth.ADMIN = { authorization: `Bearer ${(await keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key}` };
  auth.AUDITOR = { authorization: `Bearer ${(await keys.create({ system: 'ADMIN', scopes: ['audit'], actor: 'test' })).key}` };
  const metrics = new LedgerMetrics();
  const { plugins } = orderPlugins({ pool: db.pool, store, metrics, ...(policy ? { policy } : {}) });
  // Shedding by append latency is tested on its own (appendGate, robustness); here its
  // 50 ms default would turn a loaded test machine's slow appends into 503s.
  const app = await buildApp({ logger: createLogger('silent'), pool: db.pool, store, keys, metrics, limits: { ...unshedLimits, ...limits }, plugins });
  afterAll(async () => {
    await keys.stop();
    await app.close();
    await store.close();
  });
  return { app, db, store, metrics, auth, keys };
}

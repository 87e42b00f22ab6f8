import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterAll } from 'vitest';
import { sourceSystemKinds, type SourceSystemKind } from '../../../src/domain/sourceSystems.js';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import type { OrderService } from '../../../src/orders/OrderService.js';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/PostgresEventStore.js';
import { ApiKeyStore } from '../../../src/http/auth/ApiKeyStore.js';
import { buildApp } from '../../../src/http/buildApp.js';
import { LedgerMetrics } from '../../../src/observability/metrics.js';
import { orderPlugins } from '../../../src/http/orders/orderPlugins.js';
import { createLogger } from '../../../src/logger.js';
import { allProjections } from '../../../src/projections/allProjections.js';
import { reportRoutes } from '../../../src/http/reports/reportRoutes.js';
import { ProjectionRunner } from '../../../src/projections/ProjectionRunner.js';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

export interface ReportingApp {
  readonly app: FastifyInstance;
  readonly db: TestDatabase;
  readonly store: EventStore;
  readonly runner: ProjectionRunner;
  /** A key with only the `read` scope. */
  readonly readKey: string;
  /** A key with the `admin` scope. */
  readonly adminKey: string;
  /** A submit+read key per source system, as the simulator takes them. */
  readonly systemKeys: Record<SourceSystemKind, string>;
}

/**
 * The service as `main.ts` wires it, on a database of the file's own:
 * submissions, the running projections and the report routes, plus any
 * extra route plugins (the dashboard), which may use the same write side.
 */
export async function createReportingApp(extra: (deps: { pool: TestDatabase['pool']; store: EventStore; runner: ProjectionRunner; orders: OrderService }) => FastifyPluginAsync[] = () => []): Promise<ReportingApp> {
  const db = await createTestDatabase(20);
  const store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
  const keys = await ApiKeyStore.open(db.pool);
  const systemKeys = {} as Record<SourceSystemKind, string>;
  for (const system of sourceSystemKinds) systemKeys[system] = (await keys.create({ system, scopes: ['submit', 'read'], actor: 'test' })).key;
  const readKey = (await keys.create({ system: 'ADMIN', scopes: ['read'], actor: 'test' })).key;
  const adminKey = (await keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key;
  const logger = createLogger('silent');
  const metrics = new LedgerMetrics();
  const runner = new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger });
  runner.start();
  const { plugins, service } = orderPlugins({ pool: db.pool, store, metrics });
  const app = await buildApp({
    logger, pool: db.pool, store, keys, metrics,
    plugins: [...plugins, reportRoutes({ pool: db.pool, runner }), ...extra({ pool: db.pool, store, runner, orders: service })],
  });
  afterAll(async () => {
    await keys.stop();
    await app.close();
    await runner.stop();
    await store.close();
  });
  return { app, db, store, runner, readKey, adminKey, systemKeys };
}

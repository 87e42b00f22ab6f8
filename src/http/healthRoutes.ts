import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { databaseReadiness } from './databaseReadiness.js';
import type { LedgerMetrics } from '../observability/metrics.js';
import { runReadinessChecks, type ReadinessCheck } from '../observability/ReadinessCheck.js';

export interface HealthOptions {
  pool: pg.Pool;
  metrics: LedgerMetrics;
  /** Checks besides the database's own; `/ready` answers 503 when any is not ready. */
  readinessChecks?: readonly ReadinessCheck[];
}

/** `/health`: the process answers. `/ready`: every readiness check passes (503 names those that do not). `/metrics`: Prometheus text. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { pool, metrics, readinessChecks = [] }) => {
  const checks = [await databaseReadiness(pool), ...readinessChecks];

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const readiness = await runReadinessChecks(checks);
    return reply.code(readiness.ready ? 200 : 503).send(readiness.body);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.expose()),
  );
};

import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { databaseReadiness } from './databaseReadiness.js';
import type { LedgerMetrics } from '../observability/metrics.js';
import { runReadinessChecks, type ReadinessCheck } from '../observability/ReadinessCheck.js';

export interface HealthOptions {
  pool: pg.Pool;
  metrics: LedgerMetrics;
  /** Checks besides the database's own; `/ready` answers 503 when any is not ready. */
  readinessChecks?: readonly ReadinessCheck[];
}

const readinessSchema = z.looseObject({
  status: z.string(),
  checks: z.record(z.string(), z.string()).describe('Each check: ready or not_ready.'),
  reason: z.string().optional().describe('The first failure.'),
  failures: z.array(z.unknown()).optional().describe('Each failing check, e.g. the failed projection with its position, event and error.'),
});

/** `/health`: the process answers. `/ready`: every readiness check passes (503 names those that do not). `/metrics`: Prometheus text. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { pool, metrics, readinessChecks = [] }) => {
  const checks = [await databaseReadiness(pool), ...readinessChecks];

  app.get('/health', { schema: { tags: ['operations'], summary: 'The process answers', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/ready', { schema: { tags: ['operations'], summary: 'Every readiness check passes (503 names those that do not)', response: { 200: readinessSchema, 503: readinessSchema } } }, async (_request, reply) => {
    const readiness = await runReadinessChecks(checks);
    return reply.code(readiness.ready ? 200 : 503).send(readiness.body);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.expose()),
  );
};

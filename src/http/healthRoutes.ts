import { readdir } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { migrationsDir } from '../postgres/migrate.js';
import type { LedgerMetrics } from './metrics.js';

export interface HealthOptions {
  pool: pg.Pool;
  metrics: LedgerMetrics;
}

/** `/health`: the process answers. `/ready`: the database answers and is fully migrated. `/metrics`: Prometheus text. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { pool, metrics }) => {
  const migrationNames = (await readdir(migrationsDir))
    .filter((f) => /\.(sql|ts|js)$/.test(f))
    .map((f) => f.replace(/\.(sql|ts|js)$/, ''));

  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    try {
      const { rows } = await pool.query<{ name: string }>('SELECT name FROM public.pgmigrations');
      const applied = new Set(rows.map((r) => r.name));
      const pending = migrationNames.filter((name) => !applied.has(name));
      if (pending.length > 0) {
        return reply.code(503).send({ status: 'not_ready', reason: 'migrations pending', pending });
      }
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', reason: 'database unreachable', detail: (error as Error).message });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.expose()),
  );
};

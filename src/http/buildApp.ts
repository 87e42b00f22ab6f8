import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../logger.js';
import { healthRoutes } from './healthRoutes.js';

/** The ports the HTTP app is built from; `main.ts` wires the real ones. */
export interface AppDeps {
  logger: Logger;
  pool: pg.Pool;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger }) as unknown as FastifyInstance;
  await app.register(healthRoutes, { pool: deps.pool });
  return app;
}

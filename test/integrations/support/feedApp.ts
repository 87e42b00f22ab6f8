import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { ApiKeyStore } from '../../../src/http/auth/ApiKeyStore.js';
import { buildApp } from '../../../src/http/buildApp.js';
import { createLogger } from '../../../src/logger.js';

/** The real app with the given route plugins, and a read key and an admin key. */
export async function appWith(pool: pg.Pool, plugins: FastifyPluginAsync[]): Promise<{ app: FastifyInstance; read: string; admin: string }> {
  const keys = await ApiKeyStore.open(pool);
  const read = (await keys.create({ system: 'CRM', scopes: ['read'], actor: 'test' })).key;
  const admin = (await keys.create({ system: 'ADMIN', scopes: ['admin'], actor: 'test' })).key;
  const app = await buildApp({ logger: createLogger('silent'), pool, keys, plugins });
  return { app, read, admin };
}

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { ApiKeyFile } from '../../../src/http/auth/apiKeyFile.js';
import { buildApp } from '../../../src/http/buildApp.js';
import { createLogger } from '../../../src/logger.js';
import { tempPath } from '../../support/tempFile.js';

/** The real app with the given route plugins, and a read key and an admin key. */
export async function appWith(pool: pg.Pool, plugins: FastifyPluginAsync[]): Promise<{ app: FastifyInstance; read: string; admin: string }> {
  const keys = await ApiKeyFile.open(await tempPath('keys.json'));
  const read = (await keys.create({ system: 'CRM', scopes: ['read'] })).key;
  const admin = (await keys.create({ system: 'ADMIN', scopes: ['admin'] })).key;
  const app = await buildApp({ logger: createLogger('silent'), pool, keys, plugins });
  return { app, read, admin };
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { quoteIdent } from '../../src/postgres/embeddedPostgres.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';

/** A migrated database of the test file's own, and a pool on it. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly pool: pg.Pool;
}

/**
 * Clones the run's migrated template into a fresh database for the calling
 * test file and drops it when the file is done. Call at module level or in
 * `beforeAll`.
 */
export async function createTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplateDatabase');
  const name = `ledger_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
  pool.on('error', () => undefined);
  afterAll(async () => {
    await pool.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
  return { url: url.toString(), name, pool };
}

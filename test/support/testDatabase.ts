import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { quoteIdent } from '../../src/postgres/embeddedPostgres.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';
import { grantServiceDatabase } from '../../src/postgres/serviceRole.js';

/** A migrated database of the test file's own, and pools on it. */
export interface TestDatabase {
  /** The service's URL: its login, a member of ledger_writer. */
  readonly url: string;
  readonly name: string;
  /** A pool as the service's role, so that a missing grant fails the test that needs it. */
  readonly pool: pg.Pool;
  /** The owner's URL (the role that ran the migrations). */
  readonly ownerUrl: string;
  /** A pool as the owner, for what only the owner may do: tampering with the log on purpose. */
  readonly owner: pg.Pool;
}

/**
 * Clones the run's migrated template into a fresh database for the calling
 * test file and drops it when the file is done. Call at module level or in
 * `beforeAll`.
 */
export async function createTestDatabase(poolSize = 10): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplateDatabase');
  const login = inject('pgServiceLogin');
  const name = `ledger_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  const ownerUrl = new URL(adminUrl);
  ownerUrl.pathname = `/${name}`;
  const owner = new pg.Pool({ connectionString: ownerUrl.toString(), max: 2 });
  owner.on('error', () => undefined);
  const client = await owner.connect();
  await grantServiceDatabase(client).finally(() => client.release());
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(login.user);
  url.password = encodeURIComponent(login.password);
  const pool = new pg.Pool({ connectionString: url.toString(), max: poolSize });
  pool.on('error', () => undefined);
  afterAll(async () => {
    await pool.end();
    await owner.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
  return { url: url.toString(), name, pool, ownerUrl: ownerUrl.toString(), owner };
}

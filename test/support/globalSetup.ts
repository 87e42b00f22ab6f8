import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, quoteIdent, type EmbeddedServer } from '../../src/postgres/embeddedPostgres.js';
import { migrate } from '../../src/postgres/migrate.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test server (CREATE/DROP DATABASE). */
    pgAdminUrl: string;
    /** A migrated database each test file clones into one of its own. */
    pgTemplateDatabase: string;
  }
}

let server: EmbeddedServer | undefined;
let dataRoot: string | undefined;
let adminUrl = '';
let template = '';

/**
 * One PostgreSQL per test run: the embedded one (under the system temp folder,
 * which the postgres user can reach even when the checkout is under /root),
 * or the server named by DATABASE_URL.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataRoot = await mkdtemp(path.join(tmpdir(), 'order-ledger-test-'));
    // mkdtemp makes the folder 0700; as root, the postgres user must enter it.
    await chmod(dataRoot, 0o755);
    server = await startEmbeddedPostgres({ dir: path.join(dataRoot, 'pg') });
    adminUrl = server.adminUrl;
  }
  template = `ledger_test_template_${process.pid}`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(template)}`);
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(template)}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await migrate(templateUrl.toString());
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplateDatabase', template);
}

export async function teardown(): Promise<void> {
  try {
    if (template) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`);
  } finally {
    await server?.stop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  }
}

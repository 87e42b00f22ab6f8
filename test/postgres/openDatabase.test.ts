import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/postgres/embeddedPostgres.js';
import { openDatabase, type Database } from '../../src/postgres/openDatabase.js';
import { historyRewriteRisk } from '../../src/postgres/serviceRole.js';

let dataDir = '';
let server: EmbeddedServer | undefined;
const opened: Database[] = [];

afterAll(async () => {
  for (const database of opened) await database.close();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function whoAmI(database: Database) {
  const { rows } = await database.pool.query<{ session: string; current: string; rolsuper: boolean }>(
    'SELECT session_user AS session, current_user AS current, r.rolsuper FROM pg_roles r WHERE r.rolname = session_user',
  );
  return rows[0];
}

/** Appends one event as the pool's role, then tries to rewrite it. */
async function appendThenTryRewrite(database: Database): Promise<string> {
  const store = createPostgresEventStore({ pool: database.pool });
  try {
    await store.append('order-OD-1', [{ id: '0b9d7f55-3f3e-4a3c-8d0c-6a0f7a1e2b01', type: 'Probe', data: {}, metadata: {} }], { expectedRevision: 'any' });
  } finally {
    await store.close();
  }
  return database.pool.query("UPDATE ledger.events SET data = '{\"x\":1}'").then(() => 'updated', (error: Error) => error.message);
}

describe('openDatabase', () => {
  // One fresh cluster for both cases, so that the managed case finds no ledger roles yet, as on a new server.
  it('with DATABASE_URL and LEDGER_MIGRATION_URL, migrates as a non-superuser owner and sets up the service login', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'order-ledger-roles-'));
    await chmod(dataDir, 0o755);
    server = await startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres') });
    await adminQuery(server.adminUrl, "CREATE ROLE acme_owner LOGIN CREATEROLE PASSWORD 'owner-pw'");
    await adminQuery(server.adminUrl, 'CREATE DATABASE acme_ledger OWNER acme_owner');
    const at = (login: string) => `postgres://${login}@127.0.0.1:${server!.port}/acme_ledger`;
    const database = await openDatabase({ databaseUrl: at('acme_service:service-pw'), migrationUrl: at('acme_owner:owner-pw'), dataDir });
    opened.push(database);
    expect(await whoAmI(database)).toEqual({ session: 'acme_service', current: 'ledger_writer', rolsuper: false });
    expect(await historyRewriteRisk(database.pool)).toBeNull();
    expect(await appendThenTryRewrite(database)).toMatch(/permission denied for table events/);
  }, 60_000);

  it('on the embedded server, migrates as its superuser and serves as ledger_service', async () => {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    opened.push(database);
    expect(database.embedded?.port).toBe(server!.port);
    expect(new URL(database.url).username).toBe('ledger_service');
    expect(await whoAmI(database)).toEqual({ session: 'ledger_service', current: 'ledger_writer', rolsuper: false });
    expect(await appendThenTryRewrite(database)).toMatch(/permission denied for table events/);
  }, 60_000);

  it('warns when DATABASE_URL alone names a role that could rewrite history', async () => {
    const lines: string[] = [];
    const database = await openDatabase({ databaseUrl: server!.urlFor('acme_ledger'), dataDir, log: (line) => lines.push(line) });
    opened.push(database);
    expect(lines.join('\n')).toMatch(/WARNING: the service connects as postgres, a superuser.*LEDGER_MIGRATION_URL/);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { historyRewriteRisk, serviceGroupRole } from '../../src/postgres/serviceRole.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase(4);
let store: EventStore;

beforeAll(async () => {
  store = createPostgresEventStore({ pool: db.pool });
  await store.append('order-R-1', [{ id: '7d1c9f2e-0b55-4a39-9b0e-2f4bb1c0a001', type: 'Probe', data: { n: 1 }, metadata: {} }], { expectedRevision: 'no_stream' });
});
afterAll(async () => store.close());

/** Runs `sql` in a transaction of its own on the service's login, answering the error it raised. */
async function asService(...sql: string[]): Promise<Error | undefined> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    for (const statement of sql) await client.query(statement);
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

describe("the service's role", () => {
  it('is not a superuser, owns nothing in schema ledger, and acts as ledger_writer', async () => {
    const { rows } = await db.pool.query<{ current: string; session: string; rolsuper: boolean; owned: string }>(
      `SELECT current_user AS current, session_user AS session, r.rolsuper,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'ledger' AND pg_has_role(session_user, c.relowner, 'USAGE')) AS owned
         FROM pg_roles r WHERE r.rolname = session_user`,
    );
    expect(rows[0]).toMatchObject({ current: serviceGroupRole, rolsuper: false, owned: '0' });
    expect(await historyRewriteRisk(db.pool)).toBeNull();
    expect(await historyRewriteRisk(db.owner)).toMatch(/superuser|owns ledger\.events/);
  });

  it('may append and read the log', async () => {
    await store.append('order-R-1', [{ id: '7d1c9f2e-0b55-4a39-9b0e-2f4bb1c0a002', type: 'Probe', data: { n: 2 }, metadata: {} }], { expectedRevision: 0n });
    const { rows } = await db.pool.query("SELECT revision FROM ledger.events WHERE stream_id = 'order-R-1' ORDER BY revision");
    expect(rows.map((r) => r.revision)).toEqual(['0', '1']);
  });

  it('is refused UPDATE, DELETE and TRUNCATE of the log', async () => {
    expect((await asService("UPDATE ledger.events SET data = '{}'"))?.message).toMatch(/permission denied for table events/);
    expect((await asService('DELETE FROM ledger.events'))?.message).toMatch(/permission denied for table events/);
    expect((await asService('TRUNCATE ledger.events'))?.message).toMatch(/permission denied for table events/);
  });

  it('cannot step round the triggers: session_replication_role, DISABLE TRIGGER and DROP TRIGGER are refused', async () => {
    expect((await asService('SET LOCAL session_replication_role = replica'))?.message).toMatch(/permission denied to set parameter "session_replication_role"/);
    expect((await asService('ALTER TABLE ledger.events DISABLE TRIGGER USER'))?.message).toMatch(/must be owner of (table|relation) events/);
    expect((await asService('ALTER TABLE ledger.events DISABLE TRIGGER events_refuse_edit'))?.message).toMatch(/must be owner of (table|relation) events/);
    expect((await asService('DROP TRIGGER events_refuse_edit ON ledger.events'))?.message).toMatch(/must be owner of (table|relation) events/);
    expect((await asService('DROP TABLE ledger.events'))?.message).toMatch(/must be owner of (table|relation) events/);
    expect((await asService('CREATE TRIGGER sneak BEFORE UPDATE ON ledger.events FOR EACH ROW EXECUTE FUNCTION ledger.refuse_history_edit()'))?.message).toMatch(/permission denied for table events/);
    expect((await asService('RESET ROLE', 'SET ROLE NONE', "UPDATE ledger.events SET data = '{}'"))?.message).toMatch(/permission denied for table events/);
    const triggers = await db.owner.query("SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger.events'::regclass AND tgenabled = 'O' ORDER BY tgname");
    expect(triggers.rows.map((r) => r.tgname)).toEqual(['events_refuse_edit', 'events_refuse_truncate']);
  });

  it('owns every table and view of reporting, so a rebuild can swap them, and nothing else', async () => {
    const { rows } = await db.owner.query<{ schema: string; name: string; owner: string }>(
      `SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('ledger', 'reporting', 'integration') AND c.relkind IN ('r', 'v', 'm', 'p', 'S')`,
    );
    const owned = (schema: string) => rows.filter((r) => r.schema === schema && r.owner === serviceGroupRole).length;
    expect(rows.filter((r) => r.schema === 'reporting' && r.owner !== serviceGroupRole)).toEqual([]);
    expect(owned('reporting')).toBeGreaterThan(5);
    expect(owned('ledger')).toBe(0);
    expect(owned('integration')).toBe(0);
  });

  it('cannot log in as, or become, the owner', async () => {
    const url = new URL(db.url);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await expect(client.query('SET ROLE postgres')).rejects.toThrow(/permission denied to set role/);
    } finally {
      await client.end();
    }
  });
});

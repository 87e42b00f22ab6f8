import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { isTransient } from '../../src/postgres/transientError.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { anEvent, readStreamAll, uniqueStream } from './contract/contractHelpers.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await createTestDatabase();
  db.pool.on('error', () => undefined);
  store = createPostgresEventStore({ pool: db.pool });
});
afterAll(async () => store.close());

/** Waits until a session of the service's login waits on a lock, and returns its pid. */
async function blockedAppender(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await db.owner.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND usename <> current_user`,
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no append waited on the lock');
}

describe('an append whose connection is lost under it', () => {
  it('is sent again on a new connection and written exactly once', async () => {
    const stream = uniqueStream('lost');
    const holder = await db.owner.connect();
    try {
      // Hold the log so the append's statement is in flight when its session is ended.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE ledger.events IN ACCESS EXCLUSIVE MODE');
      const appending = store.append(stream, [anEvent('A'), anEvent('B')], { expectedRevision: 'no_stream' });
      const pid = await blockedAppender();
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      await holder.query('COMMIT');
      const result = await appending;
      expect(result.nextRevision).toBe(1n);
      expect((await readStreamAll(store, stream)).map((e) => e.type)).toEqual(['A', 'B']);
    } finally {
      holder.release();
    }
  });

  it('counts connection loss, rollbacks and operator intervention as transient, and nothing else', () => {
    expect(isTransient(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('value too long'), { code: '22001' }))).toBe(false);
    expect(isTransient(new Error('Cannot use a pool after calling end on the pool'))).toBe(false);
  });
});

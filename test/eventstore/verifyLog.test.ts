import { beforeAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { verifyLog } from '../../src/eventstore/postgres/verifyLog.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { someEvents } from './contract/contractHelpers.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const store = createPostgresEventStore({ pool: db.pool });
  for (const stream of ['a', 'b', 'c', 'd']) await store.append(`verify-${stream}`, someEvents(7), { expectedRevision: 'no_stream' });
  await store.close();
});

/** Only the owner, disabling the guard triggers, can do this; the service's role cannot. */
async function tamper(sql: string): Promise<void> {
  await db.owner.query('ALTER TABLE ledger.events DISABLE TRIGGER USER');
  await db.owner.query(sql);
  await db.owner.query('ALTER TABLE ledger.events ENABLE TRIGGER USER');
}

describe('verifyLog', () => {
  it('finds every chain intact in an untouched log, paging across stream boundaries', async () => {
    const progress: number[] = [];
    const result = await verifyLog(db.pool, (n) => progress.push(n), 5);
    expect(result).toEqual({ streams: 4, events: 28, broken: [] });
    expect(progress.at(-1)).toBe(28);
  });

  it('names the first broken link of each tampered stream and why', async () => {
    await tamper("UPDATE ledger.events SET data = jsonb_set(data, '{i}', '99') WHERE stream_id = 'verify-b' AND revision = 3");
    await tamper("DELETE FROM ledger.events WHERE stream_id = 'verify-d' AND revision = 2");
    const result = await verifyLog(db.pool, () => undefined, 4);
    expect(result.broken.map((b) => [b.streamId, b.verification.reason, b.verification.brokenAt.revision])).toEqual([
      ['verify-b', 'HASH_MISMATCH', 3n],
      ['verify-d', 'REVISION_GAP', 3n],
    ]);
  });
});

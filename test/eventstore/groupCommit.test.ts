import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { isWrongExpectedRevision } from '../../src/eventstore/WrongExpectedRevision.js';
import { verifyChain } from '../../src/domain/verifyChain.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { anEvent, readStreamAll, someEvents, uniqueStream } from './contract/contractHelpers.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await createTestDatabase();
  // One flush at a time, so everything that arrives meanwhile shares the next batch.
  store = createPostgresEventStore({ pool: db.pool, groupCommit: { concurrentFlushes: 1 } });
});
afterAll(async () => store.close());

const txCount = async (streams: string[]) =>
  Number((await db.pool.query('SELECT count(DISTINCT tx_id)::int AS n FROM ledger.events WHERE stream_id = ANY($1)', [streams])).rows[0].n);

describe('group commit', () => {
  it('commits concurrent appends to many streams in fewer transactions, each answered on its own', async () => {
    const streams = Array.from({ length: 40 }, () => uniqueStream('gc'));
    const results = await Promise.all(streams.map((s) => store.append(s, someEvents(2), { expectedRevision: 'no_stream' })));
    expect(results.every((r) => r.nextRevision === 1n && !r.idempotentReplay)).toBe(true);
    expect(new Set(results.map((r) => r.position)).size).toBe(40);
    expect(await txCount(streams)).toBeLessThan(40);
  });

  it('keeps each append\'s expectation when several in one batch target the same stream', async () => {
    const stream = uniqueStream('gc-same');
    await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
    const outcomes = await Promise.allSettled([
      store.append(stream, [anEvent('A')], { expectedRevision: 0n }),
      store.append(stream, [anEvent('B')], { expectedRevision: 0n }),
      store.append(stream, [anEvent('C')], { expectedRevision: 'any' }),
      store.append(stream, [anEvent('D')], { expectedRevision: 'stream_exists' }),
      store.append(uniqueStream('gc-missing'), [anEvent()], { expectedRevision: 'stream_exists' }),
    ]);
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(2);
    expect(refused.every((o) => isWrongExpectedRevision(o.reason))).toBe(true);
    const events = await readStreamAll(store, stream);
    expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
    const chain = verifyChain(events.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })));
    expect(chain).toEqual({ ok: true, checked: 4 });
  });

  it('answers duplicates within one batch as replays and a partial overlap as a conflict, writing each event once', async () => {
    const stream = uniqueStream('gc-dup');
    const batch = someEvents(2);
    const outcomes = await Promise.allSettled([
      store.append(stream, batch, { expectedRevision: 'any' }),
      store.append(stream, batch, { expectedRevision: 'any' }),
      store.append(stream, [batch[0]!, anEvent()], { expectedRevision: 'any' }),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { nextRevision: 1n, idempotentReplay: false } });
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { nextRevision: 1n, idempotentReplay: true } });
    const first = outcomes[0] as PromiseFulfilledResult<{ position: string }>;
    expect((outcomes[1] as PromiseFulfilledResult<{ position: string }>).value.position).toBe(first.value.position);
    expect(outcomes[2]!.status).toBe('rejected');
    expect(await readStreamAll(store, stream)).toHaveLength(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { isUnstorableEvent } from '../../src/eventstore/UnstorableEvent.js';
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

  it('fails an append the log cannot hold alone, before it joins a batch, and writes the others of the same moment', async () => {
    const streams = Array.from({ length: 12 }, () => uniqueStream('gc-nul'));
    const bad = new Set([3, 8]);
    const outcomes = await Promise.allSettled(streams.map((s, i) => store.append(s, [anEvent('T', { note: i === 3 ? 'a\u0000b' : i === 8 ? 'lone \ud800' : `ok ${i}` })], { expectedRevision: 'no_stream' })));
    outcomes.forEach((o, i) => {
      expect(o.status).toBe(bad.has(i) ? 'rejected' : 'fulfilled');
      if (o.status === 'rejected') expect(isUnstorableEvent(o.reason), String(o.reason)).toBe(true);
    });
    const written = await Promise.all(streams.map(async (s) => (await readStreamAll(store, s)).length));
    expect(written).toEqual(streams.map((_, i) => (bad.has(i) ? 0 : 1)));
  });

  it('keeps a literal backslash-u in text, which is no escape', async () => {
    const stream = uniqueStream('gc-backslash');
    await store.append(stream, [anEvent('T', { note: '\\u0000 and \\ud800' })], { expectedRevision: 'no_stream' });
    expect((await readStreamAll(store, stream))[0]!.data).toEqual({ note: '\\u0000 and \\ud800' });
  });

  it('answers an append the database refuses with its own error, and the others of its batch truthfully', async () => {
    // A rule of the database's own that refuses one stream's rows, as a CHECK or a type would.
    await db.owner.query(`CREATE FUNCTION ledger.refuse_test_stream() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.stream_id LIKE 'gc-refused-%' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF; RETURN NEW; END $$`);
    await db.owner.query('CREATE TRIGGER refuse_test_stream BEFORE INSERT ON ledger.events FOR EACH ROW EXECUTE FUNCTION ledger.refuse_test_stream()');
    try {
      const streams = Array.from({ length: 10 }, (_, i) => uniqueStream(i === 4 ? 'gc-refused' : 'gc-fine'));
      const outcomes = await Promise.allSettled(streams.map((s) => store.append(s, someEvents(2), { expectedRevision: 'no_stream' })));
      outcomes.forEach((o, i) => expect(o.status, `append ${i}`).toBe(i === 4 ? 'rejected' : 'fulfilled'));
      const refused = outcomes[4] as PromiseRejectedResult;
      expect(isUnstorableEvent(refused.reason)).toBe(true);
      expect((refused.reason as Error).message).toContain('refused for the test');
      const written = await Promise.all(streams.map(async (s) => (await readStreamAll(store, s)).length));
      expect(written).toEqual(streams.map((_, i) => (i === 4 ? 0 : 2)));
    } finally {
      await db.owner.query('DROP TRIGGER refuse_test_stream ON ledger.events');
    }
  });
});

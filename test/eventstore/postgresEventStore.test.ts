import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashedText } from '../../src/domain/auditHash.js';
import type { EventStore, Position, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { encodeAppend, encodeBatch } from '../../src/eventstore/postgres/GroupCommit.js';
import { readAllPage } from '../../src/eventstore/postgres/readAllPage.js';
import { appendBatchSql } from '../../src/eventstore/postgres/sql.js';
import { inPartition } from '../../src/eventstore/streamPartition.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { anEvent, readAllOf, readStreamAll, someEvents, uniqueStream } from './contract/contractHelpers.js';
import { eventStoreContract } from './contract/eventStoreContract.js';

const db: TestDatabase = await createTestDatabase(12);

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

eventStoreContract('PostgreSQL', async () => createPostgresEventStore({ pool: db.pool, pollIntervalMs: 250 }), {
  writeForeign: { skipBecause: 'the ledger schema of PostgreSQL holds only the ledger\'s events' },
});

describe('PostgreSQL event store', () => {
  let store: EventStore;
  let side: pg.Client;
  beforeAll(async () => {
    store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 250 });
    side = new pg.Client({ connectionString: db.url });
    await side.connect();
  });
  afterAll(async () => {
    await store.close();
    await side.end();
  });

  it('sends each event as exactly the canonical text the audit hash covers', () => {
    const event = { id: randomUUID().toUpperCase(), type: 'T"x', data: { b: [1, { d: 1, c: 2 }], a: 'ü' }, metadata: { z: null, y: undefined } };
    const now = new Date('2026-11-27T10:11:12.345Z');
    const { json, recordedAt } = encodeBatch([encodeAppend('order-1', [event], 3n)], now);
    expect(recordedAt).toBe(now.toISOString());
    const canonical = hashedText({ ...event, id: event.id.toLowerCase(), streamId: 'order-1', recordedAt: now.toISOString() });
    expect(json).toBe(`[{"s":"order-1","x":"3","e":[${canonical}]}]`);
  });

  it('never lets a reader skip an event that an earlier transaction commits late', async () => {
    const streams = new Set([uniqueStream('slow'), uniqueStream('fast')]);
    const [slowStream, fastStream] = [...streams] as [string, string];
    const before = await store.headPosition();
    await side.query('BEGIN');
    // The slow transaction takes its id first, so its events sort first.
    await side.query('SELECT pg_current_xact_id()');
    const fast = await store.append(fastStream, [anEvent('Fast')], { expectedRevision: 'no_stream' });
    const { json, recordedAt } = encodeBatch([encodeAppend(slowStream, [anEvent('Slow')], 'no_stream')], new Date());
    const slow = await side.query<unknown[]>({ text: appendBatchSql.text, values: [json, recordedAt], rowMode: 'array' });
    const slowPosition = String(slow.rows[0]?.[3]);
    expect(slowPosition < fast.position).toBe(true);
    expect(slowPosition).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);

    expect(await readAllOf(store, streams, before, 100, false)).toEqual([]);
    const lag = await store.readLag();
    expect(lag.eventsBehind).toBeGreaterThanOrEqual(1);
    expect(lag.newestPosition).toBe(fast.position);
    expect(lag.safePosition < fast.position).toBe(true);
    expect(lag.oldestBlockingTransactionSeconds).toBeGreaterThanOrEqual(0);

    await side.query('COMMIT');
    const events = await readAllOf(store, streams, before, 100);
    expect(events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    const caughtUp = await eventually(() => store.readLag(), (lag) => lag.eventsBehind === 0);
    expect(caughtUp).toMatchObject({ eventsBehind: 0, oldestBlockingTransactionSeconds: null, safePosition: caughtUp.newestPosition });
  });

  it.each([
    ['of some types', undefined],
    ['of one partition', { index: 1, count: 4 }],
  ] as const)('never lets a filtered page (%s) that did not fill skip events that became readable between its two statements', async (_, partition) => {
    const rare = `Late-${randomUUID()}`;
    const stream = () => {
      for (;;) {
        const id = uniqueStream();
        if (!partition || inPartition(id, partition)) return id;
      }
    };
    const filter = { types: [rare], ...(partition ? { partition } : {}) };
    const before = await store.headPosition();
    const early = await store.append(stream(), [anEvent(rare)], { expectedRevision: 'no_stream' });
    await side.query('BEGIN');
    await side.query('SELECT pg_current_xact_id()');
    const late = await store.append(stream(), [anEvent(rare)], { expectedRevision: 'no_stream' });
    // The same pool, except that the blocking transaction ends (and the late event becomes readable) right after the page statement.
    const statements: string[] = [];
    const query = (target: pg.Pool | pg.PoolClient) => async (config: pg.QueryConfig | string) => {
      const result = await target.query(config);
      const name = typeof config === 'string' ? undefined : config.name;
      if (!name) return result;
      statements.push(name);
      if (statements.length === 1) {
        await side.query('COMMIT');
        await eventually(() => db.pool.query<{ ok: boolean }>(
          "SELECT bool_and(tx_id < pg_snapshot_xmin(pg_current_snapshot())) AS ok FROM ledger.events WHERE type = $1", [rare]), (r) => r.rows[0]!.ok);
      }
      return result;
    };
    const pool = {
      query: query(db.pool),
      connect: async () => {
        const client = await db.pool.connect();
        return Object.assign(Object.create(client) as pg.PoolClient, { query: query(client), release: (e?: boolean | Error) => client.release(e) });
      },
    } as unknown as pg.Pool;
    const first = await readAllPage(pool, { after: before, limit: 10, ...filter });
    expect(statements.map((name) => name.replace(/.*_/, ''))).toEqual(['page', 'bounds']);
    expect(first.events.map((e) => e.position)).not.toContain(late.position);
    const seen: RecordedEvent[] = [...first.events];
    let position: Position = first.nextPosition;
    for (let page = first; !page.isEnd;) {
      page = await store.readAll({ after: position, limit: 10, ...filter });
      seen.push(...page.events);
      position = page.nextPosition;
    }
    expect(seen.map((e) => e.position)).toEqual([early.position, late.position]);
  });

  it('wakes a live subscriber once a blocking transaction ends, without a NOTIFY', async () => {
    const stream = uniqueStream();
    const before = await store.headPosition();
    await side.query('BEGIN');
    await side.query('SELECT pg_current_xact_id()');
    await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
    const controller = new AbortController();
    const seen: string[] = [];
    const subscriber = (async () => {
      for await (const event of store.subscribeAll({ after: before, signal: controller.signal })) {
        if (event.streamId === stream) {
          seen.push(event.id);
          controller.abort();
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([]);
    await side.query('COMMIT');
    await subscriber;
    expect(seen).toHaveLength(1);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of stored events to the owner too, by trigger', async () => {
    const stream = uniqueStream();
    await store.append(stream, someEvents(2), { expectedRevision: 'no_stream' });
    await expect(db.owner.query("UPDATE ledger.events SET data = '{}' WHERE stream_id = $1", [stream])).rejects.toThrow(/append-only/);
    await expect(db.owner.query('DELETE FROM ledger.events WHERE stream_id = $1', [stream])).rejects.toThrow(/append-only/);
    await expect(db.owner.query('TRUNCATE ledger.events')).rejects.toThrow(/append-only/);
    expect(await readStreamAll(store, stream)).toHaveLength(2);
  });

  it('reports no lag when nothing is in flight', async () => {
    await store.append(uniqueStream(), [anEvent()], { expectedRevision: 'any' });
    // Other test files write to the same cluster: wait for a quiet moment.
    const lag = await eventually(() => store.readLag(), (l) => l.eventsBehind === 0);
    expect(lag.eventsBehind).toBe(0);
    expect(lag.safePosition).toBe(lag.newestPosition);
    expect(lag.newestPosition).toBe(await store.headPosition());
  });
});

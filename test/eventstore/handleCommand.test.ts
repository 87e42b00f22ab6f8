import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, EventToAppend } from '../../src/eventstore/EventStore.js';
import { handleCommand, type Decision } from '../../src/eventstore/handleCommand.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { anEvent, readStreamAll, uniqueStream } from './contract/contractHelpers.js';

const db = await createTestDatabase(4);

/** A tiny counter: Added events carry n; the state is their sum. */
const evolve = (total: number, event: EventToAppend): number => total + ((event.data as { n?: number }).n ?? 0);
const add = (n: number): EventToAppend => anEvent('Added', { n });

describe('handleCommand', () => {
  let store: EventStore;
  beforeAll(() => {
    store = createPostgresEventStore({ pool: db.pool });
  });
  afterAll(async () => store.close());

  const run = (streamId: string, decide: (total: number, revision: bigint | 'no_stream') => Decision<string>, maxAttempts?: number) =>
    handleCommand({ store, streamId, initialState: 0, evolve, decide, ...(maxAttempts ? { maxAttempts } : {}) });

  it('appends what the decider returns, expecting the revision it loaded', async () => {
    const stream = uniqueStream('cmd');
    const revisions: (bigint | 'no_stream')[] = [];
    const decide = (_: number, revision: bigint | 'no_stream'): Decision<string> => {
      revisions.push(revision);
      return { ok: true, events: [add(2), add(3)] };
    };
    const first = await run(stream, decide);
    const second = await run(stream, decide);
    expect(revisions).toEqual(['no_stream', 1n]);
    expect(first).toMatchObject({ ok: true, state: 5, appended: { nextRevision: 1n } });
    expect(second).toMatchObject({ ok: true, state: 10, appended: { nextRevision: 3n } });
  });

  it('returns the decider refusal and writes nothing', async () => {
    const stream = uniqueStream('cmd');
    const outcome = await run(stream, () => ({ ok: false, error: 'ORDER_NOT_FOUND' }));
    expect(outcome).toEqual({ ok: false, kind: 'rejected', error: 'ORDER_NOT_FOUND' });
    expect(await readStreamAll(store, stream)).toEqual([]);
  });

  it('appends nothing when the decider has nothing to say', async () => {
    const outcome = await run(uniqueStream('cmd'), () => ({ ok: true, events: [] }));
    expect(outcome).toEqual({ ok: true, appended: null, events: [], state: 0 });
  });

  it('retries on fresh state after a conflict and gives up after maxAttempts', async () => {
    const stream = uniqueStream('cmd');
    await store.append(stream, [add(1)], { expectedRevision: 'no_stream' });
    // A store whose every append first lets a rival write: the loaded revision is always stale.
    const rivalStore: EventStore = {
      ...store,
      append: async (streamId, events, options) => {
        await store.append(streamId, [add(1)], { expectedRevision: 'any' });
        return store.append(streamId, events, options);
      },
    };
    const totals: number[] = [];
    const outcome = await handleCommand({
      store: rivalStore, streamId: stream, initialState: 0, evolve, maxAttempts: 3,
      decide: (total): Decision<string> => {
        totals.push(total);
        return { ok: true, events: [add(10)] };
      },
    });
    expect(totals).toEqual([1, 2, 3]);
    expect(outcome).toMatchObject({ ok: false, kind: 'conflict', attempts: 3 });

    let rivals = 1;
    const once: EventStore = {
      ...store,
      append: async (streamId, events, options) => {
        if (rivals-- > 0) await store.append(streamId, [add(1)], { expectedRevision: 'any' });
        return store.append(streamId, events, options);
      },
    };
    const recovered = await handleCommand({ store: once, streamId: stream, initialState: 0, evolve, decide: () => ({ ok: true, events: [add(10)] }) });
    expect(recovered).toMatchObject({ ok: true, state: 15 });
  });

  it('answers a repeated decision with the stored state, not twice the events', async () => {
    const stream = uniqueStream('cmd');
    const fixed = add(7);
    const first = await run(stream, () => ({ ok: true, events: [fixed] }));
    const again = await run(stream, () => ({ ok: true, events: [fixed] }));
    expect(first).toMatchObject({ ok: true, state: 7 });
    expect(again).toMatchObject({ ok: true, state: 7, appended: { idempotentReplay: true } });
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/auditHash.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { foldOrder } from '../../src/domain/foldOrder.js';
import { eventIdFor } from '../../src/domain/idempotency.js';
import { eventIdOf } from '../../src/domain/stamp.js';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { orderEventOf } from '../../src/projections/orders/orderEventOf.js';
import { actionsArb, run } from '../domain/support/arbitraries.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { appendOrder, storeOn } from './support/projectionHarness.js';

/** An order's events as the projections read them back: from the real log, decoded, each with the id stored beside it. */
async function readBack(store: EventStore, orderKey: string): Promise<{ stored: string[]; events: DomainEvent[] }> {
  const stored: string[] = [];
  const events: DomainEvent[] = [];
  for await (const recorded of store.readStream(orderStreamId(orderKey))) {
    const found = orderEventOf(recorded);
    if (!found) continue;
    stored.push(recorded.id);
    events.push(found.event);
  }
  return { stored, events };
}

/** The same event as `decide` made it: no stored id, so the fold derives one. */
const withoutStoredId = ({ id: _id, ...event }: DomainEvent) => event as DomainEvent;

/** The events under keys of their own (the log refuses an event id another stream holds), as decided under those keys. */
const keyedFor = (orderKey: string, events: readonly DomainEvent[]) =>
  events.map((e) => ({ ...e, envelope: { ...e.envelope, idempotencyKey: `${orderKey}:${e.envelope.idempotencyKey}` } }) as DomainEvent);

const same = (actual: unknown, expected: unknown) => {
  if (canonicalJson(actual) !== canonicalJson(expected)) expect(actual).toEqual(expected);
};

// The fold takes a read event's id from the log instead of deriving it again: both must give one state.
describe('the fold of events read from the log, with the ids stored beside them', () => {
  let db: TestDatabase;
  let store: EventStore;
  let runs = 0;

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = storeOn(db.pool);
  });
  afterAll(async () => store.close());

  it('equals the fold of the same events as decided, whose ids are derived from their keys, memo and all', async () => {
    await fc.assert(fc.asyncProperty(actionsArb, async (actions) => {
      runs += 1;
      const orderKey = `ids-${runs}`;
      const decided = keyedFor(orderKey, run(actions).events);
      await appendOrder(store, orderKey, decided, 7);
      const { stored, events } = await readBack(store, orderKey);
      expect(events.map((e) => e.id)).toEqual(stored);
      // What the fold would derive for each event is what the log stored.
      expect(events.map((e) => eventIdOf(withoutStoredId(e)))).toEqual(stored);
      same(foldOrder(events), foldOrder(decided));
      same(foldOrder(events, undefined, { memo: false }), foldOrder(decided.map(withoutStoredId), undefined, { memo: false }));
      // Folded on from a state of decided events, and the other way round.
      const half = Math.floor(events.length / 2);
      same(foldOrder(events.slice(half), foldOrder(decided.slice(0, half))), foldOrder(decided));
    }), { numRuns: 100, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });
  }, 60_000);

  it('takes the id the log holds rather than deriving it again', async () => {
    const orderKey = 'ids-own';
    const decided = keyedFor(orderKey, run([
      { kind: 'ship', lines: [1], qty: 2, doc: 1, revision: 1, minute: 5 },
      { kind: 'invoice', lines: [1], qty: 2, doc: 2, revision: 1, minute: 6 },
    ]).events);
    await appendOrder(store, orderKey, decided);
    const { events } = await readBack(store, orderKey);
    expect(events.length).toBeGreaterThanOrEqual(3);
    // Ids the rule would not give (another index of the same key): a fold that derived its own would not see them.
    const renamed = events.map((e) => ({ ...e, id: eventIdFor(e.envelope.idempotencyKey, 1) }));
    const state = foldOrder(renamed);
    for (const e of renamed) expect(state.processed.get(e.envelope.idempotencyKey)?.eventId).toBe(e.id);
    const documents = Object.values(state.documents).map((d) => d.eventId);
    expect(documents.length).toBeGreaterThan(0);
    for (const id of documents) expect(renamed.map((e) => e.id)).toContain(id);
    expect(canonicalJson(state)).not.toBe(canonicalJson(foldOrder(events)));
  });
});

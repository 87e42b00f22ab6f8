import { describe, expect, it } from 'vitest';
import { START, type EventStore, type RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { isWrongExpectedRevision } from '../../src/eventstore/WrongExpectedRevision.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { someEvents } from './contract/contractHelpers.js';

const db = await createTestDatabase(24);
const writers = 16;
const appendsPerWriter = 25;
const streamCount = 24;

/** One writer: random streams, single and multi-event appends, `any` or exact revisions with retries. */
async function writer(store: EventStore, run: number, seed: number): Promise<number> {
  let written = 0;
  let random = seed;
  const next = (n: number): number => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return random % n;
  };
  for (let i = 0; i < appendsPerWriter; i += 1) {
    const stream = `stress-${run}-${next(streamCount)}`;
    const events = someEvents(next(4) === 0 ? 1 + next(5) : 1);
    if (next(2) === 0) {
      await store.append(stream, events, { expectedRevision: 'any' });
    } else {
      for (;;) {
        let head: bigint | 'no_stream' = 'no_stream';
        for await (const event of store.readStream(stream)) head = event.revision;
        try {
          await store.append(stream, events, { expectedRevision: head });
          break;
        } catch (error) {
          if (!isWrongExpectedRevision(error)) throw error;
        }
      }
    }
    written += events.length;
  }
  return written;
}

/** Collects the run's events into `seen` until the signal aborts. */
async function subscriber(store: EventStore, prefix: string, seen: RecordedEvent[], signal: AbortSignal): Promise<void> {
  for await (const event of store.subscribeAll({ after: START, signal, batchSize: 50 })) {
    if (event.streamId.startsWith(prefix)) seen.push(event);
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.each([1, 2, 3])('PostgreSQL event store under load, run %i', (run) => {
  it('lets two subscribers see every event exactly once, in order, while 16 writers race', async () => {
    const store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 250 });
    const controller = new AbortController();
    const prefix = `stress-${run}-`;
    const first: RecordedEvent[] = [];
    const second: RecordedEvent[] = [];
    const subscribers = [subscriber(store, prefix, first, controller.signal), subscriber(store, prefix, second, controller.signal)];
    let total = 0;
    try {
      const counts = await Promise.all(Array.from({ length: writers }, (_, w) => writer(store, run, run * 1000 + w + 1)));
      total = counts.reduce((a, b) => a + b, 0);
      // Give them time to drain, and a little more to show nothing extra arrives.
      await until(() => first.length >= total && second.length >= total, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      controller.abort();
      await Promise.all(subscribers);
      await store.close();
    }

    const stored: RecordedEvent[] = [];
    let page = await store.readAll({ after: START, limit: 1000 });
    for (;;) {
      stored.push(...page.events.filter((e) => e.streamId.startsWith(prefix)));
      if (page.isEnd) break;
      page = await store.readAll({ after: page.nextPosition, limit: 1000 });
    }
    expect(stored).toHaveLength(total);
    for (const seen of [first, second]) {
      expect(seen.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      const positions = seen.map((e) => e.position);
      expect(positions.every((p, i) => i === 0 || (positions[i - 1] as string) < p)).toBe(true);
      const revisions = new Map<string, bigint>();
      for (const event of seen) {
        expect(event.revision).toBe((revisions.get(event.streamId) ?? -1n) + 1n);
        revisions.set(event.streamId, event.revision);
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash, hashedText } from '../../../src/domain/auditHash.js';
import { START, type AppendResult, type EventStore, type Position, type RecordedEvent } from '../../../src/eventstore/EventStore.js';
import { partitionOfStream, partitionsOf } from '../../../src/eventstore/streamPartition.js';
import type { WrongExpectedRevision } from '../../../src/eventstore/WrongExpectedRevision.js';
import { isWrongExpectedRevision } from '../../../src/eventstore/WrongExpectedRevision.js';
import { anEvent, expectStrictlyIncreasing, readAllOf, readStreamAll, someEvents, subscribeUntil, uniqueStream, untilReadable } from './contractHelpers.js';

async function refusal(promise: Promise<unknown>): Promise<WrongExpectedRevision> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isWrongExpectedRevision(error), `expected WrongExpectedRevision, got ${String(error)}`).toBe(true);
  return error as WrongExpectedRevision;
}

/** What an adapter's test file can add to the suite. */
export interface ContractOptions {
  /**
   * Writes events to `streamId` the way another application sharing the
   * store would (not through the port); absent where the store holds only
   * the ledger's events, with the reason.
   */
  readonly writeForeign?: ((streamId: string) => Promise<void>) | { readonly skipBecause: string };
}

/**
 * What every EventStore adapter promises. Each test writes to streams of
 * its own, so the suite also runs against a shared server.
 */
export function eventStoreContract(name: string, makeStore: () => Promise<EventStore>, options: ContractOptions = {}): void {
  describe(`${name} event store contract`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => store?.close());

    describe('expected revisions', () => {
      it('appends to a new stream expecting no_stream, and refuses a second no_stream', async () => {
        const stream = uniqueStream();
        const first = await store.append(stream, someEvents(2), { expectedRevision: 'no_stream' });
        expect(first.nextRevision).toBe(1n);
        expect(first.idempotentReplay).toBe(false);
        const error = await refusal(store.append(stream, [anEvent()], { expectedRevision: 'no_stream' }));
        expect(error.actual).toBe(1n);
        expect(error.streamId).toBe(stream);
      });

      it('appends at the exact revision and refuses a stale one with the actual revision', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const second = await store.append(stream, [anEvent()], { expectedRevision: 0n });
        expect(second.nextRevision).toBe(1n);
        const stale = await refusal(store.append(stream, [anEvent()], { expectedRevision: 0n }));
        expect(stale.actual).toBe(1n);
        const missing = await refusal(store.append(uniqueStream(), [anEvent()], { expectedRevision: 0n }));
        expect(missing.actual).toBe('no_stream');
        expect(await readStreamAll(store, stream)).toHaveLength(2);
      });

      it('appends expecting stream_exists only to a stream that has events', async () => {
        const stream = uniqueStream();
        const error = await refusal(store.append(stream, [anEvent()], { expectedRevision: 'stream_exists' }));
        expect(error.actual).toBe('no_stream');
        await store.append(stream, [anEvent()], { expectedRevision: 'any' });
        const result = await store.append(stream, [anEvent()], { expectedRevision: 'stream_exists' });
        expect(result.nextRevision).toBe(1n);
      });

      it('always appends expecting any, even when many appenders race', async () => {
        const stream = uniqueStream();
        const results = await Promise.all(Array.from({ length: 8 }, () => store.append(stream, someEvents(2), { expectedRevision: 'any' })));
        expect(results.map((r) => r.nextRevision).sort((a, b) => Number(a - b))).toEqual([1n, 3n, 5n, 7n, 9n, 11n, 13n, 15n]);
        const events = await readStreamAll(store, stream);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 16 }, (_, i) => BigInt(i)));
      });

      it('lets exactly one of several appenders expecting the same revision win', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => store.append(stream, [anEvent()], { expectedRevision: 0n })));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(losers.every((o) => isWrongExpectedRevision(o.reason) && (o.reason as WrongExpectedRevision).actual === 1n)).toBe(true);
      });
    });

    describe('idempotency', () => {
      it('answers a repeated append with the original result and writes nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const batch = someEvents(3);
        const original = await store.append(stream, batch, { expectedRevision: 0n });
        await store.append(stream, [anEvent()], { expectedRevision: 3n });
        for (const expectedRevision of [0n, 'any', 'stream_exists'] as const) {
          const replay = await store.append(stream, batch, { expectedRevision });
          expect(replay).toEqual({ ...original, idempotentReplay: true });
        }
        expect(await readStreamAll(store, stream)).toHaveLength(5);
      });

      it('answers racing duplicates of one append with one write', async () => {
        const stream = uniqueStream();
        const batch = someEvents(2);
        const results = await Promise.all(Array.from({ length: 5 }, () => store.append(stream, batch, { expectedRevision: 'any' })));
        expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
        expect(new Set(results.map((r) => r.position)).size).toBe(1);
        expect(await readStreamAll(store, stream)).toHaveLength(2);
      });

      it('answers racing duplicates sent at the same exact revision as replays of one write, never as conflicts', async () => {
        const stream = uniqueStream();
        await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
        const batch = someEvents(3);
        const results = await Promise.all(Array.from({ length: 6 }, () => store.append(stream, batch, { expectedRevision: 0n })));
        expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
        expect(results.map((r) => [r.nextRevision, r.position])).toEqual(results.map(() => [3n, results[0]!.position]));
        expect((await readStreamAll(store, stream)).map((e) => e.id)).toEqual([expect.any(String), ...batch.map((e) => e.id)]);
      });

      it('answers racing creations of a stream with no_stream as one write and replays', async () => {
        const stream = uniqueStream();
        const batch = someEvents(2);
        const results = await Promise.all(Array.from({ length: 5 }, () => store.append(stream, batch, { expectedRevision: 'no_stream' })));
        expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
        expect(new Set(results.map((r) => r.position)).size).toBe(1);
        expect(await readStreamAll(store, stream)).toHaveLength(2);
      });

      it('refuses a partially overlapping append and writes none of it', async () => {
        const stream = uniqueStream();
        const [a, b, c] = someEvents(3) as [ReturnType<typeof anEvent>, ReturnType<typeof anEvent>, ReturnType<typeof anEvent>];
        await store.append(stream, [a, b], { expectedRevision: 'no_stream' });
        const fresh = anEvent();
        await refusal(store.append(stream, [b, fresh], { expectedRevision: 'any' }));
        await refusal(store.append(stream, [fresh, a], { expectedRevision: 'any' }));
        await refusal(store.append(stream, [b, a], { expectedRevision: 'any' }));
        await refusal(store.append(stream, [a, b, c], { expectedRevision: 'any' }));
        const events = await readStreamAll(store, stream);
        expect(events.map((e) => e.id)).toEqual([a.id, b.id]);
      });
    });

    describe('reading', () => {
      it('reads a stream in revision order, from any revision, and nothing for a missing stream', async () => {
        const stream = uniqueStream();
        const batch = someEvents(5);
        await store.append(stream, batch.slice(0, 2), { expectedRevision: 'no_stream' });
        await store.append(stream, batch.slice(2), { expectedRevision: 1n });
        const events = await readStreamAll(store, stream);
        expect(events.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(events[3]).toMatchObject({ streamId: stream, type: batch[3]?.type, data: batch[3]?.data, metadata: batch[3]?.metadata });
        expect((await readStreamAll(store, stream, 3n)).map((e) => e.revision)).toEqual([3n, 4n]);
        expect(await readStreamAll(store, uniqueStream())).toEqual([]);
      });

      it('pages through the global log in append order with strictly increasing positions', async () => {
        const before = await store.headPosition();
        const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
        const appended: string[] = [];
        const results: AppendResult[] = [];
        for (let round = 0; round < 3; round += 1) {
          for (const stream of streams) {
            const batch = someEvents(round + 1);
            results.push(await store.append(stream, batch, { expectedRevision: 'any' }));
            appended.push(...batch.map((e) => e.id));
          }
        }
        for (const limit of [1, 2, 7, 1000]) {
          const events = await readAllOf(store, new Set(streams), before, limit);
          expect(events.map((e) => e.id)).toEqual(appended);
          expect(expectStrictlyIncreasing(events.map((e) => e.position))).toBe(true);
        }
        const all = await readAllOf(store, new Set(streams), before, 1000);
        expect(all.map((e) => e.position).filter((p) => results.some((r) => r.position === p))).toHaveLength(results.length);
        expect(await store.headPosition() >= (results.at(-1)?.position ?? START)).toBe(true);
      });

      it('returns an empty end page that resumes from the same position', async () => {
        const stream = uniqueStream();
        const result = await store.append(stream, [anEvent()], { expectedRevision: 'no_stream' });
        await untilReadable(store, result.position);
        let page = await store.readAll({ after: result.position, limit: 10 });
        while (!page.isEnd) page = await store.readAll({ after: page.nextPosition, limit: 10 });
        const end = await store.readAll({ after: page.nextPosition, limit: 10 });
        expect(end).toEqual({ events: [], nextPosition: page.nextPosition, isEnd: true });
      });

      it('filters the global log by event type', async () => {
        const before = await store.headPosition();
        const stream = uniqueStream();
        const wanted = `Wanted${Date.now()}`;
        const appended = await store.append(stream, [anEvent('Other'), anEvent(wanted), anEvent('Other'), anEvent(wanted)], { expectedRevision: 'no_stream' });
        await untilReadable(store, appended.position);
        const page = await store.readAll({ after: before, limit: 100, types: [wanted] });
        expect(page.events.map((e) => [e.type, e.revision])).toEqual([[wanted, 1n], [wanted, 3n]]);
      });

      it('moves a filtered reader past non-matching events, so rare types never stall it', async () => {
        const stream = uniqueStream();
        const rare = `Rare${Date.now()}`;
        const before = await store.headPosition();
        await store.append(stream, someEvents(30, 'Common'), { expectedRevision: 'no_stream' });
        await store.append(stream, [anEvent(rare)], { expectedRevision: 'any' });
        const last = await store.append(stream, someEvents(30, 'Common'), { expectedRevision: 'any' });
        await untilReadable(store, last.position);
        const seen = [];
        let position = before;
        for (let pages = 0; pages < 1000; pages++) {
          const page = await store.readAll({ after: position, limit: 5, types: [rare] });
          seen.push(...page.events);
          expect(page.nextPosition >= position).toBe(true);
          position = page.nextPosition;
          if (page.isEnd) break;
        }
        expect(seen.map((e) => e.type)).toEqual([rare]);
        expect(position >= last.position).toBe(true);
      });

      it('reads one partition of the log: whole streams, those partitionOfStream puts there, and every partition together is the log', async () => {
        const before = await store.headPosition();
        const streams = Array.from({ length: 12 }, (_, i) => uniqueStream(`part${i}`));
        for (const stream of streams) await store.append(stream, [anEvent('Split'), anEvent('Other'), anEvent('Split')], { expectedRevision: 'no_stream' });
        await untilReadable(store, await store.headPosition());
        const ours = new Set(streams);
        const byPartition: RecordedEvent[][] = [];
        for (const partition of partitionsOf(4)) {
          const seen: RecordedEvent[] = [];
          let position = before;
          // A small limit and a type filter: pages end on the limit, on the scan budget and at the end alike.
          for (let pages = 0; pages < 1000; pages++) {
            const page = await store.readAll({ after: position, limit: 2, types: ['Split'], partition });
            seen.push(...page.events.filter((e) => ours.has(e.streamId)));
            position = page.nextPosition;
            if (page.isEnd) break;
          }
          expect(seen.every((e) => partitionOfStream(e.streamId, 4) === partition.index && e.type === 'Split')).toBe(true);
          byPartition.push(seen);
        }
        const whole = (await readAllOf(store, ours, before, 100)).filter((e) => e.type === 'Split');
        expect(byPartition.flat().map((e) => e.id).sort()).toEqual(whole.map((e) => e.id).sort());
        expect(byPartition.filter((events) => events.length > 0).length).toBeGreaterThan(1);
        const untyped = await store.readAll({ after: before, limit: 1000, partition: { index: 1, count: 4 } });
        expect(untyped.events.filter((e) => ours.has(e.streamId)).map((e) => e.id)).toEqual(
          (await readAllOf(store, ours, before, 100)).filter((e) => partitionOfStream(e.streamId, 4) === 1).map((e) => e.id));
      });

      const foreign = options.writeForeign;
      it.skipIf(typeof foreign !== 'function')(`ignores events the ledger did not write${typeof foreign === 'object' ? ` (skipped: ${foreign.skipBecause})` : ''}`, async () => {
        const write = foreign as (streamId: string) => Promise<void>;
        const before = await store.headPosition();
        const own = uniqueStream();
        const shared = uniqueStream('shared');
        await write(shared);
        await store.append(own, someEvents(2), { expectedRevision: 'no_stream' });
        await write(uniqueStream('other-app'));
        const last = await store.append(own, [anEvent()], { expectedRevision: 1n });
        await write(shared);
        await untilReadable(store, await store.headPosition());
        const read = await readAllOf(store, new Set([own, shared]), before, 2);
        expect(read.map((e) => [e.streamId, e.revision])).toEqual([[own, 0n], [own, 1n], [own, 2n]]);
        expect(await readStreamAll(store, shared)).toEqual([]);
        const seen = await subscribeUntil(store, { after: before, streams: new Set([own, shared]), count: 3, batchSize: 2 });
        expect(seen.map((e) => e.position)).toEqual(read.map((e) => e.position));
        expect(await store.headPosition() >= last.position).toBe(true);
      });

      it('finds every event of a correlation across streams, in log order', async () => {
        const correlationId = `flow-${uniqueStream()}`;
        const tagged = (type: string) => ({ ...anEvent(type), metadata: { correlationId } });
        const first = uniqueStream();
        const second = uniqueStream();
        await store.append(first, [tagged('A'), anEvent('Unrelated')], { expectedRevision: 'no_stream' });
        const last = await store.append(second, [tagged('B'), tagged('C')], { expectedRevision: 'no_stream' });
        await untilReadable(store, last.position);
        const events = await store.readCorrelated(correlationId, { limit: 100 });
        expect(events.map((e) => [e.streamId, e.type])).toEqual([[first, 'A'], [second, 'B'], [second, 'C']]);
        expect(await store.readCorrelated(correlationId, { limit: 2 })).toHaveLength(2);
        // Page by page from a position: after the first, the other two; after the last, none.
        const rest = await store.readCorrelated(correlationId, { limit: 100, after: events[0]!.position });
        expect(rest.map((e) => e.type)).toEqual(['B', 'C']);
        expect(await store.readCorrelated(correlationId, { limit: 100, after: events[2]!.position })).toEqual([]);
      });

      it('chains each stream with sha256(previous hash ‖ canonical event) as the verifier recomputes it', async () => {
        const stream = uniqueStream();
        await store.append(stream, someEvents(2), { expectedRevision: 'no_stream' });
        await store.append(stream, [anEvent('Unicode', { text: 'Grüße 📦 "quoted"\n', n: 0.1, big: 1e21, list: [null, true] })], { expectedRevision: 1n });
        const events = await readStreamAll(store, stream);
        let prev: string | null = null;
        for (const event of events) {
          expect(event.prevHash).toBe(prev);
          expect(event.recordedAt.getTime() % 1).toBe(0);
          const text = hashedText({ ...event, recordedAt: event.recordedAt.toISOString() });
          expect(event.hash).toBe(chainHash(prev, text));
          prev = event.hash;
        }
      });
    });

    describe('positions', () => {
      it('checks the positions it issued, and refuses anything else as a RangeError naming why', async () => {
        const result = await store.append(uniqueStream(), [anEvent()], { expectedRevision: 'no_stream' });
        expect(store.checkPosition(result.position)).toBe(result.position);
        expect(store.checkPosition('')).toBe(START);
        // A well-formed position of the other kind of store: the checkpoint an operator carried across a switch.
        const otherStores = result.position.startsWith('kdb:') ? '0000000000000001-0000000000000001' : 'kdb:0000000000000001-0000000000000001';
        for (const bad of ['end', 'kdb:zz', '0000000000000001-00000000000000', otherStores]) {
          expect(() => store.checkPosition(bad), bad).toThrow(RangeError);
          await expect(store.readAll({ after: bad as Position, limit: 1 }), bad).rejects.toThrow(RangeError);
        }
      });

      it('counts the events between two positions from the positions alone, or says it cannot', async () => {
        const first = await store.append(uniqueStream(), [anEvent()], { expectedRevision: 'no_stream' });
        const last = await store.append(uniqueStream(), someEvents(4), { expectedRevision: 'no_stream' });
        const counted = store.eventsBetween(first.position, last.position);
        if (counted === undefined) return;
        // Other tests may append in between: at least the four, and never a negative count backwards.
        expect(counted).toBeGreaterThanOrEqual(4);
        expect(store.eventsBetween(last.position, first.position)).toBe(0);
        expect(store.eventsBetween(last.position, last.position)).toBe(0);
        expect(store.eventsBetween(START, last.position)).toBeGreaterThanOrEqual(counted);
      });

      it('answers that it is set up', async () => {
        await expect(store.checkSetup()).resolves.toBeUndefined();
      });
    });

    describe('subscriptions', () => {
      it('resumes exactly after any checkpoint', async () => {
        const before = await store.headPosition();
        const streams = new Set([uniqueStream(), uniqueStream()]);
        for (const stream of streams) await store.append(stream, someEvents(3), { expectedRevision: 'no_stream' });
        const all = await readAllOf(store, streams, before, 1000);
        expect(all).toHaveLength(6);
        for (let k = 0; k < all.length; k += 1) {
          const checkpoint = all[k]?.position as Position;
          const count = all.length - k - 1;
          // From the last checkpoint nothing may arrive: listen briefly to prove it.
          const rest = await subscribeUntil(store, { after: checkpoint, streams, count, timeoutMs: count === 0 ? 300 : 5000, batchSize: 2 });
          expect(rest.map((e) => e.id)).toEqual(all.slice(k + 1).map((e) => e.id));
        }
      });

      it('hands over from catch-up to live without losing or repeating an event', async () => {
        const before = await store.headPosition();
        const stream = uniqueStream();
        const streams = new Set([stream]);
        await store.append(stream, someEvents(25), { expectedRevision: 'no_stream' });
        let live = 0;
        const writer = (async () => {
          for (let i = 0; i < 15; i += 1) {
            await store.append(stream, someEvents(1 + (i % 3)), { expectedRevision: 'any' });
            live += 1;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        const expectedCount = 25 + [...Array(15).keys()].reduce((sum, i) => sum + 1 + (i % 3), 0);
        const seen = await subscribeUntil(store, { after: before, streams, count: expectedCount, batchSize: 4, timeoutMs: 15_000 });
        await writer;
        expect(live).toBe(15);
        expect(seen.map((e) => e.revision)).toEqual(Array.from({ length: expectedCount }, (_, i) => BigInt(i)));
        expect(expectStrictlyIncreasing(seen.map((e) => e.position))).toBe(true);
      });

      it('tells a filtered subscriber how far it has looked, past the events it skips', async () => {
        const before = await store.headPosition();
        const stream = uniqueStream();
        const rare = `Rare${Date.now()}`;
        await store.append(stream, [anEvent(rare)], { expectedRevision: 'no_stream' });
        const last = await store.append(stream, someEvents(5, 'Common'), { expectedRevision: 'any' });
        await untilReadable(store, last.position);
        const controller = new AbortController();
        const progress: Position[] = [];
        const seen = [];
        const timer = setTimeout(() => controller.abort(), 5000);
        for await (const event of store.subscribeAll({ after: before, types: [rare], signal: controller.signal, onProgress: (p) => {
          progress.push(p);
          if (p >= last.position) controller.abort();
        } })) seen.push(event);
        clearTimeout(timer);
        expect(seen.map((e) => e.type)).toEqual([rare]);
        expect(progress.at(-1)! >= last.position).toBe(true);
        expect(expectStrictlyIncreasing(progress)).toBe(true);
      });

      it('ends promptly when its signal aborts while it waits for new events', async () => {
        const controller = new AbortController();
        const head = await store.headPosition();
        const iterator = store.subscribeAll({ after: head, signal: controller.signal })[Symbol.asyncIterator]();
        const next = iterator.next();
        setTimeout(() => controller.abort(), 50);
        const started = Date.now();
        // Anything appended elsewhere may still arrive; drain until the end.
        let result = await next;
        while (!result.done) result = await iterator.next();
        expect(Date.now() - started).toBeLessThan(2000);
      });

      it('ends at once when aborted before it starts', async () => {
        const controller = new AbortController();
        controller.abort();
        const seen = [];
        for await (const event of store.subscribeAll({ after: START, signal: controller.signal })) seen.push(event);
        expect(seen).toEqual([]);
      });
    });
  });
}

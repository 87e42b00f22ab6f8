import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventToAppend } from '../../../src/eventstore/EventStore.js';
import { backoffDelay } from '../../../src/retry/backoff.js';
import { anyRetryBackoff, decideAppend, readPlanFor, settleWrite, type StoredEvent } from '../../../src/eventstore/eventstoredb/appendDecision.js';
import { readLedgerEvent } from '../../../src/eventstore/eventstoredb/esdbEvent.js';
import { clientRecord } from './clientShapes.js';

const toAppend = (): EventToAppend => ({ id: randomUUID(), type: 'Thing', data: {}, metadata: {} });

/** A stream as the client reads it back: `ids` at revisions 0…, each stamped by `writeIds[i]`. */
function stream(ids: readonly string[], writeIds: readonly string[] = ids.map(() => 'w-old')): StoredEvent[] {
  return ids.map((id, i) => readLedgerEvent(clientRecord({
    id, revision: BigInt(i), commit: BigInt(100 + i),
    metadata: { $ledger: { hash: String(i % 10).repeat(64), prevHash: null, recordedAt: '2026-11-27T09:00:00.000Z', writeId: writeIds[i] } },
  }))!);
}
const newestFirst = (events: StoredEvent[]) => [...events].reverse();

describe('mapping expectations to what the server is sent', () => {
  it('reads only the head for an exact revision and the whole stream for any and stream_exists', () => {
    expect([readPlanFor(3n), readPlanFor('no_stream'), readPlanFor('any'), readPlanFor('stream_exists')]).toEqual(['head', 'head', 'whole-stream', 'whole-stream']);
  });

  it('sends every write at the exact revision it chained from, whatever the caller expected', () => {
    const stored = newestFirst(stream(['a', 'b']));
    const events = [toAppend()];
    for (const expected of [1n, 'any', 'stream_exists'] as const) {
      expect(decideAppend('s', expected, events, { head: stored[0], stored: expected === 1n ? stored.slice(0, 1) : stored })).toEqual({ kind: 'send', revision: 1n, prevHash: stored[0]!.event.hash });
    }
    expect(decideAppend('s', 'no_stream', events, { head: undefined, stored: [] })).toEqual({ kind: 'send', revision: 'no_stream', prevHash: null });
    expect(decideAppend('s', 'any', events, { head: undefined, stored: [] })).toEqual({ kind: 'send', revision: 'no_stream', prevHash: null });
  });

  it('refuses with the actual revision when the stream is short of the expectation or missing', () => {
    const stored = newestFirst(stream(['a']));
    const short = decideAppend('s', 4n, [toAppend()], { head: stored[0], stored });
    expect(short).toMatchObject({ kind: 'conflict', error: { actual: 0n, expected: 4n } });
    expect(decideAppend('s', 'stream_exists', [toAppend()], { head: undefined, stored: [] })).toMatchObject({ kind: 'conflict', error: { actual: 'no_stream' } });
    expect(decideAppend('s', 0n, [toAppend()], { head: undefined, stored: [] })).toMatchObject({ kind: 'conflict', error: { actual: 'no_stream' } });
  });

  it('asks for the revisions after the expectation when the stream is past it, then tells a repeat from a conflict', () => {
    const batch = [toAppend(), toAppend()];
    const whole = stream(['a', batch[0]!.id, batch[1]!.id, 'd']);
    const head = newestFirst(whole)[0];
    expect(decideAppend('s', 0n, batch, { head, stored: [head!] })).toEqual({ kind: 'check-range', fromRevision: 1n, count: 2 });
    expect(decideAppend('s', 0n, batch, { head, stored: whole.slice(1, 3), checkedRange: true }))
      .toEqual({ kind: 'replay', result: { nextRevision: 2n, position: whole[2]!.event.position, idempotentReplay: true } });
    expect(decideAppend('s', 2n, [toAppend()], { head, stored: whole.slice(3, 4), checkedRange: true })).toMatchObject({ kind: 'conflict', error: { actual: 3n } });
    // A stream created by this very batch, repeated with no_stream.
    const created = stream(batch.map((e) => e.id));
    expect(decideAppend('s', 'no_stream', batch, { head: created[1], stored: [created[1]!] })).toEqual({ kind: 'check-range', fromRevision: 0n, count: 2 });
  });

  it('recognises a repeat anywhere in the stream for any, and refuses a partial overlap without writing', () => {
    const [a, b, c] = [toAppend(), toAppend(), toAppend()];
    const stored = newestFirst(stream([a!.id, b!.id, ...Array.from({ length: 100 }, () => randomUUID())]));
    expect(decideAppend('s', 'any', [a!, b!], { head: stored[0], stored })).toMatchObject({ kind: 'replay', result: { nextRevision: 1n, idempotentReplay: true } });
    for (const overlap of [[b!, c!], [c!, a!], [b!, a!], [a!, b!, c!]]) {
      expect(decideAppend('s', 'any', overlap, { head: stored[0], stored })).toMatchObject({ kind: 'conflict', error: { actual: 101n } });
    }
  });
});

describe('recognising what a write did from what stands at its revisions', () => {
  const batch = [toAppend(), toAppend()];
  const ids = batch.map((e) => e.id);

  it('takes events stamped with this write id as written by it', () => {
    const covered = stream(ids, ['w-mine', 'w-mine']);
    expect(settleWrite('s', 'any', batch, 'w-mine', covered)).toEqual({ kind: 'written', result: { nextRevision: 1n, position: covered[1]!.event.position, idempotentReplay: false } });
  });

  it('answers a success the server deduplicated into a racing original as a replay', () => {
    const covered = stream(ids, ['w-rival', 'w-rival']);
    expect(settleWrite('s', 0n, batch, 'w-mine', covered)).toMatchObject({ kind: 'replay', result: { idempotentReplay: true, nextRevision: 1n } });
  });

  it('finds nothing of the write when the server dropped or never got it, and a conflict when others took part of it', () => {
    expect(settleWrite('s', 0n, batch, 'w-mine', [])).toEqual({ kind: 'absent' });
    expect(settleWrite('s', 0n, batch, 'w-mine', stream(['x', 'y']))).toEqual({ kind: 'absent' });
    expect(settleWrite('s', 0n, batch, 'w-mine', stream([ids[0]!, 'y'], ['w-rival', 'w-rival']))).toMatchObject({ kind: 'conflict' });
  });
});

describe('backing off between attempts that lost a race', () => {
  it('waits up to twice as long each time, with full jitter, and never a quarter second or more', () => {
    const longest = (attempt: number) => backoffDelay(anyRetryBackoff, attempt, () => 0.999999);
    expect([1, 2, 3, 4, 5].map(longest)).toEqual([9, 19, 39, 79, 159]);
    expect(Math.max(...Array.from({ length: 30 }, (_, i) => longest(i + 1)))).toBe(249);
    expect(backoffDelay(anyRetryBackoff, 3, () => 0)).toBe(0);
  });
});

import type { AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../EventStore.js';
import { WrongExpectedRevision } from '../WrongExpectedRevision.js';
import type { Backoff } from '../../retry/backoff.js';

/** A ledger event as read back from the server, with the id of the write that stored it. */
export interface StoredEvent {
  readonly event: RecordedEvent;
  readonly writeId: string;
}

/**
 * What to read before an append. An exact revision (or `no_stream`) needs
 * only the head: the server itself recognises a repeat sent at the same
 * revision. `any` and `stream_exists` name no revision, and the server's id
 * check for them is an in-memory cache (lost on restart, limited in size),
 * so the adapter reads the whole stream to find earlier copies.
 */
export function readPlanFor(expected: ExpectedRevision): 'head' | 'whole-stream' {
  return expected === 'any' || expected === 'stream_exists' ? 'whole-stream' : 'head';
}

export type AppendDecision =
  | { readonly kind: 'replay'; readonly result: AppendResult }
  | { readonly kind: 'conflict'; readonly error: WrongExpectedRevision }
  /** The stream is past the expected revision: read `count` events from `fromRevision` to tell a repeat from a conflict. */
  | { readonly kind: 'check-range'; readonly fromRevision: bigint; readonly count: number }
  /** Chain from `prevHash` and send with this exact revision (the server then refuses any writer that got in first). */
  | { readonly kind: 'send'; readonly revision: bigint | 'no_stream'; readonly prevHash: string | null };

/**
 * Decides an append from what was read: `stored` holds the stream's events
 * newest first (the head alone, the whole stream, or the range a
 * `check-range` asked for), `head` the newest event of the stream.
 */
export function decideAppend(
  streamId: string, expected: ExpectedRevision, events: readonly EventToAppend[],
  read: { readonly head: StoredEvent | undefined; readonly stored: readonly StoredEvent[]; readonly checkedRange?: boolean },
): AppendDecision {
  const { head } = read;
  const actual = head ? head.event.revision : 'no_stream';
  // The head alone may be the tail of a longer repeat: only a whole stream or a checked range can prove one.
  const known = readPlanFor(expected) === 'whole-stream' || read.checkedRange ? recogniseRepeat(streamId, expected, events, read.stored, actual) : undefined;
  if (known) return known;
  const conflict = (): AppendDecision => ({ kind: 'conflict', error: new WrongExpectedRevision(streamId, expected, actual) });
  if (expected === 'any') return send(head);
  if (expected === 'stream_exists') return head ? send(head) : conflict();
  const wanted = expected === 'no_stream' ? -1n : expected;
  const at = head ? head.event.revision : -1n;
  if (at === wanted) return send(head);
  if (at < wanted || read.checkedRange) return conflict();
  return { kind: 'check-range', fromRevision: wanted + 1n, count: events.length };
}

function send(head: StoredEvent | undefined): AppendDecision {
  return { kind: 'send', revision: head ? head.event.revision : 'no_stream', prevHash: head ? head.event.hash : null };
}

/**
 * The PostgreSQL adapter's rule: every id already stored, at consecutive
 * revisions in order, is a repeat (answered with the original result);
 * any other overlap is a conflict, never a half-write.
 */
export function recogniseRepeat(
  streamId: string, expected: ExpectedRevision, events: readonly EventToAppend[],
  stored: readonly StoredEvent[], actual: bigint | 'no_stream',
): AppendDecision | undefined {
  const byId = new Map(stored.map((s) => [s.event.id.toLowerCase(), s.event]));
  const found = events.map((event) => byId.get(event.id.toLowerCase()));
  if (found.every((event) => event === undefined)) return undefined;
  const first = found[0];
  const consecutive = first !== undefined && found.every((event, i) => event !== undefined && event.revision === first.revision + BigInt(i));
  if (!consecutive) return { kind: 'conflict', error: new WrongExpectedRevision(streamId, expected, actual, 'some of these event ids are already stored') };
  const last = found[found.length - 1] as RecordedEvent;
  return { kind: 'replay', result: { nextRevision: last.revision, position: last.position, idempotentReplay: true } };
}

/**
 * After the server answered success (or timed out) for a write sent at
 * `sentAt`, what stands at the revisions it covered says what happened.
 * From 23.10 the server answers a repeat sent at the same revision as a
 * plain success carrying the original's position, and when the original is
 * not indexed yet it drops the write and lets the call time out. Each write
 * stamps its own `writeId`, so: all ours = we wrote them; all present with
 * another write's id = a racing copy won, a replay; none = nothing was
 * written.
 */
export function settleWrite(
  streamId: string, expected: ExpectedRevision, events: readonly EventToAppend[], writeId: string,
  covered: readonly StoredEvent[],
): { readonly kind: 'written' | 'replay'; readonly result: AppendResult } | { readonly kind: 'absent' } | { readonly kind: 'conflict'; readonly error: WrongExpectedRevision } {
  const ours = new Set(events.map((e) => e.id.toLowerCase()));
  const ordered = [...covered].sort((a, b) => (a.event.revision < b.event.revision ? -1 : 1));
  // Nothing of ours there: nothing was written; the caller decides again from fresh reads.
  if (!ordered.some((s) => ours.has(s.event.id.toLowerCase()))) return { kind: 'absent' };
  const last = ordered[ordered.length - 1]!;
  const matches = ordered.length === events.length && ordered.every((s, i) => s.event.id.toLowerCase() === events[i]!.id.toLowerCase());
  if (!matches) return { kind: 'conflict', error: new WrongExpectedRevision(streamId, expected, last.event.revision, 'another write took some of these revisions') };
  const result = { nextRevision: last.event.revision, position: last.event.position };
  return ordered.every((s) => s.writeId === writeId)
    ? { kind: 'written', result: { ...result, idempotentReplay: false } }
    : { kind: 'replay', result: { ...result, idempotentReplay: true } };
}

/** Back-off between attempts of an `any` / `stream_exists` append that lost a race (full jitter, `src/retry/backoff.ts`). */
export const anyRetryBackoff: Backoff = { baseMs: 10, maxMs: 250 };

export const maxAnyAttempts = 20;

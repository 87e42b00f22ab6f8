import { BACKWARDS, END, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import { chainHash } from '../../domain/auditHash.js';
import type { AppendResult, EventToAppend, ExpectedRevision, RecordedEvent } from '../EventStore.js';
import { WrongExpectedRevision } from '../WrongExpectedRevision.js';
import { prepareAppend } from '../prepareAppend.js';
import { fromEsdbEvent, toEventData } from './esdbEvent.js';
import { encodeEsdbPosition } from './esdbPosition.js';

/** How far back a retried append is recognised (EventStoreDB keeps no global event-id index). */
const idempotencyWindow = 64;
const maxAttempts = 10;

/**
 * Appends with the audit chain in metadata. Chaining needs the stream head,
 * so every append is sent with the exact revision it chained from; `any`
 * and `stream_exists` retry on fresh heads when another writer got in first
 * (the caveat: a hot stream can exhaust the retries). Duplicates are
 * recognised in the last `idempotencyWindow` events, like the PostgreSQL
 * adapter's rule: all ids consecutive in order = replay, any overlap = conflict.
 */
export async function esdbAppend(
  client: EventStoreDBClient,
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt += 1) {
    const tail = await readTail(client, streamId, Math.max(idempotencyWindow, events.length));
    const head = tail[0];
    const replay = recognise(streamId, expectedRevision, events, tail);
    if (replay) return replay;
    const actual = head ? head.revision : 'no_stream';
    if (
      (expectedRevision === 'no_stream' && head) ||
      (expectedRevision === 'stream_exists' && !head) ||
      (typeof expectedRevision === 'bigint' && actual !== expectedRevision)
    ) {
      throw new WrongExpectedRevision(streamId, expectedRevision, actual);
    }
    const prepared = prepareAppend(streamId, events, new Date());
    let prevHash = head ? head.hash : null;
    const data = events.map((event, i) => {
      const hash = chainHash(prevHash, prepared.canonical[i] as string);
      const audit = { hash, prevHash, recordedAt: prepared.recordedAt };
      prevHash = hash;
      return toEventData(event, audit, event.data ?? null);
    });
    try {
      const result = await client.appendToStream(streamId, data, { expectedRevision: head ? head.revision : NO_STREAM });
      if (result.position) return { nextRevision: result.nextExpectedRevision, position: encodeEsdbPosition(result.position), idempotentReplay: false };
      // The server answers a duplicate it deduplicated itself without a position:
      // a racing copy of this append won. Answer with the original.
      const stored = await readTail(client, streamId, Math.max(idempotencyWindow, events.length));
      const original = recognise(streamId, expectedRevision, events, stored);
      if (original) return original;
      throw new Error(`EventStoreDB accepted the append to ${streamId} without a position, and its events are not at the head`);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const retry = (expectedRevision === 'any' || expectedRevision === 'stream_exists') && attempt < maxAttempts;
      if (!retry) {
        const now = error.actualVersion === NO_STREAM ? 'no_stream' : (error.actualVersion as bigint);
        throw new WrongExpectedRevision(streamId, expectedRevision, now, error.message);
      }
    }
  }
}

function recognise(streamId: string, expected: ExpectedRevision, events: readonly EventToAppend[], tail: readonly RecordedEvent[]): AppendResult | undefined {
  const byId = new Map(tail.map((event) => [event.id, event]));
  const found = events.map((event) => byId.get(event.id.toLowerCase()));
  if (found.every((event) => event === undefined)) return undefined;
  const first = found[0];
  const consecutive = first !== undefined && found.every((event, i) => event !== undefined && event.revision === first.revision + BigInt(i));
  const head = tail[0];
  if (!consecutive) throw new WrongExpectedRevision(streamId, expected, head ? head.revision : 'no_stream', 'some of these event ids are already stored');
  const last = found[found.length - 1] as RecordedEvent;
  return { nextRevision: last.revision, position: last.position, idempotentReplay: true };
}

/** The newest `count` events of the stream, newest first. */
async function readTail(client: EventStoreDBClient, streamId: string, count: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count })) {
      const event = fromEsdbEvent(resolved.event);
      if (event) events.push(event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}

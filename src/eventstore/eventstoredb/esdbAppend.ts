import { randomUUID } from 'node:crypto';
import {
  BACKWARDS, END, FORWARDS, StreamNotFoundError, WrongExpectedVersionError, type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { chainHash } from '../../domain/auditHash.js';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../EventStore.js';
import { WrongExpectedRevision } from '../WrongExpectedRevision.js';
import { prepareAppend } from '../prepareAppend.js';
import { backoffDelay } from '../../retry/backoff.js';
import { anyRetryBackoff, decideAppend, maxAnyAttempts, readPlanFor, settleWrite, type StoredEvent } from './appendDecision.js';
import { readLedgerEvent, toEventData, type ClientRecordedEvent } from './esdbEvent.js';
import { isTransient } from './storeErrors.js';
import { protectNewStream } from './streamAcl.js';

/**
 * Appends with the audit chain in metadata. Chaining needs the head, so
 * every write is sent at the exact revision it chained from; the decisions
 * are in `appendDecision.ts`. Reads on this path ask for the leader: a
 * follower's index trails the writer.
 */
export async function esdbAppend(
  client: KurrentDBClient,
  streamId: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt += 1) {
    const stored = readPlanFor(expected) === 'head' ? await readBackwards(client, streamId, 1) : await readBackwards(client, streamId, undefined);
    let decision = decideAppend(streamId, expected, events, { head: stored[0], stored });
    if (decision.kind === 'check-range') {
      const range = await readForwards(client, streamId, decision.fromRevision, decision.count);
      decision = decideAppend(streamId, expected, events, { head: stored[0], stored: range, checkedRange: true });
    }
    if (decision.kind === 'replay') return decision.result;
    if (decision.kind === 'conflict') throw decision.error;
    if (decision.kind !== 'send') throw new Error(`append to ${streamId}: undecided after reading the range`);

    const writeId = randomUUID();
    const prepared = prepareAppend(streamId, events, new Date());
    let prevHash = decision.prevHash;
    const data = events.map((event, i) => {
      const hash = chainHash(prevHash, prepared.canonical[i] as string);
      const audit = { hash, prevHash, recordedAt: prepared.recordedAt, writeId };
      prevHash = hash;
      return toEventData(event, audit, event.data ?? null);
    });
    if (decision.revision === 'no_stream') await protectNewStream(client, streamId);
    const first = decision.revision === 'no_stream' ? 0n : decision.revision + 1n;
    try {
      await client.appendToStream(streamId, data, { streamState: decision.revision });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const retry = (expected === 'any' || expected === 'stream_exists') && attempt < maxAnyAttempts;
        if (retry) {
          await new Promise((resolve) => setTimeout(resolve, backoffDelay(anyRetryBackoff, attempt)));
          continue;
        }
        const now = typeof error.actualState === 'bigint' ? error.actualState : 'no_stream';
        throw new WrongExpectedRevision(streamId, expected, now, error.message);
      }
      // A timeout may hide a write that happened, or a repeat the server dropped because its original was not indexed yet.
      if (!isTransient(error)) throw error;
      const settled = settleWrite(streamId, expected, events, writeId, await readForwards(client, streamId, first, events.length));
      if (settled.kind === 'absent') throw error;
      if (settled.kind === 'conflict') throw settled.error;
      return settled.result;
    }
    // Success may be a repeat the server deduplicated into the original: the write ids tell.
    const settled = settleWrite(streamId, expected, events, writeId, await readForwards(client, streamId, first, events.length));
    if (settled.kind === 'conflict') throw settled.error;
    if (settled.kind === 'absent') throw new Error(`KurrentDB acknowledged the append to ${streamId} at revision ${first}, but the events are not there`);
    return settled.result;
  }
}

/** The newest `count` ledger events of the stream (all when undefined), newest first; none for a missing stream. */
async function readBackwards(client: KurrentDBClient, streamId: string, count: number | undefined): Promise<StoredEvent[]> {
  return collect(client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, requiresLeader: true, ...(count === undefined ? {} : { maxCount: count }) }));
}

async function readForwards(client: KurrentDBClient, streamId: string, from: bigint, count: number): Promise<StoredEvent[]> {
  return collect(client.readStream(streamId, { direction: FORWARDS, fromRevision: from, maxCount: count, requiresLeader: true }));
}

async function collect(read: AsyncIterable<{ event?: unknown }>): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  try {
    for await (const resolved of read) {
      const ledger = readLedgerEvent(resolved.event as ClientRecordedEvent | undefined);
      if (ledger) stored.push(ledger);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return stored;
}

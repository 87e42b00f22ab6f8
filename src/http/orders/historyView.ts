import { verifyChain, type ChainVerification } from '../../domain/verifyChain.js';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import { toCsv } from '../csv.js';

/** One event as auditors read it: the envelope flattened beside the store's own fields. */
export function historyEntry(event: RecordedEvent) {
  const m = event.metadata as Record<string, unknown> & {
    sourceSystem?: { kind: string; instance: string };
    actor?: { type: string; id: string; name?: string };
  };
  return {
    eventId: event.id,
    revision: Number(event.revision),
    position: event.position,
    type: event.type,
    system: m.sourceSystem ?? null,
    actor: m.actor ?? null,
    occurredAt: (m.occurredAt as string | undefined) ?? null,
    receivedAt: (m.receivedAt as string | undefined) ?? null,
    recordedAt: event.recordedAt.toISOString(),
    correlationId: (m.correlationId as string | undefined) ?? null,
    causationId: (m.causationId as string | undefined) ?? null,
    idempotencyKey: (m.idempotencyKey as string | undefined) ?? null,
    sourceDocument: m.sourceDocument ?? null,
    data: event.data,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

export type HistoryEntry = ReturnType<typeof historyEntry>;

/** Recomputes the stream's chain from what the store returned. */
export function verifyHistory(events: readonly RecordedEvent[]): ChainVerification {
  return verifyChain(events.map((e) => ({
    id: e.id, streamId: e.streamId, type: e.type, data: e.data, metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(), revision: e.revision, hash: e.hash, prevHash: e.prevHash,
  })));
}

export function verificationBody(v: ChainVerification) {
  return v.ok
    ? { ok: true as const, checked: v.checked }
    : { ok: false as const, checked: v.checked, reason: v.reason, brokenAt: { index: v.brokenAt.index, eventId: v.brokenAt.eventId, revision: v.brokenAt.revision === null ? null : Number(v.brokenAt.revision) } };
}

/** An entry as one flat row: system and actor split into their fields, the source document and data as JSON. */
export function flatEntry(e: HistoryEntry) {
  return {
    revision: e.revision, position: e.position, eventId: e.eventId, type: e.type, system: e.system?.kind, instance: e.system?.instance,
    actorType: e.actor?.type, actorId: e.actor?.id, occurredAt: e.occurredAt, receivedAt: e.receivedAt, recordedAt: e.recordedAt,
    correlationId: e.correlationId, causationId: e.causationId,
    sourceDocument: e.sourceDocument ? JSON.stringify(e.sourceDocument) : '', data: JSON.stringify(e.data), prevHash: e.prevHash, hash: e.hash,
  };
}

/** The fields of a flat entry, in their CSV order (also when a page has no rows). */
export const flatEntryColumns = ['revision', 'position', 'eventId', 'type', 'system', 'instance', 'actorType', 'actorId', 'occurredAt', 'receivedAt',
  'recordedAt', 'correlationId', 'causationId', 'sourceDocument', 'data', 'prevHash', 'hash'] as const satisfies readonly (keyof ReturnType<typeof flatEntry>)[];

/** The columns a CSV of events adds for the chain's verdict: the whole chain's, then each row's link (chainLinkOf). */
export const chainVerdictColumns = ['chainVerified', 'chainLink'] as const;

const csvHeader = [...flatEntryColumns, ...chainVerdictColumns];

type Verification = ReturnType<typeof verificationBody>;

/**
 * What a CSV row says of its link in the chain, by the event's index in the
 * stream: `ok`, the reason at the first broken link, `unverified` after it,
 * since nothing past a break can be trusted.
 */
export function chainLinkOf(verification: Verification): (index: number) => string {
  const brokenAt = verification.ok ? Infinity : verification.brokenAt.index;
  return (index) => (index < brokenAt ? 'ok' : index === brokenAt && !verification.ok ? verification.reason : 'unverified');
}

/**
 * The history as auditors file it. The chain's verdict travels in the body,
 * where a saved or forwarded file keeps it: `chainVerified` is the whole
 * history's, `chainLink` each row's (chainLinkOf).
 */
export function historyCsv(entries: readonly HistoryEntry[], verification: Verification): string {
  const link = chainLinkOf(verification);
  return toCsv(csvHeader, entries.map((e, index) => {
    const flat = flatEntry(e);
    return [...flatEntryColumns.map((c) => flat[c]), verification.ok, link(index)];
  }));
}

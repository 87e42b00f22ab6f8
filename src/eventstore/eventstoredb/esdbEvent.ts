import { jsonEvent, type EventData, type JSONType } from '@kurrent/kurrentdb-client';
import { START, type EventToAppend, type RecordedEvent } from '../EventStore.js';
import type { ScannedRecord } from './allPaging.js';
import { encodeEsdbPosition } from './esdbPosition.js';

/** Where the adapter keeps what the server does not: the audit chain, our clock, and which write stored the event. */
const auditKey = '$ledger';

export interface AuditMetadata {
  readonly hash: string;
  readonly prevHash: string | null;
  readonly recordedAt: string;
  /** One id per append attempt: tells our own write from a racing copy the server deduplicated into the original. */
  readonly writeId: string;
}

/** The fields of the client's recorded event the adapter reads (the client's own type, narrowed to what is used). */
export interface ClientRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly isJson: boolean;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint } | undefined;
}

export function toEventData(event: EventToAppend, audit: AuditMetadata, data: unknown): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client serialises JSON itself; any JSON value is fine on the wire.
    data: data as JSONType,
    metadata: { ...event.metadata, [auditKey]: audit },
  });
}

const hashPattern = /^[0-9a-f]{64}$/;

/** The audit block of an event this ledger wrote, or undefined: anything without one is another application's. */
function auditOf(metadata: Record<string, unknown>): AuditMetadata | undefined {
  const audit = metadata[auditKey] as Partial<AuditMetadata> | undefined;
  if (typeof audit !== 'object' || audit === null) return undefined;
  if (typeof audit.hash !== 'string' || !hashPattern.test(audit.hash)) return undefined;
  if (audit.prevHash !== null && (typeof audit.prevHash !== 'string' || !hashPattern.test(audit.prevHash))) return undefined;
  if (typeof audit.recordedAt !== 'string' || Number.isNaN(Date.parse(audit.recordedAt))) return undefined;
  return { hash: audit.hash, prevHash: audit.prevHash, recordedAt: audit.recordedAt, writeId: typeof audit.writeId === 'string' ? audit.writeId : '' };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/**
 * A ledger event with the id of the write that stored it, or undefined for
 * everything else on a shared server: system events and links (`$…`),
 * binary events, and JSON events of other applications or of custom
 * projections (no `$ledger` audit block).
 */
export function readLedgerEvent(event: ClientRecordedEvent | undefined): { event: RecordedEvent; writeId: string } | undefined {
  if (!event || event.type.startsWith('$') || !event.isJson || !isPlainObject(event.metadata)) return undefined;
  const audit = auditOf(event.metadata);
  if (!audit) return undefined;
  // `$correlationId` was written by earlier versions for the server's $by_correlation_id projection.
  const { [auditKey]: _audit, $correlationId: _serverCorrelation, ...metadata } = event.metadata;
  return {
    writeId: audit.writeId,
    event: {
      id: event.id,
      streamId: event.streamId,
      revision: event.revision,
      position: event.position ? encodeEsdbPosition(event.position) : START,
      type: event.type,
      data: event.data,
      metadata,
      recordedAt: new Date(audit.recordedAt),
      hash: audit.hash,
      prevHash: audit.prevHash,
    },
  };
}

/** Our RecordedEvent, or undefined for anything the ledger did not write. */
export function fromEsdbEvent(event: ClientRecordedEvent | undefined): RecordedEvent | undefined {
  return readLedgerEvent(event)?.event;
}

/** A record of `$all` as read (links unresolved): its position, and the ledger event it is, if any. */
export function toScannedRecord(resolved: { readonly event?: ClientRecordedEvent | undefined; readonly link?: ClientRecordedEvent | undefined }): ScannedRecord {
  const position = resolved.event?.position ?? resolved.link?.position;
  return { position: position ? encodeEsdbPosition(position) : undefined, event: fromEsdbEvent(resolved.event) };
}

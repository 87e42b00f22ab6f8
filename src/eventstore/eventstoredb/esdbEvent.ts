import { jsonEvent, type EventData, type JSONType, type RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import { START, type EventToAppend, type RecordedEvent } from '../EventStore.js';
import { encodeEsdbPosition } from './esdbPosition.js';

/** Where the adapter keeps what EventStoreDB does not: the audit chain and our clock. */
const auditKey = '$ledger';

interface AuditMetadata {
  readonly hash: string;
  readonly prevHash: string | null;
  readonly recordedAt: string;
}

export function toEventData(event: EventToAppend, audit: AuditMetadata, data: unknown): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // The client serialises JSON itself; any JSON value is fine on the wire.
    data: data as JSONType,
    // `$correlationId` feeds the server's $by_correlation_id projection ($bc-<id> streams).
    metadata: { ...event.metadata, [auditKey]: audit, ...(typeof event.metadata.correlationId === 'string' ? { $correlationId: event.metadata.correlationId } : {}) },
  });
}

/** Our RecordedEvent, or undefined for system events and links (not part of the ledger). */
export function fromEsdbEvent(event: EsdbRecordedEvent | undefined): RecordedEvent | undefined {
  if (!event || event.type.startsWith('$') || !event.isJson) return undefined;
  const { [auditKey]: audit, $correlationId: _esdbCorrelation, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  const chain = (audit ?? {}) as Partial<AuditMetadata>;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position ? encodeEsdbPosition(event.position) : START,
    type: event.type,
    data: event.data,
    metadata,
    recordedAt: chain.recordedAt ? new Date(chain.recordedAt) : event.created,
    hash: chain.hash ?? '',
    prevHash: chain.prevHash ?? null,
  };
}

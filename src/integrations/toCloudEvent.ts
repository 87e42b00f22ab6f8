import type { RecordedEvent } from '../eventstore/EventStore.js';

/**
 * A ledger event as a CloudEvents 1.0 event in the JSON format. Extension
 * names are lowercase alphanumerics only, as the specification requires.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  /** URI-reference of the emitting system: /order-ledger/<kind>/<instance>. */
  source: string;
  /** com.orderledger.<EventType> */
  type: string;
  /** The order key. */
  subject?: string;
  /** Business time (occurredAt), else when the ledger recorded it. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
  /** The ledger position: a consumer checkpoint. */
  position: string;
  streamrevision: number;
  recordedat: string;
  correlationid?: string;
  causationid?: string;
}

export const cloudEventTypePrefix = 'com.orderledger.';

/** Maps one recorded event to its CloudEvent form (feed, stream and webhooks alike). */
export function toCloudEvent(event: RecordedEvent): CloudEvent {
  const meta = event.metadata;
  const recordedAt = event.recordedAt.toISOString();
  const subject = text(meta.orderKey);
  const correlationId = text(meta.correlationId);
  const causationId = text(meta.causationId);
  return {
    specversion: '1.0',
    id: event.id,
    source: sourceOf(meta.sourceSystem),
    type: cloudEventTypePrefix + event.type,
    ...(subject === undefined ? {} : { subject }),
    time: text(meta.occurredAt) ?? recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
    position: event.position,
    streamrevision: Number(event.revision),
    recordedat: recordedAt,
    ...(correlationId === undefined ? {} : { correlationid: correlationId }),
    ...(causationId === undefined ? {} : { causationid: causationId }),
  };
}

/**
 * `JSON.stringify(toCloudEvent(event))`, assembled directly: the feed's hot
 * path, with no intermediate object and no schema walk.
 */
export function cloudEventJson(event: RecordedEvent): string {
  const meta = event.metadata;
  const recordedAt = JSON.stringify(event.recordedAt.toISOString());
  const subject = text(meta.orderKey);
  const occurredAt = text(meta.occurredAt);
  const correlationId = text(meta.correlationId);
  const causationId = text(meta.causationId);
  return `{"specversion":"1.0","id":${JSON.stringify(event.id)},"source":${JSON.stringify(sourceOf(meta.sourceSystem))}`
    + `,"type":${JSON.stringify(cloudEventTypePrefix + event.type)}`
    + (subject === undefined ? '' : `,"subject":${JSON.stringify(subject)}`)
    + `,"time":${occurredAt === undefined ? recordedAt : JSON.stringify(occurredAt)}`
    + `,"datacontenttype":"application/json","data":${JSON.stringify(event.data) ?? 'null'}`
    + `,"position":${JSON.stringify(event.position)},"streamrevision":${Number(event.revision)},"recordedat":${recordedAt}`
    + (correlationId === undefined ? '' : `,"correlationid":${JSON.stringify(correlationId)}`)
    + (causationId === undefined ? '' : `,"causationid":${JSON.stringify(causationId)}`)
    + '}';
}

function sourceOf(sourceSystem: unknown): string {
  const system = sourceSystem as { kind?: unknown; instance?: unknown } | undefined;
  const kind = text(system?.kind);
  if (kind === undefined) return '/order-ledger';
  const instance = text(system?.instance);
  return `/order-ledger/${encodeURIComponent(kind)}${instance === undefined ? '' : `/${encodeURIComponent(instance)}`}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

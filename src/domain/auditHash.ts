import { createHash } from 'node:crypto';
import { isMap, type Map as PersistentMap } from 'immutable';

/**
 * Canonical JSON: object keys sorted by code unit, no insignificant white
 * space, `undefined` members dropped, numbers as JavaScript prints them
 * (RFC 8785 style). The same value always gives the same bytes, so a hash
 * over it is reproducible by any verifier.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonicalJson: non-finite numbers have no JSON form');
    }
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  // A persistent map (the idempotency memo) is written as a record of its members, never by its
  // internals, and with every key: its own toJSON drops keys such as "constructor". Parsed JSON and
  // plain records are never maps, and the prototype tells them apart at once.
  if (Object.getPrototypeOf(value) !== Object.prototype && isMap(value)) return mapJson(value as PersistentMap<unknown, unknown>);
  // Plain loops and one sort of the keys: this runs for every event appended and folded.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + canonicalJson(member);
  }
  return out + '}';
}

function mapJson(map: PersistentMap<unknown, unknown>): string {
  const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, member] of map) {
    if (typeof key !== 'string') throw new TypeError('canonicalJson: a map is written only with text keys');
    record[key] = member;
  }
  return canonicalJson(record);
}

// Payloads are immutable values once parsed, so each one's text is worked out once.
const payloadTexts = new WeakMap<object, string>();

/**
 * `canonicalJson` of an event payload, remembered per payload object: the
 * digest `decide` stamps and the text the log stores and hashes are then
 * one serialisation, not two. A payload is never changed after it is parsed.
 */
export function canonicalPayload(value: unknown): string {
  if (value === null || typeof value !== 'object') return canonicalJson(value);
  let text = payloadTexts.get(value);
  if (text === undefined) {
    text = canonicalJson(value);
    payloadTexts.set(value, text);
  }
  return text;
}

/** The part of a stored event the audit hash covers. */
export interface HashedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** ISO-8601 time the log recorded the event. */
  readonly recordedAt: string;
}

/** The canonical text of the hashed part of an event. */
export function hashedText(event: HashedEvent): string {
  return canonicalJson({
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  });
}

/**
 * `sha256(prevHash ‖ canonicalJson(event))` as lowercase hex, where prevHash
 * is the previous event's hex hash in the same stream ('' for the first).
 * The PostgreSQL adapter computes the same digest in SQL at append time.
 */
export function chainHash(prevHash: string | null, canonicalEventText: string): string {
  return createHash('sha256').update(prevHash ?? '', 'utf8').update(canonicalEventText, 'utf8').digest('hex');
}

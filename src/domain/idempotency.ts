import { hash } from 'node:crypto';
import { canonicalPayload } from './auditHash.js';

/** The parts docs/domain.md §2 derives the idempotency key from. */
export interface IdempotencyParts {
  readonly instance: string;
  readonly docType: string;
  readonly docId: string;
  readonly revision: number;
  readonly eventType: string;
}

/** sha256 hex of the parts, encoded as a canonical JSON array so no two part lists collide. */
export function idempotencyKey(parts: IdempotencyParts): string {
  // Strings and a whole number: JSON.stringify writes exactly the canonical text.
  const encoded = JSON.stringify([parts.instance, parts.docType, parts.docId, parts.revision, parts.eventType]);
  return hash('sha256', encoded, 'hex');
}

/** The namespace of every order-ledger event id (itself a v5 of 'order-ledger' in the URL namespace). */
export const eventIdNamespace = '646a05e3-4de8-55a6-8f64-108d63a39b57';

const eventIdNamespaceBytes = uuidBytes(eventIdNamespace);

/** A name-based UUID (version 5, SHA-1) per RFC 9562 §5.5. */
export function uuidV5(name: string, namespace: string): string {
  const ns = namespace === eventIdNamespace ? eventIdNamespaceBytes : uuidBytes(namespace);
  // One-shot hashing (no Hash object) over the namespace bytes followed by the name's UTF-8.
  const bytes = hash('sha1', Buffer.concat([ns, Buffer.from(name, 'utf8')]), 'buffer').subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The event id for the `index`-th event of a submission: the same key always
 * yields the same id, so a retry is recognised by every event-store adapter.
 */
export function eventIdFor(key: string, index = 0): string {
  // The canonical JSON of [key, index], which JSON.stringify writes as it is for a string and a whole number.
  return uuidV5(`[${JSON.stringify(key)},${index}]`, eventIdNamespace);
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`Not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

// Memoised per payload object (payloads are immutable values once parsed).
const digests = new WeakMap<object, { type: string; digest: string }>();

/** Digest of what a submission asks for, to tell a retry from a reused key (I4). */
export function submissionDigest(type: string, data: unknown): string {
  const cacheable = typeof data === 'object' && data !== null;
  const cached = cacheable ? digests.get(data) : undefined;
  if (cached?.type === type) return cached.digest;
  // canonicalJson({ type, data }) with the payload's own text, which the append reuses; keys in order (data < type).
  const text = data === undefined ? `{"type":${JSON.stringify(type)}}` : `{"data":${canonicalPayload(data)},"type":${JSON.stringify(type)}}`;
  const digest = hash('sha256', text, 'hex');
  if (cacheable) digests.set(data, { type, digest });
  return digest;
}

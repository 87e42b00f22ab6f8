import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../domain/auditHash.js';
import type { StreamHead } from './merkleRoot.js';

export const anchorFormat = 'order-ledger-anchor/1';

/**
 * One anchor: a signed statement of every stream's head up to a log
 * position. `heads` lists only the streams whose head moved since the
 * previous anchor; `root` covers all of them (docs/anchors.md).
 */
export interface AnchorRecord {
  readonly format: typeof anchorFormat;
  /** 1, 2, 3… with no gaps. */
  readonly seq: number;
  /** The last log position covered (inclusive). */
  readonly position: string;
  /** `digestOf` the previous anchor; null for the first. */
  readonly previous: string | null;
  readonly anchoredAt: string;
  /** Streams, and events in them, as of `position`. */
  readonly streams: number;
  readonly events: string;
  /** merkleRoot over every stream's head as of `position`. */
  readonly root: string;
  /** [streamId, revision, hash] of each stream whose head moved since the previous anchor. */
  readonly heads: readonly (readonly [string, string, string])[];
  /** keyIdOf the public key that verifies `signature`. */
  readonly keyId: string;
  /** Ed25519 over `signedText`, base64. */
  readonly signature: string;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const anchorRecordSchema = z.strictObject({
  format: z.literal(anchorFormat),
  seq: z.number().int().positive(),
  position: z.string().min(1),
  previous: hex64.nullable(),
  anchoredAt: z.string(),
  streams: z.number().int().nonnegative(),
  events: z.string().regex(/^\d+$/),
  root: hex64,
  heads: z.array(z.tuple([z.string().min(1), z.string().regex(/^\d+$/), hex64]).readonly()),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().min(1),
});

/** The bytes the signature covers: the canonical JSON of everything but the signature. */
export function signedText(record: Omit<AnchorRecord, 'signature'>): string {
  const { signature: _ignored, ...body } = record as AnchorRecord;
  return canonicalJson(body);
}

export function signAnchor(body: Omit<AnchorRecord, 'signature'>, privateKey: KeyObject): AnchorRecord {
  return { ...body, signature: sign(null, Buffer.from(signedText(body), 'utf8'), privateKey).toString('base64') };
}

export function signatureValid(record: AnchorRecord, publicKey: KeyObject): boolean {
  return verify(null, Buffer.from(signedText(record), 'utf8'), publicKey, Buffer.from(record.signature, 'base64'));
}

/** What the next anchor names as `previous`: sha256 of the whole record, signature included. */
export function digestOf(record: AnchorRecord): string {
  return createHash('sha256').update(canonicalJson(record), 'utf8').digest('hex');
}

export function headsOf(record: AnchorRecord): StreamHead[] {
  return record.heads.map(([streamId, revision, hash]) => ({ streamId, revision: BigInt(revision), hash }));
}

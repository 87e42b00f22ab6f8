import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const apiScopes = ['submit', 'read', 'audit', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Systems a key can be bound to: the source systems, plus ADMIN for operators. */
export const keySystems = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS', 'ADMIN'] as const;
export type KeySystem = (typeof keySystems)[number];

/** An authenticated caller. */
export interface ApiPrincipal {
  readonly keyId: string;
  readonly system: KeySystem;
  readonly scopes: ReadonlySet<ApiScope>;
}

/** A key as stored: never the secret, only its sha256. */
export interface StoredKey {
  readonly id: string;
  readonly system: KeySystem;
  readonly scopes: readonly ApiScope[];
  /** sha256 of the secret part, hex. */
  readonly secretSha256: string;
  readonly label?: string | undefined;
  readonly createdAt: string;
  readonly revokedAt?: string | undefined;
}

/** A key reads `olk_<id>_<secret>`: the id finds the record, the secret's sha256 must match. */
export const keyPattern = /^olk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * A fresh key: a 12-character id and a 256-bit secret. With that much
 * entropy a fast hash is enough; no password stretching is needed.
 */
export function newKey(): { id: string; key: string; secretSha256: string } {
  const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `olk_${id}_${secret}`, secretSha256: sha256(secret) };
}

/** The key id of a presented key, or the text itself (an id). */
export function keyIdOf(idOrKey: string): string {
  return keyPattern.exec(idOrKey)?.[1] ?? idOrKey;
}

/** Whether `presented` is the key `record` was made for (constant time on the hash). */
export function keyMatches(record: StoredKey, presented: string): boolean {
  const match = keyPattern.exec(presented);
  if (!match || match[1] !== record.id) return false;
  return timingSafeEqual(Buffer.from(record.secretSha256, 'hex'), Buffer.from(sha256(match[2]!), 'hex'));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sourceSystemKinds, type SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { ApiKeyFile } from '../../src/http/auth/apiKeyFile.js';

/** A fresh key file with a submit+read key per source system and a reader for the reports. */
export async function benchKeys(): Promise<{ file: string; dir: string; keys: Record<SourceSystemKind, string>; reader: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'order-ledger-bench-keys-'));
  await chmod(dir, 0o755);
  const file = await ApiKeyFile.open(path.join(dir, 'api-keys.json'));
  const keys = {} as Record<SourceSystemKind, string>;
  for (const system of sourceSystemKinds) keys[system] = (await file.create({ system, scopes: ['submit', 'read'] })).key;
  const reader = (await file.create({ system: 'ADMIN', scopes: ['read', 'audit'] })).key;
  return { file: file.file, dir, keys, reader };
}

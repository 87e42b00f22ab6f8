import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A key-file path in a fresh temporary folder. */
export async function tempKeyFile(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'order-ledger-bench-keys-'));
  await chmod(dir, 0o700);
  return path.join(dir, 'api-keys.json');
}

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A path in a fresh temporary folder (the file itself does not exist yet). */
export async function tempPath(name: string): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'order-ledger-')), name);
}

import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { AnchorDirectory } from './AnchorDirectory.js';
import { keyIdOf, readPublicKey } from './anchorKey.js';
import { describeAnchorBreak } from './describeAnchorBreak.js';
import { verifyAgainstAnchors } from './verifyAgainstAnchors.js';

/**
 * `order-ledger verify --anchors DIR [--public-key FILE…]`: prints what
 * holds and, for each stream that disagrees with the anchors, the first
 * event that does; true when everything holds.
 */
export async function verifyAnchorsReport(
  pool: pg.Pool, dir: string, publicKeyFiles: readonly string[], print: (line: string) => void, onProgress?: (events: number) => void,
): Promise<boolean> {
  const directory = new AnchorDirectory(dir);
  const records = await directory.read();
  if (records.length === 0) throw new Error(`no anchors in ${dir}`);
  let keys: Map<string, KeyObject>;
  if (publicKeyFiles.length > 0) {
    keys = new Map();
    for (const file of publicKeyFiles) {
      const key = await readPublicKey(file);
      keys.set(keyIdOf(key), key);
    }
  } else {
    keys = await directory.publicKeys();
    print(`trusting the public keys stored in ${dir}/keys (${[...keys.keys()].join(', ') || 'none'}); pass --public-key with the key you keep to trust nothing in that folder`);
  }
  const result = await verifyAgainstAnchors(pool, records, keys, onProgress);
  if (!result.anchorsValid) {
    print(`anchor ${result.seq} cannot be trusted: ${result.reason}`);
    return false;
  }
  for (const b of result.chains.broken) {
    print(`${b.streamId}: chain BROKEN at revision ${b.verification.brokenAt.revision} (event ${b.verification.brokenAt.eventId}): ${b.verification.reason}`);
  }
  for (const b of result.breaks) print(describeAnchorBreak(b));
  const first = result.breaks[0];
  print(
    `${result.anchors} anchors up to position ${result.lastPosition}, ${result.chains.streams} streams, ${result.chains.events} events: ` +
      (result.ok ? 'the log matches every anchor' : `${result.breaks.length} stream(s) differ from the anchors, ${result.chains.broken.length} chain(s) broken` +
        (first ? `; the first: ${first.streamId} at revision ${first.revision}` : '')),
  );
  return result.ok;
}

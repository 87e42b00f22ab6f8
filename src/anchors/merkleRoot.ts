import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/auditHash.js';

/** A stream's newest event as of an anchor: its revision and its audit hash. */
export interface StreamHead {
  readonly streamId: string;
  readonly revision: bigint;
  readonly hash: string;
}

/** `sha256(0x00 ‖ canonicalJson([streamId, revision, hash]))`: the 0x00 keeps a leaf from passing for a node. */
export function leafHash(head: StreamHead): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(canonicalJson([head.streamId, head.revision.toString(), head.hash]), 'utf8').digest();
}

/**
 * The Merkle root, as lowercase hex, over every stream's head, leaves in
 * code-unit order of the stream id. A node is `sha256(0x01 ‖ left ‖ right)`;
 * the last node of an odd level moves up unchanged; no streams give sha256('').
 */
export function merkleRoot(heads: Iterable<StreamHead>): string {
  const sorted = [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  if (sorted.length === 0) return createHash('sha256').digest('hex');
  let level = sorted.map(leafHash);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? createHash('sha256').update(Buffer.of(1)).update(level[i]!).update(right).digest() : level[i]!);
    }
    level = next;
  }
  return level[0]!.toString('hex');
}

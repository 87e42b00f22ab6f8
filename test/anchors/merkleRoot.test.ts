import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/auditHash.js';
import { leafHash, merkleRoot, type StreamHead } from '../../src/anchors/merkleRoot.js';

const head = (streamId: string, revision: bigint, fill: string): StreamHead => ({ streamId, revision, hash: fill.repeat(64) });
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('merkleRoot', () => {
  it('is sha256 of the empty string for no streams, and the leaf itself for one', () => {
    expect(merkleRoot([])).toBe(createHash('sha256').digest('hex'));
    const only = head('order-A', 3n, 'a');
    expect(merkleRoot([only])).toBe(sha(Buffer.of(0), Buffer.from(canonicalJson(['order-A', '3', 'a'.repeat(64)]))).toString('hex'));
  });

  it('pairs leaves in stream-id order with a 0x01 prefix and carries an odd one up', () => {
    const [a, b, c] = [head('order-A', 0n, 'a'), head('order-B', 1n, 'b'), head('order-C', 2n, 'c')];
    const ab = sha(Buffer.of(1), leafHash(a), leafHash(b));
    expect(merkleRoot([c, b, a])).toBe(sha(Buffer.of(1), ab, leafHash(c)).toString('hex'));
  });

  it('changes when any one head changes its revision or hash', () => {
    const heads = Array.from({ length: 9 }, (_, i) => head(`order-${i}`, BigInt(i), 'd'));
    const root = merkleRoot(heads);
    for (let i = 0; i < heads.length; i++) {
      const moved = heads.map((h, j) => (j === i ? { ...h, revision: h.revision + 1n } : h));
      const rehashed = heads.map((h, j) => (j === i ? { ...h, hash: 'e'.repeat(64) } : h));
      expect(merkleRoot(moved)).not.toBe(root);
      expect(merkleRoot(rehashed)).not.toBe(root);
    }
  });
});

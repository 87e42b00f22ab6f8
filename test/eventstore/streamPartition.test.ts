import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOfStream, bucketsOf, checkPartition, inPartition, partitionOfStream, partitionsOf } from '../../src/eventstore/streamPartition.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase(2);

const streamIds = fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\0', '')), { minLength: 1, maxLength: 50 });
const partitionCounts = fc.integer({ min: 0, max: 6 }).map((k) => 2 ** k);

/** The expression PostgreSQL fills ledger.events.stream_bucket with, as the catalog holds it. */
async function storedBucketExpression(): Promise<string> {
  const { rows } = await db.pool.query<{ expr: string }>(
    `SELECT pg_get_expr(d.adbin, d.adrelid) AS expr
       FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = 'ledger.events'::regclass AND a.attname = 'stream_bucket' AND a.attgenerated = 's'`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!.expr;
}

describe('the partition of a stream', () => {
  it('is read from the bucket the log stores, which PostgreSQL computes as JavaScript does, for any stream id', async () => {
    const expression = await storedBucketExpression();
    await fc.assert(fc.asyncProperty(streamIds, async (ids) => {
      // The generated column's own expression, evaluated over the ids as if they were rows of the log.
      const { rows } = await db.pool.query<{ b: number }>(
        `SELECT (${expression})::int AS b FROM unnest($1::text[]) WITH ORDINALITY AS u(stream_id, o) ORDER BY o`,
        [ids],
      );
      expect(rows.map((r) => r.b)).toEqual(ids.map(bucketOfStream));
    }), { numRuns: 50 });
  });

  it('is the first 32 bits of md5(stream id) modulo the count, and its buckets are exactly those the store reads for it', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), partitionCounts, (id, count) => {
      const partition = partitionOfStream(id, count);
      expect(partition).toBe(createHash('md5').update(id, 'utf8').digest().readUInt32BE(0) % count);
      for (const p of partitionsOf(count)) {
        expect(inPartition(id, p)).toBe(p.index === partition);
        expect(bucketsOf(p).includes(bucketOfStream(id))).toBe(p.index === partition);
      }
    }), { numRuns: 500 });
  });

  it('splits the buckets evenly: every bucket in exactly one partition, as many in each', () => {
    for (const count of [1, 2, 4, 8, 64]) {
      const owned = partitionsOf(count).map(bucketsOf);
      for (const buckets of owned) expect(buckets).toHaveLength(64 / count);
      expect(owned.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, b) => b));
    }
  });

  it('spreads order streams about evenly, and puts everything in partition 0 of 1', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionOfStream(`order-SO-${i}`, 4)]! += 1;
    for (const n of counts) expect(n).toBeGreaterThan(850);
    expect(partitionOfStream('order-anything', 1)).toBe(0);
    expect(inPartition('order-anything', { index: 0, count: 1 })).toBe(true);
  });

  it('refuses partitions of no valid shape', () => {
    expect(() => checkPartition({ index: 4, count: 4 })).toThrow(RangeError);
    expect(() => checkPartition({ index: 0, count: 0 })).toThrow(RangeError);
    expect(() => checkPartition({ index: 0, count: 3 })).toThrow(/power of two/);
    expect(() => checkPartition({ index: 0, count: 128 })).toThrow(RangeError);
  });
});

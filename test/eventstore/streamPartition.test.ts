import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamPartitionSql } from '../../src/eventstore/postgres/sql.js';
import { checkPartition, inPartition, partitionOfStream } from '../../src/eventstore/streamPartition.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase(2);

describe('the partition of a stream', () => {
  it('is the same in JavaScript and in PostgreSQL, for any stream id and partition count', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replaceAll('\0', '')), { minLength: 1, maxLength: 50 }), fc.integer({ min: 2, max: 256 }), async (ids, count) => {
      // The very expression the PostgreSQL store filters with, its count parameter renumbered.
      const { rows } = await db.pool.query<{ p: string }>(
        `SELECT ${streamPartitionSql.replace('$6', '$2')}::text AS p FROM unnest($1::text[]) WITH ORDINALITY AS u(stream_id, o) ORDER BY o`,
        [ids, count],
      );
      expect(rows.map((r) => Number(r.p))).toEqual(ids.map((id) => partitionOfStream(id, count)));
    }), { numRuns: 50 });
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
    expect(() => checkPartition({ index: 0, count: 257 })).toThrow(RangeError);
  });
});

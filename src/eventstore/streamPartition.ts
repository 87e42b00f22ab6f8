import { createHash } from 'node:crypto';

/**
 * One of `count` shares of the log, by stream: every event of a stream
 * falls in the same partition, so a reader of one partition sees whole
 * streams (whole orders) in their order.
 */
export interface StreamPartition {
  /** 0 ≤ index < count. */
  readonly index: number;
  readonly count: number;
}

/** The one partition of a log of `count` = 1: everything. */
export const wholeLog: StreamPartition = { index: 0, count: 1 };

/** Buckets the log's streams fall into; a partition is a set of them. */
export const streamBuckets = 64;

/** Most partitions a projection may be split into: one bucket each. */
export const maxPartitions = streamBuckets;

/**
 * The bucket of a stream, 0 to 63: the first 32 bits of md5(stream id),
 * unsigned, modulo 64 (byte 3 of the md5 modulo 64). The event log stores it
 * with every event (`ledger.events.stream_bucket`, a generated column with
 * the same rule in SQL), so a store reads one partition from an index.
 */
export function bucketOfStream(streamId: string): number {
  return createHash('md5').update(streamId, 'utf8').digest()[3]! % streamBuckets;
}

/**
 * The partition of a stream: its bucket modulo `count` (a power of two, so
 * every partition owns as many buckets, and this is also the first 32 bits
 * of md5(stream id) modulo `count`). A client can tell which partition an
 * event is in, and a store can serve a partition from the stored buckets.
 */
export function partitionOfStream(streamId: string, count: number): number {
  if (count === 1) return 0;
  return bucketOfStream(streamId) % count;
}

/** The buckets a partition owns, ascending: those whose number modulo its count is its index. */
export function bucketsOf(partition: StreamPartition): number[] {
  const { index, count } = checkPartition(partition);
  return Array.from({ length: streamBuckets / count }, (_, k) => index + k * count);
}

export function inPartition(streamId: string, partition: StreamPartition): boolean {
  return partition.count === 1 || partitionOfStream(streamId, partition.count) === partition.index;
}

/** 1, 2, 4, … 64: a count that splits the buckets evenly. */
export function isPartitionCount(count: number): boolean {
  return Number.isInteger(count) && count >= 1 && count <= maxPartitions && (count & (count - 1)) === 0;
}

/** A partition of a valid shape, or a RangeError that says what is wrong. */
export function checkPartition(partition: StreamPartition): StreamPartition {
  const { index, count } = partition;
  if (!isPartitionCount(count)) throw new RangeError(`partition count must be a power of two from 1 to ${maxPartitions}, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`partition index must be an integer from 0 to ${count - 1}, got ${index}`);
  return partition;
}

/** Every partition of a log split `count` ways. */
export function partitionsOf(count: number): StreamPartition[] {
  checkPartition({ index: 0, count });
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

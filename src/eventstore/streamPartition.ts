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

/** Most partitions a projection may be split into. */
export const maxPartitions = 256;

/**
 * The partition of a stream: the first 32 bits of md5(stream id) modulo
 * `count`. PostgreSQL computes the same from SQL (`md5` is built in; see
 * the event store's partitioned read), so a store can filter a partition
 * server-side and a client can tell which partition an event is in.
 */
export function partitionOfStream(streamId: string, count: number): number {
  if (count === 1) return 0;
  return createHash('md5').update(streamId, 'utf8').digest().readUInt32BE(0) % count;
}

export function inPartition(streamId: string, partition: StreamPartition): boolean {
  return partition.count === 1 || partitionOfStream(streamId, partition.count) === partition.index;
}

/** A partition of a valid shape, or a RangeError that says what is wrong. */
export function checkPartition(partition: StreamPartition): StreamPartition {
  const { index, count } = partition;
  if (!Number.isInteger(count) || count < 1 || count > maxPartitions) throw new RangeError(`partition count must be an integer from 1 to ${maxPartitions}, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`partition index must be an integer from 0 to ${count - 1}, got ${index}`);
  return partition;
}

/** Every partition of a log split `count` ways. */
export function partitionsOf(count: number): StreamPartition[] {
  checkPartition({ index: 0, count });
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

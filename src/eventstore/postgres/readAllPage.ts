import type pg from 'pg';
import type { ReadAllOptions, ReadAllPage } from '../EventStore.js';
import { START } from '../EventStore.js';
import { bucketsOf, checkPartition } from '../streamPartition.js';
import { decodePosition } from './positionCodec.js';
import { rowToEvent, type EventRow } from './rowToEvent.js';
import { bucketMergePlanSql, readAllOfBuckets, readAllOfTypes, readAllSql } from './sql.js';
import type { Position } from '../EventStore.js';

/** One page of the global log, only below the safe horizon (see docs/event-store.md). */
export async function readAllPage(pool: pg.Pool, options: ReadAllOptions): Promise<ReadAllPage> {
  const after = options.after ?? START;
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`readAll: limit must be a positive integer, got ${options.limit}`);
  const [txId, seq] = decodePosition(after);
  const partition = options.partition && checkPartition(options.partition);
  if (partition && partition.count > 1) {
    const buckets = bucketsOf(partition);
    return inBucketMergePlan(pool, (client) => readFilteredPage(
      client, readAllOfBuckets(buckets.length), options, after, [txId, seq, options.limit, options.types ?? null, budgetOf(options), buckets],
    ));
  }
  if (options.types) return readFilteredPage(pool, readAllOfTypes, options, after, [txId, seq, options.limit, options.types, budgetOf(options)]);
  const result = await pool.query<EventRow>({ ...readAllSql, rowMode: 'array', values: [txId, seq, options.limit] });
  const events = result.rows.map(rowToEvent);
  const last = events[events.length - 1];
  return { events, nextPosition: last ? last.position : after, isEnd: events.length < options.limit };
}

type Statement = { name: string; text: string };

/**
 * Runs `read` on one connection, in a read-only, read-committed
 * transaction planned as `bucketMergePlanSql` says: each statement still
 * takes its own snapshot, as `readFilteredPage` needs.
 */
async function inBucketMergePlan<T>(pool: pg.Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(bucketMergePlanSql);
    const result = await read(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    // Whatever state the connection is in, it does not go back to the pool.
    client.release(true);
    throw error;
  }
}

function budgetOf(options: ReadAllOptions): number {
  return Math.max(options.limit * 10, 10_000);
}

/** Scans a bounded window so rare types (or a small partition) cost the same per call as common ones. */
async function readFilteredPage(
  pool: pg.Pool | pg.PoolClient, read: { page: Statement; bounds: Statement }, options: ReadAllOptions, after: Position, values: unknown[],
): Promise<ReadAllPage> {
  const { rows } = await pool.query<EventRow>({ ...read.page, rowMode: 'array', values });
  const events = rows.map(rowToEvent);
  // A full page: its last event is the next position.
  if (events.length === options.limit) return { events, nextPosition: events[events.length - 1]!.position, isEnd: false };
  const bounds = await pool.query<[scanned: number, scannedTo: string | null, matched: number, readableHead: string | null]>({ ...read.bounds, rowMode: 'array', values });
  const [scanned, scannedTo, matched, readableHead] = bounds.rows[0]!;
  // Matches the page did not see: their transactions became readable in between. Read on from the page's last event.
  if (matched > events.length) return { events, nextPosition: events.at(-1)?.position ?? after, isEnd: false };
  // The window stopped at its budget: read on after it.
  if (scanned >= budgetOf(options)) return { events, nextPosition: scannedTo as Position, isEnd: false };
  // Nothing more of the source is readable: move past the rest of the log too (other partitions' events), up to its readable end.
  return { events, nextPosition: (readableHead !== null && readableHead > after ? readableHead : after) as Position, isEnd: true };
}

import type pg from 'pg';
import type { ReadAllOptions, ReadAllPage } from '../EventStore.js';
import { START } from '../EventStore.js';
import { decodePosition } from './positionCodec.js';
import { rowToEvent, type EventRow } from './rowToEvent.js';
import { readAllOfTypesSql, readAllSql } from './sql.js';
import type { Position } from '../EventStore.js';

/** One page of the global log, only below the safe horizon (see docs/event-store.md). */
export async function readAllPage(pool: pg.Pool, options: ReadAllOptions): Promise<ReadAllPage> {
  const after = options.after ?? START;
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError(`readAll: limit must be a positive integer, got ${options.limit}`);
  const [txId, seq] = decodePosition(after);
  if (options.types) return readTypedPage(pool, options, after, txId, seq);
  const result = await pool.query<EventRow>({ ...readAllSql, rowMode: 'array', values: [txId, seq, options.limit] });
  const events = result.rows.map(rowToEvent);
  const last = events[events.length - 1];
  return { events, nextPosition: last ? last.position : after, isEnd: events.length < options.limit };
}

type TypedRow = [...EventRow, scanned: number, scannedTo: string | null];

/** Scans a bounded window so rare types cost the same per call as common ones. */
async function readTypedPage(pool: pg.Pool, options: ReadAllOptions, after: Position, txId: string, seq: string): Promise<ReadAllPage> {
  const budget = Math.max(options.limit * 10, 10_000);
  const values = [txId, seq, options.limit, options.types, budget];
  const { rows } = await pool.query<TypedRow>({ ...readAllOfTypesSql, rowMode: 'array', values });
  const events = rows.filter((row) => row[0] !== null).map((row) => rowToEvent(row as unknown as EventRow));
  const scanned = rows[0]?.[10] ?? 0;
  const scannedTo = (rows[0]?.[11] ?? null) as Position | null;
  if (events.length === options.limit) return { events, nextPosition: events[events.length - 1]!.position, isEnd: false };
  return { events, nextPosition: scannedTo ?? after, isEnd: scanned < budget };
}

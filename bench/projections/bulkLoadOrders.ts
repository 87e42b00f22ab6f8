import { createHash } from 'node:crypto';
import type pg from 'pg';
import { encodeAppend } from '../../src/eventstore/postgres/GroupCommit.js';
import { orderRounds } from './loadOrders.js';

export interface BulkLoadOptions {
  readonly events: number;
  readonly window: number;
  /** Events per INSERT (one transaction each). */
  readonly rowsPerInsert?: number;
  readonly log: (message: string) => void;
}

const columns = 'stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash';
const insertSql = `INSERT INTO ledger.events (${columns})
  SELECT * FROM unnest($1::text[], $2::int8[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::timestamptz[], $8::text[], $9::text[])`;

/**
 * The same generated day as `loadOrders`, written straight into
 * `ledger.events` in large set-based INSERTs instead of through the append
 * statement: the same rows the adapter writes (revisions from 0 with no
 * gaps, the adapter's canonical text and hash chain, so `verifyLog` passes),
 * at bulk speed. Only for an empty log that nobody else appends to.
 */
export async function bulkLoadOrders(pool: pg.Pool, options: BulkLoadOptions): Promise<number> {
  const perInsert = options.rowsPerInsert ?? 5_000;
  const heads = new Map<string, { revision: number; hash: string }>();
  let rows: unknown[][] = columns.split(', ').map(() => []);
  let loaded = 0;
  let lastReport = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (rows[0]!.length === 0) return;
    const values = rows;
    rows = columns.split(', ').map(() => []);
    await writing;
    const insert = pool.query(insertSql, values);
    insert.catch(() => undefined); // awaited by the next flush; meanwhile a failure must not go unhandled
    writing = insert;
  };
  for (const round of orderRounds(options.events, options.window)) {
    // One recorded_at per round, as the adapter stamps one per group commit.
    const recordedAt = new Date().toISOString();
    const at = JSON.stringify(recordedAt);
    for (const append of round) {
      const encoded = encodeAppend(append.streamId, append.events, 'any');
      let head = heads.get(append.streamId);
      append.events.forEach((event, i) => {
        const prev = head?.hash ?? null;
        const revision = head ? head.revision + 1 : 0;
        const hash = createHash('sha256').update((prev ?? '') + encoded.head[i]! + at + encoded.tail[i]!, 'utf8').digest('hex');
        for (const [column, value] of [append.streamId, revision, event.id.toLowerCase(), event.type, JSON.stringify(event.data ?? null), JSON.stringify(event.metadata), recordedAt, prev, hash].entries()) {
          rows[column]!.push(value);
        }
        head = { revision, hash };
      });
      heads.set(append.streamId, head!);
      loaded += append.events.length;
    }
    if (rows[0]!.length >= perInsert) await flush();
    if (loaded - lastReport >= 250_000) {
      options.log(`  bulk-loaded ${loaded.toLocaleString('en-US')} events`);
      lastReport = loaded;
    }
  }
  await flush();
  await writing;
  return loaded;
}

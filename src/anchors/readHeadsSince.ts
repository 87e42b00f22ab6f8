import type pg from 'pg';
import type { Position } from '../eventstore/EventStore.js';
import { decodePosition } from '../eventstore/postgres/positionCodec.js';

export interface HeadRow {
  readonly streamId: string;
  readonly revision: bigint;
  readonly hash: string;
  readonly position: Position;
}

/**
 * Stream, revision, hash and position of the events after `after`, in log
 * order, only below the safe horizon (docs/event-store.md): what an anchor
 * needs and nothing of the payloads.
 */
export async function readHeadsSince(pool: pg.Pool, after: Position, limit: number): Promise<HeadRow[]> {
  const [txId, seq] = decodePosition(after);
  const { rows } = await pool.query<[string, string, string, string]>({
    name: 'ledger_anchor_heads_v1',
    text: `SELECT stream_id, revision, hash, ledger.format_position(tx_id, seq) FROM ledger.events
            WHERE (tx_id, seq) > ($1::xid8, $2::bigint) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY tx_id, seq LIMIT $3`,
    rowMode: 'array',
    values: [txId, seq, limit],
  });
  return rows.map(([streamId, revision, hash, position]) => ({ streamId, revision: BigInt(revision), hash, position: position as Position }));
}

import type pg from 'pg';

/** One alias of the unmatched queue, as `reporting.unmatched_waiting` shows it. */
export interface UnmatchedAlias {
  readonly alias: string;
  readonly transitions: number;
  readonly sourceSystems: string[];
  readonly types: string[];
  readonly waitingSince: string;
  readonly lastReceivedAt: string;
}

/** The aliases transitions wait under, longest waiting first. */
export async function unmatchedWaiting(pool: pg.Pool, limit: number): Promise<UnmatchedAlias[]> {
  const { rows } = await pool.query<UnmatchedAlias & { waitingSince: Date; lastReceivedAt: Date }>(
    `SELECT alias, transitions, source_systems AS "sourceSystems", types, waiting_since AS "waitingSince", last_received_at AS "lastReceivedAt"
       FROM reporting.unmatched_waiting ORDER BY waiting_since, alias LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ ...row, waitingSince: row.waitingSince.toISOString(), lastReceivedAt: row.lastReceivedAt.toISOString() }));
}

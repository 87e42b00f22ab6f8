import type pg from 'pg';
import type { Position } from '../../eventstore/EventStore.js';

/** One row of `reporting.projection_checkpoints`: a projection's partition (the only one, 0 of 1, unless split). */
export interface Checkpoint {
  readonly name: string;
  readonly partition: number;
  /** How many partitions the projection runs as; the same in every row of the projection. */
  readonly partitions: number;
  readonly version: number;
  readonly position: Position;
  readonly status: 'running' | 'failed';
  readonly error: string | null;
  readonly failedPosition: Position | null;
  readonly failedEventId: string | null;
  readonly eventsApplied: number;
  readonly lastRecordedAt: Date | null;
  readonly updatedAt: Date;
}

/** Which row: a projection and one of its partitions. */
export interface CheckpointKey {
  readonly name: string;
  readonly partition: number;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

const columns = `name, partition, partitions, version, position, status, error, failed_position, failed_event_id,
  events_applied, last_recorded_at, updated_at`;

/**
 * The checkpoints of `name`, one per partition. A new projection gets
 * `partitions` rows at the start of the log, all in one statement; an
 * existing one is returned as stored, whatever its partition count (the
 * caller compares it with its own).
 */
export async function ensureCheckpoints(db: Queryable, name: string, version: number, partitions: number): Promise<Checkpoint[]> {
  await db.query(
    `INSERT INTO reporting.projection_checkpoints (name, partition, partitions, version)
     SELECT $1, p, $3, $2 FROM generate_series(0, $3::int - 1) AS p
      WHERE NOT EXISTS (SELECT 1 FROM reporting.projection_checkpoints WHERE name = $1)
     ON CONFLICT (name, partition) DO NOTHING`,
    [name, version, partitions],
  );
  const found = await readProjectionCheckpoints(db, name);
  if (found.length === 0) throw new Error(`Checkpoints of ${name} vanished right after they were created`);
  return found;
}

/** One partition's checkpoint (partition 0: the whole projection when it is not split). */
export async function readCheckpoint(db: Queryable, name: string, partition = 0): Promise<Checkpoint | undefined> {
  const result = await db.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1 AND partition = $2`, [name, partition]);
  return result.rows[0] === undefined ? undefined : toCheckpoint(result.rows[0]);
}

export async function readProjectionCheckpoints(db: Queryable, name: string): Promise<Checkpoint[]> {
  const result = await db.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1 ORDER BY partition`, [name]);
  return result.rows.map(toCheckpoint);
}

/** Every row, by projection then partition. */
export async function readCheckpoints(db: Queryable): Promise<Checkpoint[]> {
  const result = await db.query(`SELECT ${columns} FROM reporting.projection_checkpoints ORDER BY name, partition`);
  return result.rows.map(toCheckpoint);
}

/**
 * Locks one partition's row for the rest of the caller's transaction. Every
 * batch takes this lock before it touches a table; a rebuild's swap takes
 * every row of the projection (`lockProjectionCheckpoints`): the two
 * serialise here instead of deadlocking on the tables.
 */
export async function lockCheckpoint(client: Queryable, key: CheckpointKey): Promise<Checkpoint> {
  const result = await client.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1 AND partition = $2 FOR UPDATE`, [key.name, key.partition]);
  if (result.rows[0] === undefined) throw new Error(`Projection ${key.name} has no checkpoint row for partition ${key.partition}`);
  return toCheckpoint(result.rows[0]);
}

/** Every partition's row of `name`, locked in partition order (a batch locks one row only, so this never deadlocks with one). */
export async function lockProjectionCheckpoints(client: Queryable, name: string): Promise<Checkpoint[]> {
  const result = await client.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1 ORDER BY partition FOR UPDATE`, [name]);
  return result.rows.map(toCheckpoint);
}

/** Where one partition of a rebuild stands at its swap. */
export interface RebuiltPartition {
  readonly position: Position;
  readonly applied: number;
  readonly lastRecordedAt: Date | null;
}

/**
 * A rebuild's swap, inside its transaction (the rows locked): the
 * projection's checkpoints become one per partition of the rebuilt
 * version, each where its builder stopped. Rows of partitions that stay are
 * updated in place, so a worker waiting on its row sees it moved and follows.
 */
export async function replaceCheckpoints(client: Queryable, name: string, version: number, partitions: readonly RebuiltPartition[]): Promise<void> {
  await client.query('DELETE FROM reporting.projection_checkpoints WHERE name = $1 AND partition >= $2', [name, partitions.length]);
  await client.query(
    `INSERT INTO reporting.projection_checkpoints AS c (name, partition, partitions, version, position, events_applied, last_recorded_at)
     SELECT $1, r.o - 1, cardinality($3::text[]), $2, r.position, r.applied, r.recorded_at
       FROM unnest($3::text[], $4::bigint[], $5::timestamptz[]) WITH ORDINALITY AS r(position, applied, recorded_at, o)
     ON CONFLICT (name, partition) DO UPDATE
        SET partitions = excluded.partitions, version = excluded.version, position = excluded.position, events_applied = excluded.events_applied,
            last_recorded_at = coalesce(excluded.last_recorded_at, c.last_recorded_at),
            status = 'running', error = NULL, failed_position = NULL, failed_event_id = NULL, updated_at = now()`,
    [name, version, partitions.map((p) => p.position), partitions.map((p) => p.applied), partitions.map((p) => p.lastRecordedAt)],
  );
}

export interface Advance {
  readonly position: Position;
  readonly count: number;
  readonly lastRecordedAt: Date;
}

/** Moves the checkpoint past a batch; a successful batch also clears an earlier failure. */
export async function advanceCheckpoint(client: Queryable, key: CheckpointKey, advance: Advance): Promise<void> {
  await client.query(
    `UPDATE reporting.projection_checkpoints
        SET position = $3, events_applied = events_applied + $4, last_recorded_at = $5,
            status = 'running', error = NULL, failed_position = NULL, failed_event_id = NULL, updated_at = now()
      WHERE name = $1 AND partition = $2`,
    [key.name, key.partition, advance.position, advance.count, advance.lastRecordedAt],
  );
}

/**
 * Moves the checkpoint from `expected` to `to` with nothing applied (the log
 * up to `to` held only events the partition skips); false when someone
 * else moved it first.
 */
export async function passCheckpoint(client: Queryable, key: CheckpointKey, expected: { version: number; position: Position }, to: Position): Promise<boolean> {
  const result = await client.query(
    `UPDATE reporting.projection_checkpoints SET position = $5, updated_at = now()
      WHERE name = $1 AND partition = $2 AND version = $3 AND position = $4 AND status = 'running'`,
    [key.name, key.partition, expected.version, expected.position, to],
  );
  return result.rowCount === 1;
}

export interface Failure {
  readonly position: Position;
  readonly eventId: string;
  readonly error: string;
}

/** Records why the partition stopped; its position stays on the last event it applied. */
export async function markFailed(db: Queryable, key: CheckpointKey, failure: Failure): Promise<void> {
  await db.query(
    `UPDATE reporting.projection_checkpoints
        SET status = 'failed', error = $3, failed_position = $4, failed_event_id = $5, updated_at = now()
      WHERE name = $1 AND partition = $2`,
    [key.name, key.partition, failure.error, failure.position, failure.eventId],
  );
}

function toCheckpoint(row: Record<string, unknown>): Checkpoint {
  return {
    name: row.name as string,
    partition: row.partition as number,
    partitions: row.partitions as number,
    version: row.version as number,
    position: row.position as Position,
    status: row.status as Checkpoint['status'],
    error: row.error as string | null,
    failedPosition: row.failed_position as Position | null,
    failedEventId: row.failed_event_id as string | null,
    eventsApplied: Number(row.events_applied),
    lastRecordedAt: row.last_recorded_at as Date | null,
    updatedAt: row.updated_at as Date,
  };
}

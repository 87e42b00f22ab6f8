import type pg from 'pg';
import type { Position } from '../../eventstore/EventStore.js';

/** A projection's row in `reporting.projection_checkpoints`. */
export interface Checkpoint {
  readonly name: string;
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

type Queryable = Pick<pg.ClientBase, 'query'>;

const columns = `name, version, position, status, error, failed_position, failed_event_id,
  events_applied, last_recorded_at, updated_at`;

/** The checkpoint of `name`, created at the start of the log when the projection is new. */
export async function ensureCheckpoint(db: Queryable, name: string, version: number): Promise<Checkpoint> {
  await db.query(
    'INSERT INTO reporting.projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, version],
  );
  const found = await readCheckpoint(db, name);
  if (!found) throw new Error(`Checkpoint ${name} vanished right after it was created`);
  return found;
}

export async function readCheckpoint(db: Queryable, name: string): Promise<Checkpoint | undefined> {
  const result = await db.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1`, [name]);
  return result.rows[0] === undefined ? undefined : toCheckpoint(result.rows[0]);
}

export async function readCheckpoints(db: Queryable): Promise<Checkpoint[]> {
  const result = await db.query(`SELECT ${columns} FROM reporting.projection_checkpoints ORDER BY name`);
  return result.rows.map(toCheckpoint);
}

/**
 * Locks the row for the rest of the caller's transaction. Every batch takes
 * this lock before it touches a table, and so does a rebuild's swap: the two
 * serialise here instead of deadlocking on the tables.
 */
export async function lockCheckpoint(client: Queryable, name: string): Promise<Checkpoint> {
  const result = await client.query(`SELECT ${columns} FROM reporting.projection_checkpoints WHERE name = $1 FOR UPDATE`, [name]);
  if (result.rows[0] === undefined) throw new Error(`Projection ${name} has no checkpoint row`);
  return toCheckpoint(result.rows[0]);
}

export interface Advance {
  readonly position: Position;
  readonly count: number;
  readonly lastRecordedAt: Date;
}

/** Moves the checkpoint past a batch; a successful batch also clears an earlier failure. */
export async function advanceCheckpoint(client: Queryable, name: string, advance: Advance): Promise<void> {
  await client.query(
    `UPDATE reporting.projection_checkpoints
        SET position = $2, events_applied = events_applied + $3, last_recorded_at = $4,
            status = 'running', error = NULL, failed_position = NULL, failed_event_id = NULL, updated_at = now()
      WHERE name = $1`,
    [name, advance.position, advance.count, advance.lastRecordedAt],
  );
}

/**
 * Moves the checkpoint from `expected` to `to` with nothing applied (the log
 * up to `to` held only events the projection skips); false when someone
 * else moved it first.
 */
export async function passCheckpoint(client: Queryable, name: string, expected: { version: number; position: Position }, to: Position): Promise<boolean> {
  const result = await client.query(
    `UPDATE reporting.projection_checkpoints SET position = $4, updated_at = now()
      WHERE name = $1 AND version = $2 AND position = $3 AND status = 'running'`,
    [name, expected.version, expected.position, to],
  );
  return result.rowCount === 1;
}

export interface Failure {
  readonly position: Position;
  readonly eventId: string;
  readonly error: string;
}

/** Records why the projection stopped; its position stays on the last event it applied. */
export async function markFailed(db: Queryable, name: string, failure: Failure): Promise<void> {
  await db.query(
    `UPDATE reporting.projection_checkpoints
        SET status = 'failed', error = $2, failed_position = $3, failed_event_id = $4, updated_at = now()
      WHERE name = $1`,
    [name, failure.error, failure.position, failure.eventId],
  );
}

function toCheckpoint(row: Record<string, unknown>): Checkpoint {
  return {
    name: row.name as string,
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

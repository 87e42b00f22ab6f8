import type pg from 'pg';
import type { Position, RecordedEvent } from '../../eventstore/EventStore.js';
import type { Projection, TableTargets } from '../Projection.js';
import { isTransient } from '../../postgres/transientError.js';
import { advanceCheckpoint, lockCheckpoint, markFailed } from './checkpoints.js';

/** Where the caller believes the checkpoint stands; a batch applies only on top of exactly that. */
export interface Expected {
  readonly version: number;
  readonly position: Position;
}

export type BatchOutcome =
  | { readonly kind: 'applied'; readonly position: Position }
  /** Someone else (a rebuild's swap, another worker) moved the checkpoint: reload it. */
  | { readonly kind: 'moved' }
  | { readonly kind: 'failed'; readonly event: RecordedEvent; readonly error: Error };

/**
 * Applies `events` and advances the checkpoint in one transaction (to
 * `through` when given: the log up to there holds nothing else to apply). When the
 * batch fails, its events are retried one per transaction so that those
 * before the culprit are kept and the culprit itself is named, never skipped.
 */
export async function applyBatch(
  client: pg.ClientBase, projection: Projection, tables: TableTargets,
  events: readonly RecordedEvent[], expected: Expected, through?: Position,
): Promise<BatchOutcome> {
  try {
    return await applyInTransaction(client, projection, tables, events, expected, through);
  } catch (error) {
    if (isTransient(error)) throw error;
    if (events.length === 1) return fail(client, projection, events[0]!, error);
  }
  let position = expected.position;
  for (const event of events) {
    try {
      const outcome = await applyInTransaction(client, projection, tables, [event], { ...expected, position });
      if (outcome.kind !== 'applied') return outcome;
      position = outcome.position;
    } catch (error) {
      if (isTransient(error)) throw error;
      return fail(client, projection, event, error);
    }
  }
  return { kind: 'applied', position };
}

async function applyInTransaction(
  client: pg.ClientBase, projection: Projection, tables: TableTargets,
  events: readonly RecordedEvent[], expected: Expected, through?: Position,
): Promise<BatchOutcome> {
  const last = events.at(-1);
  if (last === undefined) return { kind: 'applied', position: expected.position };
  await client.query('BEGIN');
  try {
    const checkpoint = await lockCheckpoint(client, projection.name);
    if (checkpoint.position !== expected.position || checkpoint.version !== expected.version) {
      await client.query('ROLLBACK');
      return { kind: 'moved' };
    }
    await projection.apply(client, events, tables);
    const position = through !== undefined && through > last.position ? through : last.position;
    await advanceCheckpoint(client, projection.name, { position, count: events.length, lastRecordedAt: last.recordedAt });
    await client.query('COMMIT');
    return { kind: 'applied', position };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function fail(client: pg.ClientBase, projection: Projection, event: RecordedEvent, cause: unknown): Promise<BatchOutcome> {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  await markFailed(client, projection.name, { position: event.position, eventId: event.id, error: `${event.type} ${event.id}: ${error.message}` });
  return { kind: 'failed', event, error };
}

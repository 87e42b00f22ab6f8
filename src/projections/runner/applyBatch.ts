import type pg from 'pg';
import type { Position, RecordedEvent } from '../../eventstore/EventStore.js';
import type { Applier, PreparedBatch, TableTargets } from '../Projection.js';
import { isTransient } from '../../postgres/transientError.js';
import { advanceCheckpoint, lockCheckpoint, markFailed, type CheckpointKey } from './checkpoints.js';

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

/** A batch of events, prepared (folded, rows built), ready to be written at `expected`. */
export interface Batch {
  readonly events: readonly RecordedEvent[];
  readonly prepared: PreparedBatch;
  /** The log up to here holds nothing else to apply: the checkpoint may move this far. */
  readonly through?: Position;
}

/**
 * Writes a prepared batch and advances the checkpoint in one transaction.
 * When the batch fails, every uncommitted preparation is dropped and its
 * events are applied again one per transaction, so that those before the
 * culprit are kept and the culprit itself is named, never skipped.
 */
export async function applyBatch(
  client: pg.ClientBase, key: CheckpointKey, applier: Applier, tables: TableTargets, batch: Batch, expected: Expected,
): Promise<BatchOutcome> {
  try {
    return await applyInTransaction(client, key, tables, batch, expected);
  } catch (error) {
    applier.reset();
    if (isTransient(error)) throw error;
    if (batch.events.length === 1) return fail(client, key, batch.events[0]!, error);
  }
  let position = expected.position;
  for (const event of batch.events) {
    try {
      const prepared = await applier.prepare([event]);
      const outcome = await applyInTransaction(client, key, tables, { events: [event], prepared }, { ...expected, position });
      if (outcome.kind !== 'applied') return outcome;
      position = outcome.position;
    } catch (error) {
      applier.reset();
      if (isTransient(error)) throw error;
      return fail(client, key, event, error);
    }
  }
  return { kind: 'applied', position };
}

async function applyInTransaction(
  client: pg.ClientBase, key: CheckpointKey, tables: TableTargets, batch: Batch, expected: Expected,
): Promise<BatchOutcome> {
  const last = batch.events.at(-1);
  if (last === undefined) return { kind: 'applied', position: expected.position };
  await client.query('BEGIN');
  try {
    const checkpoint = await lockCheckpoint(client, key);
    if (checkpoint.position !== expected.position || checkpoint.version !== expected.version) {
      await client.query('ROLLBACK');
      return { kind: 'moved' };
    }
    await batch.prepared.write(client, tables);
    const position = batch.through !== undefined && batch.through > last.position ? batch.through : last.position;
    await advanceCheckpoint(client, key, { position, count: batch.events.length, lastRecordedAt: last.recordedAt });
    await client.query('COMMIT');
    batch.prepared.committed();
    return { kind: 'applied', position };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function fail(client: pg.ClientBase, key: CheckpointKey, event: RecordedEvent, cause: unknown): Promise<BatchOutcome> {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  await markFailed(client, key, { position: event.position, eventId: event.id, error: `${event.type} ${event.id}: ${error.message}` });
  return { kind: 'failed', event, error };
}

import type pg from 'pg';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { Logger } from '../../logger.js';
import { holdClient } from '../../postgres/holdClient.js';
import type { Projection } from '../Projection.js';
import { tryLockProjection, unlockProjection } from './advisoryLock.js';
import { ensureCheckpoint } from './checkpoints.js';
import { follow } from './followLog.js';

export interface WorkerOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly idleMs: number;
  /** How often, at most, the checkpoint is moved past events the projection skips (default 1 s). */
  readonly skipEveryMs?: number;
  /** Orders (or other keys) a projection keeps in memory; its default when absent. */
  readonly memoryLimit?: number;
  /** Called once the session holds the lock and follows the log. */
  readonly onLeading?: () => void;
}

/** Why a session ended: the caller decides whether to start another. */
export type SessionEnd = 'stopped' | 'failed' | 'not-leader' | 'moved';

/**
 * One session of a projection: take its lock, follow the log from its
 * checkpoint and apply batches until stopped, failed, or the checkpoint is
 * moved under it (a rebuild swapped in new tables).
 */
export async function runWorkerSession(options: WorkerOptions, signal: AbortSignal): Promise<SessionEnd> {
  const { pool, projection } = options;
  const held = await holdClient(pool);
  const { client } = held;
  let locked = false;
  let broken: Error | undefined;
  try {
    locked = await tryLockProjection(client, projection.name);
    if (!locked) return 'not-leader';
    const checkpoint = await ensureCheckpoint(client, projection.name, projection.version);
    if (checkpoint.version < projection.version) {
      options.logger.warn({ projection: projection.name, stored: checkpoint.version, code: projection.version },
        `projection ${projection.name} tables are older than its code: run "order-ledger rebuild ${projection.name}"`);
    }
    options.onLeading?.();
    const end = await follow(options, client, { version: checkpoint.version, position: checkpoint.position }, [signal, held.lost]);
    // The lock died with the connection: end the session so that a new one takes it again from the checkpoint.
    if (held.lost.aborted) throw held.lost.reason;
    return end;
  } catch (error) {
    broken = held.lost.aborted ? (held.lost.reason as Error) : (error as Error);
    throw broken;
  } finally {
    if (locked && !held.lost.aborted) await unlockProjection(client, projection.name).catch(() => undefined);
    held.release(broken);
  }
}

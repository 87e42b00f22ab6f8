import type pg from 'pg';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { StreamPartition } from '../../eventstore/streamPartition.js';
import type { Logger } from '../../logger.js';
import { holdClient } from '../../postgres/holdClient.js';
import type { Projection } from '../Projection.js';
import { tryLockPartition, unlockPartition } from './advisoryLock.js';
import { ensureCheckpoints } from './checkpoints.js';
import { follow } from './followLog.js';

export interface WorkerOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  /** The share of the order streams this worker applies ({ index: 0, count: 1 }: all of them). */
  readonly partition: StreamPartition;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly idleMs: number;
  /** How often, at most, the checkpoint is moved past events the partition skips (default 1 s). */
  readonly skipEveryMs?: number;
  /** Orders (or other keys) a projection keeps in memory; its default when absent. */
  readonly memoryLimit?: number;
  /** Called once the session holds the lock and follows the log. */
  readonly onLeading?: () => void;
}

/** Why a session ended: the caller decides whether to start another. */
export type SessionEnd = 'stopped' | 'failed' | 'not-leader' | 'moved';

/** The projection's checkpoints are for another partition count than this worker's: a rebuild with the new count changes it. */
export class PartitionCountMismatch extends Error {
  constructor(readonly projection: string, readonly stored: number, readonly configured: number) {
    super(`projection ${projection} is stored as ${stored} partition(s) but runs as ${configured} here: `
      + `run "order-ledger rebuild ${projection}" with LEDGER_PROJECTION_PARTITIONS=${configured}, or start this process with ${stored}`);
  }
}

/**
 * One session of a projection's partition: take its lock (the lease),
 * follow the log from its checkpoint and apply that partition's batches
 * until stopped, failed, or the checkpoint is moved under it (a rebuild
 * swapped in new tables).
 */
export async function runWorkerSession(options: WorkerOptions, signal: AbortSignal): Promise<SessionEnd> {
  const { pool, projection, partition } = options;
  const held = await holdClient(pool);
  const { client } = held;
  let locked = false;
  let broken: Error | undefined;
  try {
    locked = await tryLockPartition(client, projection.name, partition.index);
    if (!locked) return 'not-leader';
    const checkpoints = await ensureCheckpoints(client, projection.name, projection.version, partition.count);
    const checkpoint = checkpoints.find((c) => c.partition === partition.index);
    if (checkpoint === undefined || checkpoints.some((c) => c.partitions !== partition.count)) {
      throw new PartitionCountMismatch(projection.name, checkpoints[0]?.partitions ?? 0, partition.count);
    }
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
    if (error instanceof PartitionCountMismatch) throw error;
    broken = held.lost.aborted ? (held.lost.reason as Error) : (error as Error);
    throw broken;
  } finally {
    if (locked && !held.lost.aborted) await unlockPartition(client, projection.name, partition.index).catch(() => undefined);
    held.release(broken);
  }
}

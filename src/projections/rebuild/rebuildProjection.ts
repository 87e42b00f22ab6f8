import type pg from 'pg';
import type { EventStore, Position, RecordedEvent } from '../../eventstore/EventStore.js';
import { START } from '../../eventstore/EventStore.js';
import type { Applier, PreparedBatch, Projection, TableTargets } from '../Projection.js';
import { tryLockRebuild, unlockRebuild } from '../runner/advisoryLock.js';
import { partitionOfStream } from '../../eventstore/streamPartition.js';
import { ensureCheckpoints, lockProjectionCheckpoints, replaceCheckpoints } from '../runner/checkpoints.js';
import { createBuildTables, dropSchema, rebuildSchemas } from './buildTables.js';
import { swapTables } from './swapTables.js';

export interface RebuildProgress {
  readonly projection: string;
  readonly applied: number;
  readonly position: Position;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  /** Events per read and per transaction (default 10000: fewer, larger batches write each order's state fewer times). */
  readonly batchSize?: number;
  /** Orders (or other keys) held in memory while building; the projection's default when absent. */
  readonly memoryLimit?: number;
  /** How many partitions the rebuilt projection runs as from the swap on (default: as many as now). */
  readonly partitions?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  readonly projection: string;
  readonly version: number;
  readonly applied: number;
  readonly position: Position;
  readonly elapsedMs: number;
}

/**
 * Builds the next version of a projection from position zero into a build
 * schema while the live tables keep serving (and the live worker keeps
 * feeding them), then swaps in one transaction once caught up. The swap
 * locks the checkpoint row first, exactly as every live batch does, so the
 * two never interleave; the live worker then sees the checkpoint moved and
 * follows the new tables from the carried-over position.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, projection } = options;
  const client = await pool.connect();
  try {
    if (!(await tryLockRebuild(client, projection.name))) throw new Error(`A rebuild of ${projection.name} is already running`);
    try {
      return await build(client, options);
    } finally {
      await unlockRebuild(client, projection.name);
    }
  } finally {
    client.release();
  }
}

async function build(client: pg.PoolClient, options: RebuildOptions): Promise<RebuildResult> {
  const { projection } = options;
  const started = Date.now();
  const live = await ensureCheckpoints(client, projection.name, projection.version, options.partitions ?? 1);
  const version = Math.max(...live.map((c) => c.version + 1), projection.version);
  const partitions = options.partitions ?? live[0]!.partitions;
  const schemas = rebuildSchemas(projection, version);
  const built = await createBuildTables(client, projection, schemas.build);
  const applier = projection.open({ store: options.store, writeBack: true, ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }) });
  const progress: BuildProgress = { applied: 0, position: START, lastRecordedAt: null, byPartition: new Array<number>(partitions).fill(0) };
  const report = () => options.onProgress?.({ projection: projection.name, applied: progress.applied, position: progress.position, elapsedMs: Date.now() - started });
  try {
    await applyUntilEnd(client, options, applier, built.tables, progress, true, report);
    await writeOut(client, applier.flush?.(), built.tables, true);
    await built.createIndexes(client);
    await client.query('BEGIN');
    await lockProjectionCheckpoints(client, projection.name);
    // Events that arrived during the build; the live worker waits on the row lock meanwhile.
    await applyUntilEnd(client, options, applier, built.tables, progress, false, report);
    await writeOut(client, applier.flush?.(), built.tables, false);
    await swapTables(client, projection, schemas.build, schemas.retired);
    await replaceCheckpoints(client, projection.name, { version, position: progress.position, applied: progress.byPartition, lastRecordedAt: progress.lastRecordedAt });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await dropSchema(client, schemas.build).catch(() => undefined);
    throw error;
  }
  report();
  return { projection: projection.name, version, applied: progress.applied, position: progress.position, elapsedMs: Date.now() - started };
}

interface BuildProgress {
  applied: number;
  /** Events applied per partition of the rebuilt projection: each partition's checkpoint counts its own. */
  readonly byPartition: number[];
  position: Position;
  lastRecordedAt: Date | null;
}

/**
 * Reads pages from `progress.position` to the readable end and applies
 * each (in its own transaction when `ownTransactions`). Three things
 * overlap: the next page is read while this one is folded, and folded
 * while the one before is written (the log and the build use separate
 * connections).
 */
async function applyUntilEnd(
  client: pg.PoolClient, options: RebuildOptions, applier: Applier, tables: TableTargets, progress: BuildProgress,
  ownTransactions: boolean, report: () => void,
): Promise<void> {
  const { store, projection } = options;
  const limit = options.batchSize ?? 10_000;
  const types = projection.handles === 'all' ? {} : { types: projection.handles };
  let next = store.readAll({ after: progress.position, limit, ...types });
  let writing: Promise<void> | undefined;
  try {
    for (;;) {
      const page = await next;
      if (!page.isEnd) next = store.readAll({ after: page.nextPosition, limit, ...types });
      if (page.events.length > 0) {
        const prepared = await applier.prepare(page.events);
        await writing;
        writing = writeOut(client, prepared, tables, ownTransactions);
      }
      progress.applied += page.events.length;
      countByPartition(progress.byPartition, page.events);
      progress.position = page.nextPosition;
      progress.lastRecordedAt = page.events.at(-1)?.recordedAt ?? progress.lastRecordedAt;
      report();
      if (page.isEnd) break;
    }
    await writing;
  } catch (error) {
    next.catch(() => undefined);
    writing?.catch(() => undefined);
    throw error;
  }
}

async function writeOut(client: pg.PoolClient, prepared: PreparedBatch | undefined, tables: TableTargets, ownTransaction: boolean): Promise<void> {
  if (!prepared) return;
  if (!ownTransaction) {
    await prepared.write(client, tables);
    return prepared.committed();
  }
  await client.query('BEGIN');
  try {
    await prepared.write(client, tables);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  prepared.committed();
}

function countByPartition(counts: number[], events: readonly RecordedEvent[]): void {
  if (counts.length === 1) counts[0]! += events.length;
  else for (const event of events) counts[partitionOfStream(event.streamId, counts.length)]! += 1;
}

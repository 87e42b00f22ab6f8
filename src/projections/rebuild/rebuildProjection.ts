import type pg from 'pg';
import type { EventStore, Position } from '../../eventstore/EventStore.js';
import { partitionsOf } from '../../eventstore/streamPartition.js';
import type { Projection } from '../Projection.js';
import { tryLockRebuild, unlockRebuild } from '../runner/advisoryLock.js';
import { buildToEnd, startPartitionBuild } from './buildPartition.js';
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
  /**
   * How many partitions the rebuilt projection runs as from the swap on
   * (default: as many as now). The rebuild runs as many builders at once,
   * each on its own connection and with its own `memoryLimit`.
   */
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
 * schema while the live tables keep serving (and the live workers keep
 * feeding them), one builder per partition, then swaps in one transaction
 * once caught up. The swap locks every checkpoint row of the projection
 * first, as every live batch locks its own, so the two never interleave;
 * the live workers then see their checkpoints moved and follow the new
 * tables from the carried-over positions.
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
  const { projection, pool, store } = options;
  const started = Date.now();
  const live = await ensureCheckpoints(client, projection.name, projection.version, options.partitions ?? 1);
  const version = Math.max(...live.map((c) => c.version + 1), projection.version);
  const partitions = partitionsOf(options.partitions ?? live[0]!.partitions);
  const schemas = rebuildSchemas(projection, version);
  const built = await createBuildTables(client, projection, schemas.build);
  const builds = partitions.map((partition) => startPartitionBuild(projection, store, partition, options.memoryLimit));
  let failed = false;
  const source = { store, projection, limit: options.batchSize ?? 10_000, abandoned: () => failed };
  const progress = (): RebuildProgress => ({
    projection: projection.name, applied: builds.reduce((n, b) => n + b.applied, 0),
    position: builds.map((b) => b.position).reduce((a, b) => (b < a ? b : a)), elapsedMs: Date.now() - started,
  });
  const report = () => options.onProgress?.(progress());
  try {
    // The bulk of the log: every partition at once, each on a connection of its own, into tables no one reads yet.
    await Promise.all(builds.map(async (partition) => {
      const own = await pool.connect();
      try {
        await buildToEnd(own, source, partition, built.tables, true, report);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        own.release();
      }
    }));
    await built.createIndexes(client);
    await client.query('BEGIN');
    await lockProjectionCheckpoints(client, projection.name);
    // Events that arrived during the build; the live workers wait on their checkpoint rows meanwhile.
    for (const partition of builds) await buildToEnd(client, source, partition, built.tables, false, report);
    await swapTables(client, projection, schemas.build, schemas.retired);
    await replaceCheckpoints(client, projection.name, version, builds);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await dropSchema(client, schemas.build).catch(() => undefined);
    throw error;
  }
  report();
  const { applied, position } = progress();
  return { projection: projection.name, version, applied, position, elapsedMs: Date.now() - started };
}

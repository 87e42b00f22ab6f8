import type pg from 'pg';
import type { EventStore, Position } from '../../eventstore/EventStore.js';
import { partitionsOf } from '../../eventstore/streamPartition.js';
import type { Projection } from '../Projection.js';
import { tryLockRebuild, unlockRebuild } from '../runner/advisoryLock.js';
import { buildToEnd, startPartitionBuild, type BuildSink, type PartitionBuild } from './buildPartition.js';
import { ensureCheckpoints, lockProjectionCheckpoints, replaceCheckpoints } from '../runner/checkpoints.js';
import { createBuildTables, dropSchema, rebuildSchemas, type BuildTables } from './buildTables.js';
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
  const { projection, ...rest } = options;
  const [result] = await rebuildProjections({ ...rest, projections: [projection] });
  return result!;
}

export interface RebuildManyOptions extends Omit<RebuildOptions, 'projection'> {
  readonly projections: readonly Projection[];
}

/** One projection's rebuild: its lock, build schema and partition builders. */
interface Plan {
  readonly projection: Projection;
  readonly client: pg.PoolClient;
  readonly version: number;
  readonly schemas: { build: string; retired: string };
  built?: BuildTables;
  builds: PartitionBuild[];
  failure?: { error: unknown };
}

/**
 * Rebuilds several projections at once, as `rebuildProjection` rebuilds
 * one, reading the log once for all of them: per partition one reader whose
 * pages feed every projection's builder (each takes the event types it
 * handles). Each projection swaps on its own once built; one that fails
 * (an event it cannot apply) is dropped and named, the others swap in.
 * Throws after the others swapped when any failed.
 */
export async function rebuildProjections(options: RebuildManyOptions): Promise<RebuildResult[]> {
  const started = Date.now();
  const plans: Plan[] = [];
  try {
    for (const projection of options.projections) plans.push(await lockAndPlan(options, projection));
    const limit = options.batchSize ?? 10_000;
    const report = (plan: Plan) => options.onProgress?.(progressOf(plan, started));
    await bulkLoad(options, plans, limit, report);
    // One swap at a time: views read the tables of several projections, and two swaps re-creating them would deadlock.
    const failed: { name: string; error: unknown }[] = [];
    for (const plan of plans) {
      try {
        await swapIn(options.store, plan, limit, () => report(plan));
      } catch (error) {
        failed.push({ name: plan.projection.name, error });
      }
    }
    if (failed.length === 1 && plans.length === 1) throw failed[0]!.error;
    if (failed.length > 0) {
      const named = failed.map((f) => `${f.name}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('; ');
      throw new AggregateError(failed.map((f) => f.error), `rebuild failed for ${named}`);
    }
    return plans.map((plan) => ({ ...progressOf(plan, started), version: plan.version, elapsedMs: Date.now() - started }));
  } finally {
    for (const plan of plans) {
      await unlockRebuild(plan.client, plan.projection.name).catch(() => undefined);
      plan.client.release();
    }
  }
}

async function lockAndPlan(options: RebuildManyOptions, projection: Projection): Promise<Plan> {
  const client = await options.pool.connect();
  let locked = false;
  try {
    locked = await tryLockRebuild(client, projection.name);
    if (!locked) throw new Error(`A rebuild of ${projection.name} is already running`);
    const live = await ensureCheckpoints(client, projection.name, projection.version, options.partitions ?? 1);
    const version = Math.max(...live.map((c) => c.version + 1), projection.version);
    const partitions = partitionsOf(options.partitions ?? live[0]!.partitions);
    const builds = partitions.map((partition) => startPartitionBuild(projection, options.store, partition, options.memoryLimit));
    return { projection, client, version, schemas: rebuildSchemas(projection, version), builds };
  } catch (error) {
    if (locked) await unlockRebuild(client, projection.name).catch(() => undefined);
    client.release();
    throw error;
  }
}

/** The bulk of the log, into tables no one reads yet: one reader per partition (and partition count) for every projection, each builder writing on a connection of its own. */
async function bulkLoad(options: RebuildManyOptions, plans: Plan[], limit: number, report: (plan: Plan) => void): Promise<void> {
  const clients: pg.PoolClient[] = [];
  try {
    const readers = new Map<string, BuildSink[]>();
    for (const plan of plans) {
      plan.built = await createBuildTables(plan.client, plan.projection, plan.schemas.build);
      for (const build of plan.builds) {
        const client = await options.pool.connect();
        clients.push(client);
        const sink: BuildSink = {
          projection: plan.projection, build, client, tables: plan.built.tables, ownTransactions: true,
          failed: () => plan.failure !== undefined,
          fail: (error) => { plan.failure ??= { error }; },
        };
        const key = `${build.partition.index}/${build.partition.count}`;
        readers.set(key, [...(readers.get(key) ?? []), sink]);
      }
    }
    const byName = new Map(plans.map((p) => [p.projection.name, p]));
    // A reader that fails (the log could not be read) fails every projection it feeds; the other partitions of those stop at their next page.
    await Promise.all([...readers.values()].map((sinks) => buildToEnd(options.store, sinks, limit, () => {
      for (const sink of sinks) report(byName.get(sink.projection.name)!);
    }).catch((error: unknown) => {
      for (const sink of sinks) sink.fail(error);
    })));
  } catch (error) {
    for (const plan of plans) plan.failure ??= { error };
  } finally {
    for (const client of clients) client.release();
  }
}

/** Indexes, then in one transaction: the late events of every partition, the table swap and the checkpoints. */
async function swapIn(store: EventStore, plan: Plan, limit: number, report: () => void): Promise<void> {
  const { client, projection, schemas } = plan;
  try {
    if (plan.failure) throw plan.failure.error;
    await plan.built!.createIndexes(client);
    await client.query('BEGIN');
    await lockProjectionCheckpoints(client, projection.name);
    // Events that arrived during the build; the live workers wait on their checkpoint rows meanwhile.
    for (const build of plan.builds) {
      const sink: BuildSink = {
        projection, build, client, tables: plan.built!.tables, ownTransactions: false,
        failed: () => plan.failure !== undefined,
        fail: (error) => { plan.failure ??= { error }; },
      };
      await buildToEnd(store, [sink], limit, report);
      // Set by the sink meanwhile (TypeScript still sees the check above).
      const failure = plan.failure as Plan['failure'];
      if (failure) throw failure.error;
    }
    await swapTables(client, projection, schemas.build, schemas.retired);
    await replaceCheckpoints(client, projection.name, plan.version, plan.builds);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await dropSchema(client, schemas.build).catch(() => undefined);
    throw error;
  }
  report();
}

function progressOf(plan: Plan, started: number): RebuildProgress {
  return {
    projection: plan.projection.name,
    applied: plan.builds.reduce((n, b) => n + b.applied, 0),
    position: plan.builds.map((b) => b.position).reduce((a, b) => (b < a ? b : a)),
    elapsedMs: Date.now() - started,
  };
}

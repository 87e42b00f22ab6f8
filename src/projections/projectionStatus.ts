import type { Position } from '../eventstore/EventStore.js';
import type { ProjectionRunner, WorkerState } from './ProjectionRunner.js';
import { readCheckpoints, type Checkpoint } from './runner/checkpoints.js';
import { nothingToApply, projectionLag, worstLag, type Lag } from './runner/projectionLag.js';

interface Failure {
  readonly partition: number;
  readonly position: Position | null;
  readonly eventId: string | null;
  readonly error: string | null;
}

/** One partition of a projection (the only one, 0, when it is not split). */
export interface PartitionStatus {
  readonly partition: number;
  readonly status: 'running' | 'failed' | 'new';
  /** This instance's worker of the partition: active (holds its lock), standby, failed or stopped. */
  readonly worker: WorkerState;
  readonly position: Position;
  readonly eventsApplied: number;
  readonly lag: Lag;
  readonly failure: Failure | null;
  readonly updatedAt: Date | null;
}

/** What `GET /v1/projections` reports for one projection: its partitions together, and each. */
export interface ProjectionStatus {
  readonly name: string;
  /** Version of the tables serving reads (0 before the first batch). */
  readonly version: number;
  /** Version the running code expects; higher than `version` means "rebuild me". */
  readonly codeVersion: number;
  /** failed when any partition failed. */
  readonly status: 'running' | 'failed' | 'new';
  /** This instance's workers together: active if it leads any partition, else failed, standby or stopped. */
  readonly worker: WorkerState;
  /** Every event up to here is applied, in every partition (the furthest-behind partition's checkpoint). */
  readonly position: Position;
  readonly headPosition: Position;
  readonly eventsApplied: number;
  /** The furthest-behind partition's lag. */
  readonly lag: Lag;
  /** The first failed partition's failure. */
  readonly failure: Failure | null;
  readonly updatedAt: Date | null;
  /** How many partitions the stored checkpoints are for. */
  readonly partitionCount: number;
  readonly partitions: readonly PartitionStatus[];
}

export async function projectionStatuses(runner: ProjectionRunner): Promise<ProjectionStatus[]> {
  const [checkpoints, headPosition] = await Promise.all([readCheckpoints(runner.pool), runner.store.headPosition()]);
  return Promise.all(runner.projections.map(async (projection): Promise<ProjectionStatus> => {
    const rows = checkpoints.filter((c) => c.name === projection.name);
    const partitions = await Promise.all((rows.length > 0 ? rows : [undefined]).map(async (checkpoint, i): Promise<PartitionStatus> => {
      const position = checkpoint?.position ?? ('' as Position);
      return {
        partition: checkpoint?.partition ?? i,
        status: checkpoint?.status ?? 'new',
        worker: runner.workerState(projection.name, checkpoint?.partition ?? i),
        position,
        eventsApplied: checkpoint?.eventsApplied ?? 0,
        lag: await projectionLag(runner.store, projection, position, headPosition),
        failure: failureOf(checkpoint),
        updatedAt: checkpoint?.updatedAt ?? null,
      };
    }));
    const failed = partitions.find((p) => p.failure !== null);
    return {
      name: projection.name,
      version: rows.length === 0 ? 0 : Math.min(...rows.map((c) => c.version)),
      codeVersion: projection.version,
      status: failed ? 'failed' : rows.length === 0 ? 'new' : 'running',
      worker: together(partitions.map((p) => p.worker)),
      position: partitions.map((p) => p.position).reduce((a, b) => (b < a ? b : a)),
      headPosition,
      eventsApplied: partitions.reduce((sum, p) => sum + p.eventsApplied, 0),
      lag: worstLag(partitions.map((p) => p.lag)),
      failure: failed?.failure ?? null,
      updatedAt: rows.length === 0 ? null : new Date(Math.max(...rows.map((c) => c.updatedAt.getTime()))),
      partitionCount: rows[0]?.partitions ?? runner.partitions,
      partitions,
    };
  }));
}

function failureOf(checkpoint: Checkpoint | undefined): Failure | null {
  if (checkpoint?.status !== 'failed') return null;
  return { partition: checkpoint.partition, position: checkpoint.failedPosition, eventId: checkpoint.failedEventId, error: checkpoint.error };
}

function together(states: readonly WorkerState[]): WorkerState {
  for (const state of ['active', 'failed', 'standby'] as const) if (states.includes(state)) return state;
  return 'stopped';
}

/**
 * Resolves once each of the runner's projections has applied everything it
 * handles up to the log's head at the time of the call, in every partition
 * (a failed partition of this runner aside); rejects after `timeoutMs`.
 * Events become readable only once no older transaction is in flight, so
 * "no lag" alone could be said too early. Each look is cheap (one event at
 * most per partition) and the looks grow further apart, from 25 ms to half
 * a second, so waiting out a long catch-up does not slow it down.
 */
export async function waitUntilCaughtUp(runner: ProjectionRunner, timeoutMs = 20_000): Promise<ProjectionStatus[]> {
  const deadline = Date.now() + timeoutMs;
  const head = await runner.store.headPosition();
  for (let pause = 25; ; pause = Math.min(500, Math.round(pause * 1.5))) {
    if (await caughtUp(runner, head)) return projectionStatuses(runner);
    if (Date.now() > deadline) {
      const statuses = await projectionStatuses(runner);
      throw new Error(`projections did not catch up in ${timeoutMs} ms: ${JSON.stringify(statuses.map((s) => [s.name, s.lag]))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function caughtUp(runner: ProjectionRunner, head: Position): Promise<boolean> {
  const { safePosition } = await runner.store.readLag();
  if (safePosition < head) return false;
  const checkpoints = await readCheckpoints(runner.pool);
  for (const projection of runner.projections) {
    const rows = checkpoints.filter((c) => c.name === projection.name);
    if (rows.length !== runner.partitions) return false;
    for (const checkpoint of rows) {
      if (runner.workerState(projection.name, checkpoint.partition) === 'failed') continue;
      if (checkpoint.status !== 'running' || checkpoint.partitions !== runner.partitions) return false;
      const partition = { index: checkpoint.partition, count: checkpoint.partitions };
      if (!(await nothingToApply(runner.store, projection, checkpoint.position, partition))) return false;
    }
  }
  return true;
}

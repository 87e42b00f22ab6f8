import type { Position } from '../eventstore/EventStore.js';
import type { ProjectionRunner, WorkerState } from './ProjectionRunner.js';
import { readCheckpoints } from './runner/checkpoints.js';
import { nothingToApply, projectionLag, type Lag } from './runner/projectionLag.js';

/** What `GET /v1/projections` reports for one projection. */
export interface ProjectionStatus {
  readonly name: string;
  /** Version of the tables serving reads (0 before the first batch). */
  readonly version: number;
  /** Version the running code expects; higher than `version` means "rebuild me". */
  readonly codeVersion: number;
  readonly status: 'running' | 'failed' | 'new';
  /** This instance's worker: active (holds the lock), standby, failed or stopped. */
  readonly worker: WorkerState;
  readonly position: Position;
  readonly headPosition: Position;
  readonly eventsApplied: number;
  readonly lag: Lag;
  readonly failure: { readonly position: Position | null; readonly eventId: string | null; readonly error: string | null } | null;
  readonly updatedAt: Date | null;
}

export async function projectionStatuses(runner: ProjectionRunner): Promise<ProjectionStatus[]> {
  const [checkpoints, headPosition] = await Promise.all([readCheckpoints(runner.pool), runner.store.headPosition()]);
  const byName = new Map(checkpoints.map((c) => [c.name, c]));
  return Promise.all(runner.projections.map(async (projection): Promise<ProjectionStatus> => {
    const checkpoint = byName.get(projection.name);
    const position = checkpoint?.position ?? ('' as Position);
    return {
      name: projection.name,
      version: checkpoint?.version ?? 0,
      codeVersion: projection.version,
      status: checkpoint?.status ?? 'new',
      worker: runner.workerState(projection.name),
      position,
      headPosition,
      eventsApplied: checkpoint?.eventsApplied ?? 0,
      lag: await projectionLag(runner.store, projection, position, headPosition),
      failure: checkpoint?.status === 'failed'
        ? { position: checkpoint.failedPosition, eventId: checkpoint.failedEventId, error: checkpoint.error }
        : null,
      updatedAt: checkpoint?.updatedAt ?? null,
    };
  }));
}

/**
 * Resolves once each of the runner's projections has applied everything it
 * handles up to the log's head at the time of the call (or failed in this
 * runner); rejects after `timeoutMs`. Events become readable only once no
 * older transaction is in flight, so "no lag" alone could be said too early.
 * Each look is cheap (one event at most per projection) and the looks grow
 * further apart, from 25 ms to half a second, so waiting out a long
 * catch-up does not slow it down.
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
  const byName = new Map((await readCheckpoints(runner.pool)).map((c) => [c.name, c]));
  for (const projection of runner.projections) {
    if (runner.workerState(projection.name) === 'failed') continue;
    const checkpoint = byName.get(projection.name);
    if (checkpoint?.status !== 'running') return false;
    if (!(await nothingToApply(runner.store, projection, checkpoint.position))) return false;
  }
  return true;
}

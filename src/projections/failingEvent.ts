import type { RecordedEvent } from '../eventstore/EventStore.js';
import type { ProjectionRunner } from './ProjectionRunner.js';
import { readProjectionCheckpoints, type Checkpoint } from './runner/checkpoints.js';

export type FailingEvent =
  | { readonly found: 'no-projection' }
  | { readonly found: 'not-failed'; readonly checkpoint: Checkpoint | undefined }
  | { readonly found: 'failed'; readonly checkpoint: Checkpoint; readonly event: RecordedEvent | undefined; readonly failedPartitions: readonly number[] };

/**
 * The event a failed projection stopped on, read back from the log: it lies
 * after the failed partition's checkpoint, at most one batch on, among the
 * types (and streams) that partition handles. When several partitions
 * failed, the first one's; `failedPartitions` names them all. An operator
 * reads it to decide between a fix and a rebuild.
 */
export async function failingEvent(runner: ProjectionRunner, name: string): Promise<FailingEvent> {
  const projection = runner.projections.find((p) => p.name === name);
  if (!projection) return { found: 'no-projection' };
  const checkpoints = await readProjectionCheckpoints(runner.pool, name);
  const failed = checkpoints.filter((c) => c.status === 'failed' && c.failedPosition !== null);
  const checkpoint = failed[0];
  if (checkpoint === undefined || checkpoint.failedPosition === null) return { found: 'not-failed', checkpoint: checkpoints[0] };
  const failedPartitions = failed.map((c) => c.partition);
  const types = projection.handles === 'all' ? {} : { types: projection.handles };
  const partition = checkpoint.partitions > 1 ? { partition: { index: checkpoint.partition, count: checkpoint.partitions } } : {};
  let after = checkpoint.position;
  for (;;) {
    const page = await runner.store.readAll({ after, limit: 1000, ...types, ...partition });
    const event = page.events.find((e) => e.id === checkpoint.failedEventId);
    if (event) return { found: 'failed', checkpoint, event, failedPartitions };
    const last = page.events.at(-1)?.position ?? page.nextPosition;
    // Past the failed position, or nothing more to read: the log no longer shows it here.
    if (last >= checkpoint.failedPosition || page.nextPosition === after) return { found: 'failed', checkpoint, event: undefined, failedPartitions };
    after = page.nextPosition;
  }
}

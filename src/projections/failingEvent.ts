import type { RecordedEvent } from '../eventstore/EventStore.js';
import type { ProjectionRunner } from './ProjectionRunner.js';
import { readCheckpoint, type Checkpoint } from './runner/checkpoints.js';

export type FailingEvent =
  | { readonly found: 'no-projection' }
  | { readonly found: 'not-failed'; readonly checkpoint: Checkpoint | undefined }
  | { readonly found: 'failed'; readonly checkpoint: Checkpoint; readonly event: RecordedEvent | undefined };

/**
 * The event a failed projection stopped on, read back from the log: it lies
 * after the checkpoint, at most one batch on, among the types the projection
 * handles. An operator reads it to decide between a fix and a rebuild.
 */
export async function failingEvent(runner: ProjectionRunner, name: string): Promise<FailingEvent> {
  const projection = runner.projections.find((p) => p.name === name);
  if (!projection) return { found: 'no-projection' };
  const checkpoint = await readCheckpoint(runner.pool, name);
  if (checkpoint?.status !== 'failed' || checkpoint.failedPosition === null) return { found: 'not-failed', checkpoint };
  const types = projection.handles === 'all' ? {} : { types: projection.handles };
  let after = checkpoint.position;
  for (;;) {
    const page = await runner.store.readAll({ after, limit: 1000, ...types });
    const event = page.events.find((e) => e.id === checkpoint.failedEventId);
    if (event) return { found: 'failed', checkpoint, event };
    const last = page.events.at(-1)?.position ?? page.nextPosition;
    // Past the failed position, or nothing more to read: the log no longer shows it here.
    if (last >= checkpoint.failedPosition || page.nextPosition === after) return { found: 'failed', checkpoint, event: undefined };
    after = page.nextPosition;
  }
}

import type { EventStore, Position } from '../../eventstore/EventStore.js';
import type { StreamPartition } from '../../eventstore/streamPartition.js';
import type { Projection } from '../Projection.js';

export interface Lag {
  /** Events of the log after the checkpoint, up to the head (an estimate; at most `cap` when counted by reading). */
  readonly events: number;
  /** True when counted by reading and there are `cap` or more, so `events` is a lower bound. */
  readonly capped: boolean;
  /** Age of the oldest event not yet passed (0 when caught up). */
  readonly seconds: number;
}

/**
 * How far a checkpoint at `position` trails the log's `head`, cheaply: the
 * count comes from the two positions when the store can tell (PostgreSQL:
 * sequence numbers), and the age from the one event right after the
 * checkpoint. Workers move a checkpoint past events their projection skips
 * (other types, other partitions), so a caught-up projection shows 0. Only
 * a store whose positions do not count events is read, up to `cap` events.
 */
export async function projectionLag(
  store: EventStore, projection: Projection, position: Position, head: Position, cap = 1000, now = new Date(),
): Promise<Lag> {
  if (position >= head) return { events: 0, capped: false, seconds: 0 };
  const next = (await store.readAll({ after: position, limit: 1 })).events[0];
  const seconds = next ? Math.max(0, (now.getTime() - next.recordedAt.getTime()) / 1000) : 0;
  const estimate = store.eventsBetween(position, head);
  if (estimate !== undefined) return { events: estimate, capped: false, seconds };
  const page = await store.readAll({ after: position, limit: cap, ...(projection.handles === 'all' ? {} : { types: projection.handles }) });
  return { events: page.events.length, capped: !page.isEnd, seconds };
}

/**
 * Whether `projection` (or one `partition` of it) has applied everything it
 * handles after `position` that is readable now: one event read at most (a filtered read scans a
 * bounded window of the log).
 */
export async function nothingToApply(store: EventStore, projection: Projection, position: Position, partition?: StreamPartition): Promise<boolean> {
  const types = projection.handles === 'all' ? {} : { types: projection.handles };
  const page = await store.readAll({ after: position, limit: 1, ...types, ...(partition && partition.count > 1 ? { partition } : {}) });
  return page.events.length === 0 && page.isEnd;
}

/** The lag of a projection split into partitions: that of its furthest-behind partition, in events and in seconds. */
export function worstLag(lags: readonly Lag[]): Lag {
  return {
    events: Math.max(0, ...lags.map((l) => l.events)),
    capped: lags.some((l) => l.capped),
    seconds: Math.max(0, ...lags.map((l) => l.seconds)),
  };
}

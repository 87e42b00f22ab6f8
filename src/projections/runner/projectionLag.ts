import type { EventStore, Position } from '../../eventstore/EventStore.js';
import type { Projection } from '../Projection.js';

export interface Lag {
  /** Events this projection handles that are readable and not yet applied (at most `cap`). */
  readonly events: number;
  /** True when there are `cap` or more, so `events` is a lower bound. */
  readonly capped: boolean;
  /** Age of the oldest unapplied event (0 when caught up). */
  readonly seconds: number;
}

/**
 * How far `projection` trails the log from `position`, counted through the
 * port (so it works for every adapter) and capped so a status call stays cheap.
 */
export async function projectionLag(store: EventStore, projection: Projection, position: Position, cap = 10_000, now = new Date()): Promise<Lag> {
  const page = await store.readAll({
    after: position, limit: cap,
    ...(projection.handles === 'all' ? {} : { types: projection.handles }),
  });
  const oldest = page.events[0]?.recordedAt;
  return {
    events: page.events.length,
    capped: !page.isEnd,
    seconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
  };
}

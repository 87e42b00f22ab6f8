import { eventsPerStream } from './plan.js';

/** Where a writer's next append goes: its own streams, each filled to `eventsPerStream` events. */
export interface StreamSlot {
  readonly stream: string;
  /** The stream's next revision (0 for a new stream). */
  readonly revision: number;
}

/**
 * Hands a writer the next slot for `count` events: the current stream while
 * it has room, else a new one. Streams look like orders (`order-…`), ~20 events each.
 */
export function streamCursor(prefix: string): (count: number) => StreamSlot {
  let streamNo = 0;
  let revision = 0;
  return (count) => {
    if (revision > 0 && revision + count > eventsPerStream) {
      streamNo += 1;
      revision = 0;
    }
    const slot = { stream: `order-${prefix}-${streamNo}`, revision };
    revision += count;
    return slot;
  };
}

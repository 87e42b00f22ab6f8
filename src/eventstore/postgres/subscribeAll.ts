import type { EventStore, RecordedEvent, SubscribeAllOptions } from '../EventStore.js';
import { START } from '../EventStore.js';
import type { Wakeups } from './wakeups.js';

/**
 * Catch-up then live, pull-based: it reads a page only when the consumer
 * has taken the previous one, so a slow consumer holds one page at most.
 * At the safe end of the log it sleeps until a wake-up or the next poll.
 */
export async function* subscribeAll(
  readAll: EventStore['readAll'],
  wakeups: Wakeups,
  isClosed: () => boolean,
  options: SubscribeAllOptions,
): AsyncGenerator<RecordedEvent> {
  const { signal, types, partition } = options;
  const limit = options.batchSize ?? 1000;
  let after = options.after ?? START;
  wakeups.listen();
  while (!signal.aborted && !isClosed()) {
    const seen = wakeups.generation();
    const page = await readAll({ after, limit, ...(types ? { types } : {}), ...(partition ? { partition } : {}) });
    for (const event of page.events) {
      if (signal.aborted) return;
      yield event;
    }
    if (page.nextPosition !== after) options.onProgress?.(page.nextPosition);
    after = page.nextPosition;
    if (page.isEnd) await wakeups.wait(seen, signal);
  }
}

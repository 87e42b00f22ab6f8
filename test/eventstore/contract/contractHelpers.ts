import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend, Position, RecordedEvent } from '../../../src/eventstore/EventStore.js';
import { untilReadable } from '../../support/untilReadable.js';

export { untilReadable };

export function uniqueStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

export function anEvent(type = 'ThingHappened', data: unknown = { n: 1 }): EventToAppend {
  return { id: randomUUID(), type, data, metadata: { correlationId: randomUUID(), sourceSystem: 'test' } };
}

export function someEvents(count: number, type = 'ThingHappened'): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => anEvent(type, { i, note: `event ${i}`, nested: { z: 1, a: [i, 'x'] } }));
}

export async function readStreamAll(store: EventStore, streamId: string, fromRevision?: bigint): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId, fromRevision === undefined ? undefined : { fromRevision })) events.push(event);
  return events;
}

/** Every event after `after` whose stream is in `streams`, paging with `limit`, once the head is readable. */
export async function readAllOf(store: EventStore, streams: ReadonlySet<string>, after: Position, limit: number, waitForHead = true): Promise<RecordedEvent[]> {
  if (waitForHead) await untilReadable(store, await store.headPosition());
  const events: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, limit });
    events.push(...page.events.filter((event) => streams.has(event.streamId)));
    position = page.nextPosition;
    if (page.isEnd) return events;
  }
}

/**
 * Subscribes after `after`, keeps events of `streams`, and stops (aborting
 * the subscription) once `count` were seen or `timeoutMs` passed.
 */
export async function subscribeUntil(
  store: EventStore,
  options: { after: Position; streams: ReadonlySet<string>; count: number; timeoutMs?: number; batchSize?: number; onEvent?: (event: RecordedEvent) => void },
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  const seen: RecordedEvent[] = [];
  try {
    const subscription = store.subscribeAll({ after: options.after, signal: controller.signal, batchSize: options.batchSize ?? 1000 });
    for await (const event of subscription) {
      if (!options.streams.has(event.streamId)) continue;
      if (options.count === 0) throw new Error(`unexpected event ${event.id} at ${event.position}`);
      seen.push(event);
      options.onEvent?.(event);
      if (seen.length >= options.count) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

export function expectStrictlyIncreasing(positions: readonly Position[]): boolean {
  return positions.every((position, i) => i === 0 || (positions[i - 1] as string) < position);
}

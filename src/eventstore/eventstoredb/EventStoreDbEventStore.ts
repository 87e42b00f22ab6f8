import {
  BACKWARDS, END, EventStoreDBClient, FORWARDS, START as ESDB_START, StreamNotFoundError, eventTypeFilter, excludeSystemEvents,
} from '@eventstore/db-client';
import { START, type EventStore, type Position, type RecordedEvent, type SubscribeAllOptions } from '../EventStore.js';
import { esdbAppend } from './esdbAppend.js';
import { fromEsdbEvent } from './esdbEvent.js';
import { decodeEsdbPosition, encodeEsdbPosition } from './esdbPosition.js';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` (EventStoreDB 20+ or KurrentDB). */
  readonly connectionString: string;
}

/**
 * The event log in EventStoreDB. Positions are its commit/prepare pair;
 * there is no visibility gap to guard (the server orders commits), so the
 * safe position is always the newest. System events ($…) are not ledger
 * events and are never returned.
 */
export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  const client = EventStoreDBClient.connectionString(options.connectionString);

  const store: EventStore = {
    append: (streamId, events, { expectedRevision }) => esdbAppend(client, streamId, events, expectedRevision),

    async *readStream(streamId, readOptions) {
      try {
        const from = readOptions?.fromRevision ?? 0n;
        for await (const resolved of client.readStream(streamId, { direction: FORWARDS, fromRevision: from < 0n ? 0n : from })) {
          const event = fromEsdbEvent(resolved.event);
          if (event) yield event;
        }
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
    },

    // Needs the server's $by_correlation_id system projection enabled (it builds $bc-<id> streams).
    async readCorrelated(correlationId, { limit }) {
      const events: RecordedEvent[] = [];
      try {
        for await (const resolved of client.readStream(`$bc-${correlationId}`, { direction: FORWARDS, fromRevision: ESDB_START, resolveLinkTos: true, maxCount: limit })) {
          const event = fromEsdbEvent(resolved.event);
          if (event) events.push(event);
        }
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
      return events;
    },

    async readAll({ after = START, limit, types }) {
      const wanted = types ? new Set(types) : undefined;
      const events: RecordedEvent[] = [];
      let cursor = after;
      for (;;) {
        // $all reads include their starting position: ask for one more, skip what we saw.
        let read = 0;
        for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: decodeEsdbPosition(cursor) ?? ESDB_START, maxCount: limit + 1 })) {
          read += 1;
          if (!resolved.event?.position) continue;
          const position = encodeEsdbPosition(resolved.event.position);
          if (position <= cursor) continue;
          cursor = position;
          const event = fromEsdbEvent(resolved.event);
          if (!event || (wanted && !wanted.has(event.type))) continue;
          events.push(event);
          if (events.length === limit) return { events, nextPosition: position, isEnd: false };
        }
        if (read < limit + 1) {
          const last = events[events.length - 1];
          return { events, nextPosition: last ? last.position : after, isEnd: true };
        }
      }
    },

    subscribeAll: (subscribeOptions) => subscribeAll(client, subscribeOptions),

    async headPosition() {
      for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 100 })) {
        const event = fromEsdbEvent(resolved.event);
        if (event) return event.position;
      }
      return START;
    },

    async readLag() {
      const newest = await store.headPosition();
      return { newestPosition: newest, safePosition: newest, eventsBehind: 0, oldestBlockingTransactionSeconds: null };
    },

    close: () => client.dispose(),
  };
  return store;
}

async function* subscribeAll(client: EventStoreDBClient, options: SubscribeAllOptions): AsyncGenerator<RecordedEvent> {
  const after: Position = options.after ?? START;
  if (options.signal.aborted) return;
  const filter = options.types
    ? eventTypeFilter({ regex: `^(?:${options.types.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$` })
    : excludeSystemEvents();
  // The client's stream applies back-pressure over gRPC: an unread subscription does not grow.
  const subscription = client.subscribeToAll({ fromPosition: decodeEsdbPosition(after) ?? ESDB_START, filter });
  const stop = (): void => void subscription.unsubscribe();
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const resolved of subscription) {
      if (options.signal.aborted) return;
      const event = fromEsdbEvent(resolved.event);
      if (event && event.position > after) yield event;
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
    await subscription.unsubscribe();
  }
}

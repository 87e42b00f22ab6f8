import { once } from 'node:events';
import { openEventStream } from '../openEventStream.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStore, Position } from '../../eventstore/EventStore.js';
import { cloudEventJson } from '../../integrations/toCloudEvent.js';

export interface StreamFeedOptions {
  readonly store: EventStore;
  readonly after: Position;
  readonly types: readonly string[] | undefined;
  readonly heartbeatMs: number;
  /** Ends the stream when the server shuts down. */
  readonly shutdown: AbortSignal;
}

/**
 * Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * catch up from `after`, then follow live. Each message's `id` is the
 * event's position, so a reconnecting EventSource resumes with
 * Last-Event-ID. Memory stays bounded: the next event is pulled from the
 * store only once the socket has drained. Ends when the client goes away.
 */
export async function streamFeed(request: FastifyRequest, reply: FastifyReply, options: StreamFeedOptions): Promise<void> {
  const { raw, closed, end } = openEventStream(request, reply, options.shutdown);
  const heartbeat = setInterval(() => {
    if (!raw.writableNeedDrain) raw.write(': heartbeat\n\n');
  }, options.heartbeatMs);
  try {
    const events = options.store.subscribeAll({ after: options.after, signal: closed, ...(options.types ? { types: options.types } : {}) });
    for await (const event of events) {
      if (!raw.write(`id: ${event.position}\ndata: ${cloudEventJson(event)}\n\n`)) {
        await once(raw, 'drain', { signal: closed });
      }
    }
  } catch (error) {
    if (!closed.aborted) request.log.error({ err: error }, 'event stream failed');
  } finally {
    clearInterval(heartbeat);
    end();
  }
}

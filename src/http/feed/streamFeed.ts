import { once } from 'node:events';
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
  reply.hijack();
  const raw = reply.raw;
  const closed = new AbortController();
  const onClose = () => closed.abort();
  raw.once('close', onClose);
  request.raw.once('close', onClose);
  options.shutdown.addEventListener('abort', onClose);
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // The connection carries this one response; closing it with the stream lets a shutdown finish.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => {
    if (!raw.writableNeedDrain) raw.write(': heartbeat\n\n');
  }, options.heartbeatMs);
  try {
    const events = options.store.subscribeAll({ after: options.after, signal: closed.signal, ...(options.types ? { types: options.types } : {}) });
    for await (const event of events) {
      if (!raw.write(`id: ${event.position}\ndata: ${cloudEventJson(event)}\n\n`)) {
        await once(raw, 'drain', { signal: closed.signal });
      }
    }
  } catch (error) {
    if (!closed.signal.aborted) request.log.error({ err: error }, 'event stream failed');
  } finally {
    clearInterval(heartbeat);
    raw.off('close', onClose);
    request.raw.off('close', onClose);
    options.shutdown.removeEventListener('abort', onClose);
    // A client that went away may leave a half-open socket: destroy it once the end is flushed.
    const socket = raw.socket;
    if (!raw.writableEnded) raw.end(() => socket?.destroy());
    else socket?.destroy();
  }
}

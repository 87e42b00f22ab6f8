import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A server-sent-event response taken over from fastify: its socket, when it closed, and how to end it. */
export interface EventStream {
  readonly raw: ServerResponse;
  /** Aborted when the client goes away or the service shuts down. */
  readonly closed: AbortSignal;
  /** Stops listening and ends the response; a half-open socket is destroyed once the end is flushed. */
  end(): void;
}

/** Opens a `text/event-stream` answer, shared by the feed stream and the dashboard's live stream. */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, shutdown: AbortSignal): EventStream {
  reply.hijack();
  const raw = reply.raw;
  const closed = new AbortController();
  const onClose = () => closed.abort();
  raw.once('close', onClose);
  request.raw.once('close', onClose);
  shutdown.addEventListener('abort', onClose);
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    // The connection carries this one response; closing it with the stream lets a shutdown finish.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  return {
    raw,
    closed: closed.signal,
    end() {
      raw.off('close', onClose);
      request.raw.off('close', onClose);
      shutdown.removeEventListener('abort', onClose);
      const socket = raw.socket;
      if (!raw.writableEnded) raw.end(() => socket?.destroy());
      else socket?.destroy();
    },
  };
}

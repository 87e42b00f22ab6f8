import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { activeTraceId, tracedSpan, traceparentOf } from '../observability/tracing.js';

const header = 'x-correlation-id';
const valid = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id fastify gives each request (its `genReqId`): the caller's
 * `x-correlation-id` when well-formed, else, when tracing is on, the trace id
 * of the request's span (continued from the caller's `traceparent` if sent),
 * else a new UUID. Fastify binds it to the request's logger as
 * `correlationId` (`requestIdLogLabel`).
 */
export function correlationIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers[header];
  return typeof given === 'string' && valid.test(given) ? given : activeTraceId() ?? randomUUID();
}

/** The request logger's bindings: fastify's, and the trace id when the request is traced (fastify's `childLoggerFactory`). */
export function requestLogBindings(bindings: Record<string, unknown>): Record<string, unknown> {
  const traceId = activeTraceId();
  return traceId === undefined ? bindings : { ...bindings, traceId };
}

/**
 * Exposes the request id as `request.correlationId` and echoes it on the
 * response; a traced request's answer also carries its span's `traceparent`,
 * and the span is named by its route and carries the correlation id.
 */
export const correlation: FastifyPluginCallback = fp((app, _opts, done) => {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', (request, reply, next) => {
    request.correlationId = request.id;
    void reply.header(header, request.id);
    const span = tracedSpan();
    if (span) {
      const route = request.routeOptions.url;
      if (route !== undefined) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('ledger.correlation_id', request.id);
      void reply.header('traceparent', traceparentOf(span));
    }
    next();
  });
  done();
}, { name: 'correlation' });

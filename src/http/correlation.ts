import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

const header = 'x-correlation-id';
const valid = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id fastify gives each request (its `genReqId`): the caller's
 * `x-correlation-id` when well-formed, else a new UUID. Fastify binds it to
 * the request's logger as `correlationId` (`requestIdLogLabel`).
 */
export function correlationIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers[header];
  return typeof given === 'string' && valid.test(given) ? given : randomUUID();
}

/** Exposes the request id as `request.correlationId` and echoes it on the response. */
export const correlation: FastifyPluginCallback = fp((app, _opts, done) => {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', (request, reply, next) => {
    request.correlationId = request.id;
    void reply.header(header, request.id);
    next();
  });
  done();
}, { name: 'correlation' });

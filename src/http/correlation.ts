import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

const header = 'x-correlation-id';
const valid = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes `x-correlation-id` (or creates one), echoes it on the response and
 * binds it to every log line of the request.
 */
export const correlation: FastifyPluginCallback = fp((app, _opts, done) => {
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', (request, reply, next) => {
    const given = request.headers[header];
    const id = typeof given === 'string' && valid.test(given) ? given : randomUUID();
    request.correlationId = id;
    request.log = request.log.child({ correlationId: id });
    void reply.header(header, id);
    next();
  });
  done();
}, { name: 'correlation' });

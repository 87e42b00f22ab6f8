import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { problem, sendProblem } from './problem.js';

/** Turns every failure into application/problem+json with a stable code. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(reply, problem(400, 'VALIDATION_FAILED', 'The request is not valid', {
        detail: `Invalid ${error.validationContext ?? 'request'}: ${error.validation.length} problem(s).`,
        errors: error.validation.map((v) => ({
          path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
          message: v.message ?? 'invalid',
        })),
      }));
    }
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return sendProblem(reply, problem(429, 'RATE_LIMITED', 'Too many requests', { detail: error.message }));
    }
    if (status === 413) {
      return sendProblem(reply, problem(413, 'BODY_TOO_LARGE', 'The request body is too large', { detail: error.message }));
    }
    if (status >= 400 && status < 500) {
      return sendProblem(reply, problem(status, error.code ?? 'BAD_REQUEST', 'The request could not be processed', { detail: error.message }));
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem(500, 'INTERNAL', 'Internal error', {
      detail: 'The ledger could not complete the request; nothing was half-written. Retry with the same idempotency key.',
    }));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', 'Not found', { detail: `No route ${request.method} ${request.url}.` })),
  );
}

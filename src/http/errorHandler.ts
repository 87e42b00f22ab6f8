import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isUnstorableEvent } from '../eventstore/UnstorableEvent.js';
import { frameworkProblem, problem, sendProblem } from './problem.js';

/** Turns every failure into application/problem+json with a stable code. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      return sendProblem(reply, problem('VALIDATION_FAILED', {
        detail: `Invalid ${error.validationContext ?? 'request'}: ${error.validation.length} problem(s).`,
        errors: error.validation.map((v) => ({
          path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
          message: v.message ?? 'invalid',
        })),
      }));
    }
    if (isUnstorableEvent(error)) return sendProblem(reply, problem('UNSTORABLE_EVENT', { detail: error.message }));
    const status = error.statusCode ?? 500;
    if (status === 429) {
      return sendProblem(reply, problem('RATE_LIMITED', { detail: error.message }));
    }
    if (status === 413) {
      return sendProblem(reply, problem('BODY_TOO_LARGE', { detail: error.message }));
    }
    if (status === 415) {
      return sendProblem(reply, problem('UNSUPPORTED_MEDIA_TYPE', { detail: error.message }));
    }
    if (status >= 400 && status < 500) {
      return sendProblem(reply, frameworkProblem(status, error.code ?? 'BAD_REQUEST', 'The request could not be processed', { detail: error.message }));
    }
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem('INTERNAL', {
      detail: 'The ledger could not complete the request; nothing was half-written. Retry with the same idempotency key.',
    }));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('ROUTE_NOT_FOUND', { detail: `No route ${request.method} ${request.url}.` })),
  );
}

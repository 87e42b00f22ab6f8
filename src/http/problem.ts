import type { FastifyReply } from 'fastify';
import { errorCatalogue, type ErrorCode } from './errors.js';

/** RFC 9457 problem details, as every error response of the API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The stable error code (domain codes and HTTP-level ones alike). */
  code: string;
  instance?: string;
  correlationId?: string;
  /** For validation problems: each offending field and why. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** The problem for a catalogued code: status and title come from the catalogue. */
export function problem(code: ErrorCode, extra: Partial<Problem> = {}): Problem {
  const { status, title } = errorCatalogue[code];
  return frameworkProblem(status, code, title, extra);
}

/** A problem whose status and code come from fastify itself (e.g. an unsupported media type). */
export function frameworkProblem(status: number, code: string, title: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://order-ledger.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`, title, status, code, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  const correlationId = reply.request.correlationId;
  return reply
    .code(p.status)
    .type(problemContentType)
    .send({ ...p, instance: reply.request.url, ...(correlationId ? { correlationId } : {}) });
}

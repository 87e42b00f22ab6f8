import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { errorCatalogue, type ErrorCode } from './errors.js';

/** RFC 9457 problem details, as every error response of the API; the `Problem` component of the API document. */
export const problemSchema = z.looseObject({
  type: z.string().describe('A URI naming the kind of problem, one per code.'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().describe('The stable error code (domain codes and HTTP-level ones alike); the responses of each operation name those it answers.'),
  instance: z.string().optional().describe('The request path.'),
  correlationId: z.string().optional(),
  field: z.string().optional().describe('The field a refusal is about (e.g. type for LEDGER_ONLY_EVENT, envelope.sourceSystem.kind for NOT_OWNER).'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional()
    .describe('For validation problems: each offending field (e.g. body.data.lines.1.qty) and why.'),
}).meta({
  id: 'Problem',
  examples: [{
    type: 'https://order-ledger.dev/problems/invalid-payload', title: 'The payload breaks the event schema', status: 422, code: 'INVALID_PAYLOAD',
    detail: 'OrderAccepted data is not valid', instance: '/v1/orders/WEB-1001/events', correlationId: '0b8f6c1e-51f4-4a4e-9a57-6f4d1f0d2c11',
    errors: [{ path: 'body.data.lines.0.qty', message: 'quantity must be more than zero (I2)' }],
  }],
});
export type Problem = z.infer<typeof problemSchema>;

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

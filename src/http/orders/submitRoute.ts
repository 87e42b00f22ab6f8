import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SourceSystemKind } from '../../domain/sourceSystems.js';
import { problem, sendProblem } from '../problem.js';
import type { OrderService, SubmissionOutcome } from './OrderService.js';
import type { OrderRef } from './orderAliases.js';
import { refusalStatus } from './refusalStatus.js';
import type { TransitionBody } from './submission.js';

/** Runs one submission under the append gate and answers it; shared by the order routes. */
export async function submitAndReply(service: OrderService, request: FastifyRequest, reply: FastifyReply, ref: OrderRef, body: TransitionBody): Promise<FastifyReply> {
  const principal = request.principal!;
  if (principal.system === 'ADMIN') {
    return sendProblem(reply, problem(403, 'NOT_OWNER', 'Forbidden', { detail: 'An admin key submits no transitions; use the key of the system that owns the transition.' }));
  }
  const { metrics, gate } = request.server.ledger;
  const header = request.headers['idempotency-key'];
  const run = await gate.run(() => service.submit(ref, body, {
    system: principal.system as SourceSystemKind,
    correlationId: request.correlationId,
    headerIdempotencyKey: typeof header === 'string' && header.length > 0 ? header : undefined,
    receivedAt: new Date(),
  }));
  if (!run.admitted) {
    metrics.overload.inc();
    void reply.header('retry-after', '1');
    return sendProblem(reply, problem(503, 'OVERLOADED', 'Too many appends in flight', { detail: 'Retry after a second with the same idempotency key.' }));
  }
  return replyWith(reply, run.value);
}

export function replyWith(reply: FastifyReply, outcome: SubmissionOutcome): FastifyReply {
  const { metrics } = reply.server.ledger;
  switch (outcome.kind) {
    case 'accepted':
      return reply.code(201).send(outcome.body);
    case 'duplicate':
      return reply.code(201).header('idempotent-replayed', 'true').send(outcome.body);
    case 'unmatched':
      return reply.code(202).send(outcome.body);
    case 'refused': {
      metrics.refusals.inc({ code: outcome.error.code });
      const extra = 'field' in outcome.error && outcome.error.field ? { field: outcome.error.field } : {};
      return sendProblem(reply, problem(refusalStatus(outcome.error.code), outcome.error.code, 'Refused', {
        detail: outcome.error.message,
        ...extra,
        ...(outcome.issues ? { errors: [...outcome.issues] } : {}),
      }));
    }
    default:
      return assertNever(outcome);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled outcome ${JSON.stringify(value)}`);
}

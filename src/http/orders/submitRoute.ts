import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SourceSystemKind } from '../../domain/sourceSystems.js';
import type { OrderRef } from '../../orders/orderAliases.js';
import type { OrderService } from '../../orders/OrderService.js';
import type { TransitionBody } from '../../orders/submission.js';
import { answerOf, sendAdminSubmits, sendAnswer, sendOverloaded } from './answers.js';

/** Runs one submission under the append gate and answers it; shared by the order routes. */
export async function submitAndReply(service: OrderService, request: FastifyRequest, reply: FastifyReply, ref: OrderRef, body: TransitionBody): Promise<FastifyReply> {
  const principal = request.principal!;
  if (principal.system === 'ADMIN') return sendAdminSubmits(reply);
  const { metrics, gate } = request.server.ledger;
  const header = request.headers['idempotency-key'];
  const run = await gate.run(() => service.submit(ref, body, {
    system: principal.system as SourceSystemKind,
    correlationId: request.correlationId,
    headerIdempotencyKey: typeof header === 'string' && header.length > 0 ? header : undefined,
    receivedAt: new Date(),
  }));
  if (!run.admitted) return sendOverloaded(reply, metrics, 'Retry after a second with the same idempotency key.');
  return sendAnswer(reply, answerOf(run.value, metrics));
}

import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Envelope } from '../../domain/envelope.js';
import { ledgerSourceSystem } from '../../domain/sourceSystems.js';
import type { RecordResend } from '../../integrations/resendOrders.js';
import type { OrderService } from '../../orders/OrderService.js';
import { actorOf } from '../auth/actorOf.js';
import '../fastifyTypes.js';

/**
 * How one re-send request's records reach the log: a RecordResend command
 * per order, on the write side's one command path. The ledger records it
 * (system LEDGER) for whoever asked (the actor: their key, as `actorOf`
 * names it everywhere), correlated with the request. The source document is
 * this request's re-send of that order, so an append retried after a lost
 * answer is the same event, never a second one.
 */
export function resendRecorder(orders: OrderService, request: FastifyRequest): RecordResend {
  const resendId = randomUUID();
  const actor = actorOf(request);
  return async (orderKey, data) => {
    const at = new Date().toISOString();
    const envelope: Envelope = {
      sourceSystem: { ...ledgerSourceSystem },
      sourceDocument: { type: 'IntegrationResend', id: `${resendId}:${orderKey}`, revision: 0 },
      idempotencyKey: `resend:${resendId}:${orderKey}`,
      correlationId: request.correlationId,
      occurredAt: at,
      receivedAt: at,
      actor: { type: 'USER', id: actor },
      schemaVersion: 1,
    };
    const outcome = await orders.issue({ type: 'RecordResend', orderKey, envelope, data });
    // The delivery has happened; a record that cannot be written must not pass unnoticed.
    if (outcome.kind === 'refused') throw new Error(`the re-send of ${orderKey} was not recorded: ${outcome.error.code} ${outcome.error.message}`);
  };
}

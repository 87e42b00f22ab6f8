import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '../../eventstore/EventStore.js';
import { orderStreamId } from '../../eventstore/streams.js';
import { historyEntry, verificationBody, verifyHistory } from '../orders/historyView.js';
import { problem, sendProblem } from '../problem.js';

const timelineSchema = z.object({
  orderKey: z.string(),
  verification: z.object({
    ok: z.boolean(), checked: z.number().int(), reason: z.string().optional(),
    brokenAt: z.object({ index: z.number().int(), eventId: z.string().nullable(), revision: z.number().int().nullable() }).optional(),
  }).describe('The hash chain recomputed from the log on the spot.'),
  events: z.array(z.object({
    revision: z.number().int(), type: z.string(),
    system: z.object({ kind: z.string(), instance: z.string() }).nullable().describe('The source system that reported it.'),
    actor: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }).nullable().describe('Who, as the system named them.'),
    occurredAt: z.string().nullable(), recordedAt: z.string(), correlationId: z.string().nullable(),
    sourceDocument: z.unknown(),
  })),
});

/**
 * `GET /v1/reports/orders/{orderKey}/timeline` (read): the verified history
 * an operator reads — who, which system, when, correlation — without the
 * payloads, which stay behind the audit scope (`…/history`).
 */
export function timelineRoute(store: EventStore): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get('/v1/reports/orders/:orderKey/timeline', {
      config: { scope: 'read' },
      schema: {
        tags: ['reports'], summary: 'An order\'s verified history as a timeline: who, which system, when, correlation (payloads: …/history, audit scope)',
        params: z.object({ orderKey: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/) }),
        response: { 200: timelineSchema },
      },
    }, async (request, reply) => {
      const recorded: RecordedEvent[] = [];
      for await (const event of store.readStream(orderStreamId(request.params.orderKey))) recorded.push(event);
      if (recorded.length === 0) {
        return sendProblem(reply, problem('ORDER_NOT_FOUND', { detail: `No order is known as ${request.params.orderKey}.` }));
      }
      const events = recorded.map(historyEntry).map(({ revision, type, system, actor, occurredAt, recordedAt, correlationId, sourceDocument }) =>
        ({ revision, type, system, actor, occurredAt, recordedAt, correlationId, sourceDocument }));
      return { orderKey: request.params.orderKey, verification: verificationBody(verifyHistory(recorded)), events };
    });
  };
}

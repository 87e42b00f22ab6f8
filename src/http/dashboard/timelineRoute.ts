import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '../../eventstore/EventStore.js';
import { orderStreamId } from '../../eventstore/streams.js';
import { eventTypeSchema, shownAsRecorded } from '../eventSchemas.js';
import { chainLinkOf, chainVerdictColumns, historyEntry, verificationBody, verifyHistory } from '../orders/historyView.js';
import { recordedEnvelope, verificationSchema } from '../orders/orderSchemas.js';
import { problem, sendProblem } from '../problem.js';
import { problemResponses } from '../apiDocument.js';
import { pageInMemory } from '../../projections/reports/keysetPage.js';
import { loadPage, pageQuery, sendCsv, setNextCursor, wantsCsv } from '../reports/reportReply.js';

const { revision, system, actor, occurredAt, recordedAt, correlationId, sourceDocument } = recordedEnvelope;
const timelineEvent = z.object({
  revision, type: eventTypeSchema,
  system: system.describe('The source system that reported it.'),
  actor: actor.describe('Who, as the system named them.'),
  occurredAt, recordedAt, correlationId, sourceDocument,
});
/** The CSV's columns: an event's, then the chain's verdict, which a saved file keeps (as the history's CSV does). */
const csvColumns = [...Object.keys(timelineEvent.shape), ...chainVerdictColumns];

/** The history (`HistoryEntry`) without the payloads. */
const timelineSchema = z.object({
  orderKey: z.string(),
  verification: verificationSchema,
  events: z.array(timelineEvent).describe('One page of the events, oldest first.'),
  nextCursor: z.string().nullable().describe('Pass it back as `cursor` for the next page of events; null on the last. The verification is always of the whole chain.'),
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
      config: { scope: 'read', openapi: { csv: true } },
      serializerCompiler: shownAsRecorded,
      schema: {
        tags: ['reports'], summary: 'An order\'s verified history as a timeline: who, which system, when, correlation (payloads: …/history, audit scope)',
        description: 'JSON, or CSV with Accept: text/csv: one row per event of the page (system, actor and source document as JSON), '
          + 'with chainVerified (the whole chain\'s verdict) and chainLink (ok, the reason at the first broken link, unverified after it) on every row.',
        params: z.object({ orderKey: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/) }),
        querystring: z.object(pageQuery),
        response: { 200: timelineSchema, ...problemResponses('ORDER_NOT_FOUND', 'INVALID_CURSOR') },
      },
    }, async (request, reply) => {
      const recorded: RecordedEvent[] = [];
      for await (const event of store.readStream(orderStreamId(request.params.orderKey))) recorded.push(event);
      if (recorded.length === 0) {
        return sendProblem(reply, problem('ORDER_NOT_FOUND', { detail: `No order is known as ${request.params.orderKey}.` }));
      }
      const page = await loadPage(reply, () => pageInMemory(recorded, (e) => e.revision.toString(), request.query));
      if (page === undefined) return reply;
      const events = page.items.map(historyEntry).map(({ revision, type, system, actor, occurredAt, recordedAt, correlationId, sourceDocument }) =>
        ({ revision, type, system, actor, occurredAt, recordedAt, correlationId, sourceDocument }));
      const verification = verificationBody(verifyHistory(recorded));
      setNextCursor(reply, page.nextCursor);
      void reply.header('x-chain-verified', String(verification.ok));
      if (wantsCsv(request)) {
        const link = chainLinkOf(verification);
        const first = recorded.indexOf(page.items[0]!);
        const rows = events.map((e, i) => ({ ...e, chainVerified: verification.ok, chainLink: link(first + i) }));
        return sendCsv(reply, `order-${request.params.orderKey}-timeline`, rows, csvColumns);
      }
      // As the log holds them, `type` included (shownAsRecorded): the schema documents the answer.
      return (reply as FastifyReply).send({ orderKey: request.params.orderKey, verification, events, nextCursor: page.nextCursor });
    });
  };
}

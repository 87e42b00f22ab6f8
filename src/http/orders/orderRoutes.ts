import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isCorrelationsUnavailable } from '../../eventstore/CorrelationIndex.js';
import type { EventStore, Position } from '../../eventstore/EventStore.js';
import { BadCursor, decodeCursor, encodeCursor } from '../../projections/reports/keysetPage.js';
import { loadPage, pageQuery, sendCsv, setNextCursor, wantsCsv } from '../reports/reportReply.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { flatEntry, flatEntryColumns, historyCsv, historyEntry, verificationBody, verifyHistory } from './historyView.js';
import { orderKeyPattern, parseOrderRef, type OrderRef } from '../../orders/orderAliases.js';
import type { OrderService } from '../../orders/OrderService.js';
import { orderView } from './orderView.js';
import { submitAndReply } from './submitRoute.js';
import { transitionBodySchema, transitionBodyShape } from '../../orders/submission.js';
import { shownAsRecorded } from '../eventSchemas.js';
import { acceptedSchema, correlatedEntrySchema, historyEntrySchema, orderViewSchema, placeOrderProblems, submissionHeaders, submissionProblems, unmatchedSchema, verificationSchema } from './orderSchemas.js';
import { placeOrderDocs, transitionDocs } from './transitionSchemas.js';

export interface OrderRoutesOptions {
  service: OrderService;
  store: EventStore;
}

const orderRefParams = z.object({
  orderRef: z.string().min(1).max(300).describe('An order key, erp:<ERP order number>, or po:<soldTo>:<customer PO>.'),
});
const placeOrderBody = z.strictObject({
  orderKey: z.string().regex(orderKeyPattern, 'letters, digits, . _ - (up to 100), starting with a letter or digit'),
  ...transitionBodyShape,
});
const submitHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough();

/** Submissions, current state, audited history and correlation look-ups of orders. */
export function orderRoutes({ service, store }: OrderRoutesOptions): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();

    app.post('/v1/orders', {
      config: { scope: 'submit', openapi: { ...placeOrderDocs, headers: { 200: submissionHeaders, 201: submissionHeaders } } },
      schema: {
        tags: ['orders'], summary: 'Record OrderReceived from a sales channel', headers: submitHeaders, body: placeOrderBody,
        response: { 200: acceptedSchema, 201: acceptedSchema, ...problemResponses(...placeOrderProblems) },
      },
    }, async (request, reply) => {
      const { orderKey, ...rest } = request.body;
      return submitAndReply(service, request, reply, { orderKey }, { type: 'OrderReceived', ...rest });
    });

    app.post('/v1/orders/:orderRef/events', {
      config: { scope: 'submit', openapi: { ...transitionDocs, headers: { 200: submissionHeaders, 201: submissionHeaders } } },
      schema: {
        tags: ['orders'], summary: 'Record any other transition of an order', params: orderRefParams, headers: submitHeaders, body: transitionBodySchema,
        response: { 200: acceptedSchema, 201: acceptedSchema, 202: unmatchedSchema, ...problemResponses(...submissionProblems) },
      },
    }, async (request, reply) => {
      const ref = parseOrderRef(request.params.orderRef);
      if ('error' in ref) return badRef(reply, ref.error);
      return submitAndReply(service, request, reply, ref, request.body);
    });

    app.get('/v1/orders/:orderRef', {
      config: { scope: 'read' },
      schema: {
        tags: ['orders'], summary: 'Current state of an order (ETag = revision), with its hash chain verified (verification, X-Chain-Verified)', params: orderRefParams,
        response: { 200: orderViewSchema, 304: z.undefined().describe('Not modified since the ETag sent as If-None-Match'), ...problemResponses('ORDER_NOT_FOUND') },
      },
    }, async (request, reply) => {
      const orderKey = await known(request.params.orderRef, reply);
      if (orderKey === undefined) return reply;
      // The whole stream, verified on every read: a state folded from a broken chain is served marked as such.
      const order = await service.load(orderKey);
      if (order.revision === 'no_stream') return notFound(reply, request.params.orderRef);
      const verification = verificationBody(verifyHistory(order.recorded));
      const etag = `"${order.revision}"`;
      void reply.header('etag', etag).header('x-chain-verified', String(verification.ok));
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return { ...orderView(orderKey, order.state, order.revision), verification };
    });

    app.get('/v1/orders/:orderRef/history', {
      config: { scope: 'audit', openapi: { csv: true } },
      serializerCompiler: shownAsRecorded,
      schema: {
        tags: ['audit'], summary: 'Every event of an order with its envelope and the verified hash chain (JSON, or CSV with Accept: text/csv)', params: orderRefParams,
        response: { 200: z.object({ orderKey: z.string(), verification: verificationSchema, events: z.array(historyEntrySchema) }), ...problemResponses('ORDER_NOT_FOUND') },
      },
    }, async (request, reply) => {
      const orderKey = await known(request.params.orderRef, reply);
      if (orderKey === undefined) return reply;
      const { recorded } = await service.load(orderKey);
      if (recorded.length === 0) return notFound(reply, request.params.orderRef);
      const entries = recorded.map(historyEntry);
      const verification = verificationBody(verifyHistory(recorded));
      void reply.header('x-chain-verified', String(verification.ok));
      if (wantsCsv(request)) {
        return (reply as FastifyReply)
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="order-${orderKey}-history.csv"`)
          .send(historyCsv(entries, verification));
      }
      return { orderKey, verification, events: entries };
    });

    app.get('/v1/correlations/:correlationId', {
      config: { scope: 'audit', openapi: { csv: true } },
      serializerCompiler: shownAsRecorded,
      schema: {
        tags: ['audit'], summary: 'Every event that carries a correlation id, across orders, in log order, a page at a time',
        description: 'JSON, or CSV with Accept: text/csv: one row per event of the page, its order key first, then the columns of the history\'s CSV '
          + '(system and actor split into their fields, source document and data as JSON) without the chain\'s verdict, which is per order.',
        params: z.object({ correlationId: z.string().min(1).max(128) }),
        querystring: z.object(pageQuery),
        response: {
          200: z.object({
            correlationId: z.string(), events: z.array(correlatedEntrySchema),
            nextCursor: z.string().nullable().describe('Pass it back as `cursor` for the next page; null on the last.'),
          }),
          ...problemResponses('CORRELATIONS_UNAVAILABLE', 'INVALID_CURSOR'),
        },
      },
    }, async (request, reply) => {
      const { correlationId } = request.params;
      const { limit, cursor } = request.query;
      const read = await loadPage(reply, async () => {
        const after = cursor === undefined ? undefined : positionOfCursor(cursor);
        return store.readCorrelated(correlationId, { limit: limit + 1, after }).catch((error: unknown) => {
          if (isCorrelationsUnavailable(error)) return error;
          throw error;
        });
      });
      if (read === undefined) return reply;
      if (isCorrelationsUnavailable(read)) return sendProblem(reply, problem('CORRELATIONS_UNAVAILABLE', { detail: read.message }));
      const events = read.slice(0, limit);
      const nextCursor = read.length > limit ? encodeCursor([events.at(-1)!.position]) : null;
      setNextCursor(reply, nextCursor);
      const entries = events.map((e) => ({ orderKey: (e.metadata.orderKey as string | undefined) ?? null, ...historyEntry(e) }));
      if (wantsCsv(request)) {
        const rows = entries.map((e) => ({ orderKey: e.orderKey, ...flatEntry(e) }));
        return sendCsv(reply, `correlation-${correlationId.replace(/[^A-Za-z0-9._-]/g, '_')}`, rows, ['orderKey', ...flatEntryColumns]);
      }
      return { correlationId, events: entries, nextCursor };
    });

    /** The log position a correlations cursor holds; a BadCursor when it holds none of this store's. */
    function positionOfCursor(cursor: string): Position {
      const [value] = decodeCursor(cursor, 1);
      try {
        return store.checkPosition(value!);
      } catch {
        throw new BadCursor('The cursor is not one this list issued.');
      }
    }

    async function known(segment: string, reply: Parameters<typeof notFound>[0]): Promise<string | undefined> {
      const ref: OrderRef | { error: string } = parseOrderRef(segment);
      if ('error' in ref) {
        await badRef(reply, ref.error);
        return undefined;
      }
      const orderKey = await service.resolve(ref);
      if (orderKey === undefined) await notFound(reply, segment);
      return orderKey;
    }
  };
}

function badRef(reply: Parameters<typeof sendProblem>[0], reason: string) {
  return sendProblem(reply, problem('VALIDATION_FAILED', { errors: [{ path: 'params.orderRef', message: reason }] }));
}

function notFound(reply: Parameters<typeof sendProblem>[0], ref: string) {
  return sendProblem(reply, problem('ORDER_NOT_FOUND', { detail: `No order is known as ${ref}.` }));
}

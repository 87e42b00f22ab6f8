import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { integrationResentData } from '../../domain/ledgerEvents.js';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { Fetch } from '../../integrations/deliverWebhook.js';
import { resendOrders } from '../../integrations/resendOrders.js';
import type { SecretBox } from '../../integrations/SecretBox.js';
import { driftKinds } from '../../reconciliation/compareSnapshot.js';
import { maxSnapshotRows, reconcileSnapshot, SnapshotTooLarge } from '../../reconciliation/reconcileSnapshot.js';
import { driftedOrderKeys, driftPage, listReconciliations, reconciliationSummary } from '../../reconciliation/reconciliationReports.js';
import { UnreadableSnapshot, type SnapshotFormat } from '../../reconciliation/snapshotRows.js';
import type { OrderService } from '../../orders/OrderService.js';
import { actorOf } from '../auth/actorOf.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { listResponses, pageQuery, pageSchema, sendPage, wantsCsv } from '../reports/reportReply.js';
import { resendRecorder } from '../sync/resendRecorder.js';

export interface ReconciliationRoutesOptions {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  /** The write side, through which each re-send becomes an event of its order. */
  readonly orders: OrderService;
  readonly fetch?: Fetch;
}

const tags = ['sync'];
const mediaTypes: Record<string, SnapshotFormat> = { 'text/csv': 'csv', 'application/x-ndjson': 'jsonl', 'application/jsonl': 'jsonl' };
const counts = z.object(Object.fromEntries(driftKinds.map((k) => [k, z.number().int()])) as Record<(typeof driftKinds)[number], z.ZodNumber>);
const listedSchema = z.object({
  id: z.string(), system: z.string(), format: z.enum(['csv', 'jsonl']), actor: z.string(), createdAt: z.string(), durationMs: z.number().int(),
  rowsRead: z.number().int(), malformedRows: z.number().int(), snapshotOrders: z.number().int(), ledgerOrders: z.number().int(),
  driftedOrders: z.number().int(), drift: counts.describe('Drift rows of each kind, keyed by kind as the drift rows name it.'),
}).meta({ id: 'ListedReconciliation' });
const summarySchema = listedSchema.extend({
  malformed: z.array(z.object({ line: z.number().int(), field: z.string(), reason: z.string() })).describe('The first 100 malformed rows by line.'),
}).meta({ id: 'Reconciliation' });
const driftRow = z.object({
  seq: z.number().int(), kind: z.enum(driftKinds), orderRef: z.string(), orderKey: z.string().nullable(), lineNo: z.number().int().nullable(),
  field: z.string().nullable(), ledgerValue: z.string().nullable(), snapshotValue: z.string().nullable(), snapshotLine: z.number().int().nullable(),
  ledgerRevision: z.number().int().nullable(),
  evidence: z.array(z.object({ revision: z.number().int(), eventId: z.string(), type: z.string(), recordedAt: z.string() })).nullable(),
});
const page = pageQuery;
const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a reconciliation id') });
const snapshotDoc = z.string().describe(
  `CSV with a header row, or JSON lines (one object a line). Columns/keys: order (key, erp:… or po:…; required), status, line, ordered, shipped, invoiced, ordered_value, invoiced_total (docs/reporting.md). At most ${maxSnapshotRows.toLocaleString('en-US')} rows.`);

/**
 * Reconciliation: a system sends its own view of the orders (`submit`
 * scope: it is a system's statement, like a transition, and changes no
 * order), streamed and compared with the CRM view's read models; reports
 * are read with `read`, and an admin has the system's integrator re-send
 * every drifted order.
 */
export function reconciliationRoutes(options: ReconciliationRoutesOptions): FastifyPluginAsync {
  const { pool } = options;
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    // The body is read as it arrives, row by row, never buffered whole (nor held to the JSON body limit).
    app.addContentTypeParser(Object.keys(mediaTypes), (_request, payload, done) => done(null, payload));

    app.post('/v1/reconciliations', {
      config: {
        scope: 'submit',
        openapi: { body: snapshotDoc, examples: { crm: { summary: 'The CRM\'s view of two order lines', value: 'order,status,line,ordered,shipped,invoiced,ordered_value,invoiced_total\nWEB-1001,SHIPPED,1,2,2,0,59.8,0\n' } } },
      },
      schema: {
        tags, summary: 'Compare a system\'s snapshot of the orders (CSV or JSON lines, streamed) with the ledger and store the drift report',
        consumes: Object.keys(mediaTypes),
        querystring: z.object({ system: z.string().min(1).max(100).optional().describe('The system whose view this is (default: the key\'s system); the integrator of that name re-sends drifted orders.') }),
        response: { 201: summarySchema, ...problemResponses('VALIDATION_FAILED', 'INVALID_UTF8', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE') },
      },
    }, async (request, reply) => {
      const media = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = mediaTypes[media];
      if (!format || typeof (request.body as Readable | undefined)?.[Symbol.asyncIterator] !== 'function') {
        return sendProblem(reply, problem('UNSUPPORTED_MEDIA_TYPE', { detail: `Send the snapshot as ${Object.keys(mediaTypes).join(' or ')}, not ${media || 'no content type'}.` }));
      }
      try {
        const summary = await reconcileSnapshot(pool, { system: request.query.system ?? request.principal!.system, format, actor: actorOf(request), body: request.body as Readable });
        request.log.info({ reconciliation: summary.id, system: summary.system, rows: summary.rowsRead, drifted: summary.driftedOrders }, 'snapshot reconciled');
        return reply.code(201).header('location', `/v1/reconciliations/${summary.id}`).send(summary);
      } catch (error) {
        if (error instanceof SnapshotTooLarge) return sendProblem(reply, problem('BODY_TOO_LARGE', { detail: error.message }));
        if (!(error instanceof UnreadableSnapshot)) throw error;
        return sendProblem(reply, problem(error.code, { detail: error.message, ...(error.code === 'VALIDATION_FAILED' ? { errors: [{ path: 'body', message: error.message }] } : {}) }));
      }
    });

    app.get('/v1/reconciliations', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'Stored reconciliations, newest first, a page at a time (each one\'s malformed rows: GET /v1/reconciliations/{id})',
        description: 'JSON, or CSV with Accept: text/csv (the drift counts as JSON in one column).',
        querystring: z.object({ system: z.string().min(1).max(100).optional(), ...page }),
        response: listResponses(listedSchema),
      },
    }, async (request, reply) => sendPage(request, reply, 'reconciliations', async () => {
      const found = await listReconciliations(pool, request.query);
      return { ...found, items: found.items.map((r) => ({ ...r })), columns: Object.keys(listedSchema.shape) };
    }, { dataMaps: ['drift'] }));

    app.get('/v1/reconciliations/:id', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'One reconciliation and a page of its drift rows (CSV of the drift rows with Accept: text/csv)',
        params: idParams,
        querystring: z.object({ kind: z.enum(driftKinds).optional(), ...page }),
        response: { 200: summarySchema.extend(pageSchema(driftRow).shape), ...problemResponses('RECONCILIATION_NOT_FOUND', 'INVALID_CURSOR') },
      },
    }, async (request, reply) => {
      const { id } = request.params;
      const summary = await reconciliationSummary(pool, id);
      if (!summary) return sendProblem(reply, problem('RECONCILIATION_NOT_FOUND', { detail: `No reconciliation has id ${id}.` }));
      const answered = await sendPage(request, reply, `reconciliation-${id}`, () => driftPage(pool, id, request.query));
      if (wantsCsv(request) || !('items' in answered)) return reply;
      return { ...summary, items: answered.items as z.infer<typeof driftRow>[], nextCursor: answered.nextCursor };
    });

    app.post('/v1/reconciliations/:id/resend', {
      config: { scope: 'admin', openapi: { examples: { restore: { summary: 'Re-send what the CRM shows wrong', value: { reason: 'CRM drift found by the nightly reconciliation' } } } } },
      schema: {
        tags, summary: 'Have the integrator of the reconciled system send the current state of every drifted order now (recorded in each order\'s history as IntegrationResent)',
        params: idParams,
        body: z.object({ reason: integrationResentData.shape.reason.describe('Why: kept, with the reconciliation id, in the IntegrationResent event of each order.') }),
        response: {
          200: z.object({
            reconciliation: z.string(), system: z.string(),
            results: z.array(z.object({ orderKey: z.string(), outcome: z.enum(['delivered', 'failed', 'not_found']), eventIds: z.array(z.string()).optional(), error: z.string().optional() })),
          }),
          ...problemResponses('RECONCILIATION_NOT_FOUND', 'INTEGRATOR_NOT_FOUND'),
        },
      },
    }, async (request, reply) => {
      const { id } = request.params;
      const summary = await reconciliationSummary(pool, id);
      if (!summary) return sendProblem(reply, problem('RECONCILIATION_NOT_FOUND', { detail: `No reconciliation has id ${id}.` }));
      const orderKeys = await driftedOrderKeys(pool, id);
      const deps = { pool, store: options.store, secrets: options.secrets, record: resendRecorder(options.orders, request), ...(options.fetch ? { fetch: options.fetch } : {}) };
      const result = await resendOrders(deps, summary.system, orderKeys, { actor: actorOf(request), reason: request.body.reason, reconciliationId: id });
      if (!result.ok) return sendProblem(reply, problem('INTEGRATOR_NOT_FOUND', { detail: `No integrator is named ${summary.system}, the system reconciliation ${id} is of.` }));
      request.log.info({ reconciliation: id, integrator: summary.system, orders: orderKeys.length, actor: actorOf(request) }, 'drifted orders re-sent');
      return { reconciliation: id, system: summary.system, results: result.results };
    });
  };
}

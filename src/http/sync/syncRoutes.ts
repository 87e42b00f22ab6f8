import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { SecretBox } from '../../integrations/SecretBox.js';
import { z } from 'zod';
import type { EventStore } from '../../eventstore/EventStore.js';
import { integrationResentData } from '../../domain/ledgerEvents.js';
import { actorOf } from '../auth/actorOf.js';
import { OrderAliases, parseOrderRef } from '../../orders/orderAliases.js';
import type { OrderService } from '../../orders/OrderService.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import type { Fetch } from '../../integrations/deliverWebhook.js';
import { resendOrders } from '../../integrations/resendOrders.js';
import { orderSync, syncSystemList, systemOrderList } from '../../integrations/syncReport.js';
import { keysetPage } from '../../projections/reports/keysetPage.js';
import { currenciesOf } from '../../projections/reports/periodSummary.js';
import { listResponses, pageQuery, pageSchema, sendPage, wantsCsv } from '../reports/reportReply.js';
import { resendRecorder } from './resendRecorder.js';

export interface SyncRoutesOptions {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  /** The write side, through which each re-send becomes an event of its order. */
  readonly orders: OrderService;
  readonly fetch?: Fetch;
}

const tags = ['sync'];
const state = z.enum(['in_step', 'behind', 'failing']);
const isoTime = z.string().nullable();
const systemSchema = z.object({
  kind: z.enum(['integrator', 'consumer']), system: z.string(), crm: z.boolean(), state,
  orders: z.number().int(), inStep: z.number().int(), behind: z.number().int(), failing: z.number().int(),
  valueAtRisk: z.number().describe('Open value of the orders not in step, in `currency`, rounded to cents.'), currency: z.string(), oldestGapSince: isoTime, lastReflectedAt: isoTime, stopped: z.boolean(), paused: z.boolean(),
});
const orderRowSchema = z.object({
  kind: z.enum(['integrator', 'consumer']), system: z.string(), orderKey: z.string(), state,
  headRevision: z.number().int(), headRecordedAt: z.string(), reflectedRevision: z.number().int().nullable(), reflectedAt: isoTime,
  behindSince: isoTime, error: z.string().nullable(), valueAtRisk: z.number(), currency: z.string().nullable(),
});
const milestone = z.enum(['RECEIVED', 'ACCEPTED', 'REJECTED', 'SHIPPED', 'DELIVERED', 'CLOSED']).nullable();
const orderSyncSchema = z.object({
  orderKey: z.string(),
  ledger: z.object({ revision: z.number().int(), recordedAt: z.string(), lastMilestone: milestone }),
  systems: z.array(orderRowSchema.extend({ reflectedMilestone: milestone })),
});
const resendBody = z.object({
  system: z.string().min(1).describe('The integrator to send through.'),
  orderKeys: z.array(z.string().min(1)).min(1).max(10_000),
  reason: integrationResentData.shape.reason.describe('Why: kept in the IntegrationResent event of each order.'),
});
const resendResponse = z.object({
  system: z.string(),
  results: z.array(z.object({ orderKey: z.string(), outcome: z.enum(['delivered', 'failed', 'not_found']), eventIds: z.array(z.string()).optional(), error: z.string().optional() })),
});

/**
 * Whether every downstream system shows what the ledger knows (`read`
 * scope), from `reporting.sync_state`; and the admin re-send of orders'
 * current state through an integrator.
 */
export function syncRoutes(options: SyncRoutesOptions): FastifyPluginAsync {
  const { pool, store } = options;
  const aliases = new OrderAliases(pool);
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get('/v1/sync', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'Each downstream system: in step, behind or failing, with the value at risk; worst first, a page at a time',
        description: 'camelCase JSON, or CSV with Accept: text/csv: one row per system, each naming its `currency`.',
        querystring: z.object({ currency: z.string().length(3).optional().describe('Currency of the value at risk (default: the one most orders are in, as in the summary).'), ...pageQuery }),
        response: {
          200: pageSchema(systemSchema).extend({
            currency: z.string(), currencies: z.array(z.string()).describe('Every currency the ledger has orders in; values at risk cover `currency` only.'),
          }),
          ...problemResponses('INVALID_CURSOR'),
        },
      },
    }, async (request, reply) => {
      const currencies = await currenciesOf(pool);
      const currency = request.query.currency ?? currencies[0] ?? 'USD';
      const answered = await sendPage(request, reply, 'sync', () => keysetPage(pool, syncSystemList(currency), request.query));
      if (wantsCsv(request) || !('items' in answered)) return reply;
      return { currency, currencies, items: answered.items as z.infer<typeof systemSchema>[], nextCursor: answered.nextCursor };
    });

    app.get('/v1/sync/:system/orders', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'The orders one system does not reflect (or those in `state`), by value at risk, a page at a time',
        description: 'camelCase JSON, or CSV with Accept: text/csv.',
        params: z.object({ system: z.string().min(1) }),
        querystring: z.object({ state: state.optional(), ...pageQuery }),
        response: listResponses(orderRowSchema),
      },
    }, async (request, reply) => sendPage(request, reply, `sync-${request.params.system}-orders`, () =>
      keysetPage(pool, systemOrderList(request.params.system, request.query.state), request.query)));

    app.get('/v1/orders/:orderRef/sync', {
      config: { scope: 'read' },
      schema: {
        tags, summary: 'What the ledger knows of an order, and what each downstream system reflects of it, since when',
        params: z.object({ orderRef: z.string().min(1) }),
        response: { 200: orderSyncSchema, ...problemResponses('ORDER_NOT_FOUND') },
      },
    }, async (request, reply) => {
      const ref = parseOrderRef(request.params.orderRef);
      if ('error' in ref) return sendProblem(reply, problem('VALIDATION_FAILED', { errors: [{ path: 'params.orderRef', message: ref.error }] }));
      const orderKey = 'orderKey' in ref ? ref.orderKey : await aliases.resolve(ref.alias);
      const found = orderKey === undefined ? undefined : await orderSync(pool, store, orderKey);
      return found ?? sendProblem(reply, problem('ORDER_NOT_FOUND', { detail: `No order is known as ${request.params.orderRef}.` }));
    });

    app.post('/v1/sync/resend', {
      config: { scope: 'admin', openapi: { examples: { restore: { summary: 'Re-send an order after a restore downstream', value: { system: 'erp-webhook', orderKeys: ['WEB-1001'], reason: 'ERP restored from backup' } } } } },
      schema: { tags, summary: 'Send the current state of these orders through an integrator now (recorded in each order\'s history as IntegrationResent)', body: resendBody, response: { 200: resendResponse, ...problemResponses('INTEGRATOR_NOT_FOUND') } },
    }, async (request, reply) => {
      const { system, orderKeys, reason } = request.body;
      const deps = { pool, store, secrets: options.secrets, record: resendRecorder(options.orders, request), ...(options.fetch ? { fetch: options.fetch } : {}) };
      const result = await resendOrders(deps, system, orderKeys, { actor: actorOf(request), reason });
      if (!result.ok) return sendProblem(reply, problem('INTEGRATOR_NOT_FOUND', { detail: `No integrator is named ${system}.` }));
      request.log.info({ integrator: system, orders: orderKeys.length, actor: actorOf(request) }, 'orders re-sent');
      return { system, results: result.results };
    });
  };
}

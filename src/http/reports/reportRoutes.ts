import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { sendProblem } from '../problem.js';
import type { ProjectionRunner } from '../../projections/ProjectionRunner.js';
import { projectionStatuses } from '../../projections/projectionStatus.js';
import { backlogCells } from '../../projections/readModels/backlog.js';
import { ordersOfAccount } from '../../projections/readModels/crmOrders.js';
import { exceptionQueue, slaBreaches } from '../../projections/readModels/exceptions.js';
import { fillRateDaily } from '../../projections/readModels/fillRateLines.js';
import { kpiDaily } from '../../projections/readModels/orderKpis.js';
import { keysetPage, pageInMemory, type ListQuery } from '../../projections/reports/keysetPage.js';
import { listResponses, pageQuery, sendPage } from './reportReply.js';
import { badRange, daysOf } from './reportPeriod.js';
import { summaryRoute } from './summaryRoute.js';

export interface ReportRoutesDeps {
  readonly pool: pg.Pool;
  readonly runner: ProjectionRunner;
}

const isoDay = z.iso.date();
const page = pageQuery;
const segment = { soldTo: z.string().min(1).optional(), warehouse: z.string().min(1).optional(), channel: z.string().min(1).optional() };
const range = z.object({ from: isoDay.optional(), to: isoDay.optional(), ...segment, ...page });
/** kpi_daily is by day only: a customer, warehouse or channel is refused by name rather than ignored. */
const daysOnly = z.strictObject({ from: isoDay.optional(), to: isoDay.optional(), ...page });
const read = { scope: 'read' as const, openapi: { csv: true } };
const csvNote = 'camelCase JSON, or CSV with Accept: text/csv. Money is a number in the row\'s currency; durations are seconds.';

/**
 * The read side over HTTP (`read` scope): reports, the CRM account view,
 * the exception queue and projection status. Every answer comes from the
 * `reporting` tables, never from the log; every list pages by cursor.
 */
export function reportRoutes(deps: ReportRoutesDeps): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const { pool, runner } = deps;
    const pageOf = (query: ListQuery, q: { limit: number; cursor?: string | undefined }) => () => keysetPage(pool, query, q);

    await app.register(summaryRoute(deps));

    app.get('/v1/reports/backlog', {
      config: read,
      schema: {
        tags: ['reports'], summary: 'Open lines by stage, age bucket and currency, with value and past due (docs/domain.md §4)', description: csvNote,
        querystring: z.object({ ...segment, ...page }),
        response: listResponses(z.object({ stage: z.string(), ageBucket: z.string(), currency: z.string().nullable(), lines: z.number(), openQty: z.number(), openValue: z.number(), pastDueLines: z.number(), pastDueValue: z.number() })),
      },
    }, async (request, reply) => {
      const cells = backlogCells(request.query);
      const keys = [{ expr: 'stage', type: 'text' as const }, { expr: 'age_bucket', type: 'text' as const }, { expr: "coalesce(currency, '')", type: 'text' as const }];
      return sendPage(request, reply, 'backlog', pageOf({ ...cells, keys }, request.query));
    });

    app.get('/v1/reports/fill-rate', {
      config: read,
      schema: { tags: ['reports'], summary: 'Line, unit and order fill rate and OTIF by day, customer, warehouse and channel (totals: /v1/reports/summary)', description: csvNote, querystring: range, response: listResponses(undefined, 'INVALID_DATE_RANGE') },
    }, async (request, reply) => {
      const days = daysOf(request.query);
      if (!days) return sendProblem(reply, badRange());
      return sendPage(request, reply, 'fill-rate', pageOf(fillRateDaily({ ...request.query, ...days }), request.query));
    });

    app.get('/v1/reports/kpis', {
      config: read,
      schema: { tags: ['reports'], summary: 'Acceptance latency, order cycle time, duplicate order rate and exception resolution time by day (all customers, warehouses and channels; by segment: /v1/reports/summary)', description: csvNote, querystring: daysOnly, response: listResponses(undefined, 'INVALID_DATE_RANGE') },
    }, async (request, reply) => {
      const days = daysOf(request.query);
      if (!days) return sendProblem(reply, badRange());
      return sendPage(request, reply, 'kpis', pageOf(kpiDaily(days.from, days.to), request.query));
    });

    app.get('/v1/crm/accounts/:soldTo/orders', {
      config: read,
      schema: {
        tags: ['crm'], summary: 'The CRM view of an account\'s orders, newest first, with their lines (docs/domain.md §5)', description: csvNote,
        params: z.object({ soldTo: z.string().min(1) }),
        querystring: z.object({ status: z.string().min(1).optional(), ...page }),
        response: listResponses(),
      },
    }, async (request, reply) => sendPage(request, reply, `orders-${request.params.soldTo}`, async () => {
      const found = await keysetPage(pool, ordersOfAccount(request.params.soldTo, request.query), request.query);
      return { items: found.items.map((r) => r.row as Record<string, unknown>), nextCursor: found.nextCursor };
    }));

    app.get('/v1/exceptions', {
      config: read,
      schema: {
        tags: ['reports'], summary: 'The exception queue, highest value at risk first', description: csvNote,
        querystring: z.object({ status: z.enum(['OPEN', 'RESOLVED']).default('OPEN'), code: z.string().min(1).optional(), orderKey: z.string().min(1).optional(), ...page }),
        response: listResponses(),
      },
    }, async (request, reply) => sendPage(request, reply, 'exceptions', pageOf(exceptionQueue(request.query), request.query)));

    app.get('/v1/reports/sla-breaches', {
      config: read,
      schema: {
        tags: ['reports'], summary: 'Stuck orders breaching an SLA rule now, highest value at risk first (rules: reporting.sla_rules)', description: csvNote,
        querystring: z.object({ orderKey: z.string().min(1).optional(), rule: z.string().min(1).optional(), ...page }),
        response: listResponses(),
      },
    }, async (request, reply) => sendPage(request, reply, 'sla-breaches', pageOf(slaBreaches(request.query), request.query)));

    app.get('/v1/projections', {
      config: read,
      schema: { tags: ['reports'], summary: 'Each projection: status, checkpoint, lag in events and seconds, failure if any', description: csvNote, querystring: z.object(page), response: listResponses() },
    }, async (request, reply) => sendPage(request, reply, 'projections', async () =>
      pageInMemory((await projectionStatuses(runner)).map((s) => ({ ...s, lag: { ...s.lag, seconds: Math.round(s.lag.seconds) } }) as Record<string, unknown>), (s) => s.name as string, request.query)));
  };
}

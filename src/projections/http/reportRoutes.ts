import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { problem, sendProblem } from '../../http/problem.js';
import type { ProjectionRunner } from '../ProjectionRunner.js';
import { projectionStatuses } from '../projectionStatus.js';
import { backlogSummary } from '../readModels/backlog.js';
import { ordersOfAccount } from '../readModels/crmOrders.js';
import { exceptionQueue, slaBreaches } from '../readModels/exceptions.js';
import { fillRateDaily } from '../readModels/fillRateLines.js';
import { kpiDaily } from '../readModels/orderKpis.js';

export interface ReportRoutesDeps {
  readonly pool: pg.Pool;
  readonly runner: ProjectionRunner;
}

const isoDay = z.iso.date();
const rows = z.object({ items: z.array(z.record(z.string(), z.unknown())) });
const segment = { soldTo: z.string().min(1).optional(), warehouse: z.string().min(1).optional(), channel: z.string().min(1).optional() };
const range = z.object({ from: isoDay.optional(), to: isoDay.optional(), ...segment });
const read = { scope: 'read' as const };

/**
 * The read side over HTTP (`read` scope): reports, the CRM account view,
 * the exception queue and projection status. Every answer comes from the
 * `reporting` tables, never from the log.
 */
export function reportRoutes(deps: ReportRoutesDeps): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const { pool, runner } = deps;

    app.get('/v1/reports/backlog', {
      config: read,
      schema: { tags: ['reports'], summary: 'Open lines by stage and age bucket, with value and past due (docs/domain.md §4)', querystring: z.object(segment), response: { 200: rows } },
    }, async (request) => ({ items: await backlogSummary(pool, request.query) }));

    app.get('/v1/reports/fill-rate', {
      config: read,
      schema: { tags: ['reports'], summary: 'Line, unit and order fill rate and OTIF by day, customer, warehouse and channel', querystring: range, response: { 200: rows } },
    }, async (request, reply) => {
      const days = daysOf(request.query);
      if (!days) return sendProblem(reply, badRange());
      return { items: await fillRateDaily(pool, { ...request.query, ...days }) };
    });

    app.get('/v1/reports/kpis', {
      config: read,
      schema: { tags: ['reports'], summary: 'Acceptance latency, order cycle time, duplicate order rate and exception resolution time by day', querystring: range, response: { 200: rows } },
    }, async (request, reply) => {
      const days = daysOf(request.query);
      if (!days) return sendProblem(reply, badRange());
      return { items: await kpiDaily(pool, days.from, days.to) };
    });

    app.get('/v1/crm/accounts/:soldTo/orders', {
      config: read,
      schema: {
        tags: ['crm'], summary: 'The CRM view of an account\'s orders, newest first, with their lines (docs/domain.md §5)',
        params: z.object({ soldTo: z.string().min(1) }),
        querystring: z.object({ status: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: rows },
      },
    }, async (request) => ({ items: await ordersOfAccount(pool, request.params.soldTo, request.query) }));

    app.get('/v1/exceptions', {
      config: read,
      schema: {
        tags: ['reports'], summary: 'The exception queue by value at risk, and the current SLA breaches (stuck orders)',
        querystring: z.object({ status: z.enum(['OPEN', 'RESOLVED']).default('OPEN'), code: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ items: rows.shape.items, slaBreaches: rows.shape.items }) },
      },
    }, async (request) => ({ items: await exceptionQueue(pool, request.query), slaBreaches: await slaBreaches(pool, request.query.limit) }));

    app.get('/v1/projections', {
      config: read,
      schema: { tags: ['reports'], summary: 'Each projection: status, checkpoint, lag in events and seconds, failure if any', response: { 200: rows } },
    }, async () => ({ items: (await projectionStatuses(runner)).map((s) => ({ ...s })) }));
  };
}

/** The requested days, the last 30 by default; undefined when `from` is after `to`. */
function daysOf(query: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } | undefined {
  const to = query.to ?? new Date().toISOString().slice(0, 10);
  const from = query.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
  return from <= to ? { from, to } : undefined;
}

function badRange() {
  return problem(400, 'INVALID_DATE_RANGE', 'Bad Request', { detail: '"from" must be on or before "to".', errors: [{ path: 'querystring.from', message: 'must be on or before to' }] });
}

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { z } from 'zod';
import { problemResponses } from '../apiDocument.js';
import { sendProblem } from '../problem.js';
import type { ProjectionRunner } from '../../projections/ProjectionRunner.js';
import { projectionStatuses } from '../../projections/projectionStatus.js';
import { periodSummary } from '../../projections/reports/periodSummary.js';
import { camelCased, sendCsv, wantsCsv } from './reportReply.js';
import { badRange, daysOf } from './reportPeriod.js';
import { summaryQuerySchema, summarySchema } from './summarySchema.js';

/** `GET /v1/reports/summary`: the figures a dashboard and the demo show, for a period and segment. */
export function summaryRoute(deps: { readonly pool: pg.Pool; readonly runner: ProjectionRunner }): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    app.get('/v1/reports/summary', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags: ['reports'],
        summary: 'Headline figures for a period and segment: orders, fill rate, OTIF, backlog, exceptions, SLA breaches, timings',
        description: 'Fill rate, OTIF and order timings cover the period; backlog, exceptions and SLA breaches are as of now. Distinct orders count once however many lines, days or warehouses they have. CSV (Accept: text/csv): one row per figure.',
        querystring: summaryQuerySchema,
        response: { 200: summarySchema, ...problemResponses('INVALID_DATE_RANGE') },
      },
    }, async (request, reply) => {
      const days = daysOf(request.query);
      if (!days) return sendProblem(reply, badRange());
      const [summary, statuses] = await Promise.all([periodSummary(deps.pool, { ...request.query, ...days }), projectionStatuses(deps.runner)]);
      const body = camelCased({
        ...summary,
        generatedAt: new Date().toISOString(),
        freshness: {
          eventsBehind: statuses.reduce((s, p) => s + p.lag.events, 0),
          lagSeconds: Math.round(Math.max(0, ...statuses.map((p) => p.lag.seconds))),
        },
      }) as z.infer<typeof summarySchema>;
      if (wantsCsv(request)) return sendCsv(reply, `summary-${days.from}-${days.to}`, figureRows(body as unknown));
      return body;
    });
  };
}

/** The summary as `figure,value` rows: nested names joined by dots, list items named by their first field. */
function figureRows(value: unknown, prefix = ''): { figure: string; value: unknown }[] {
  if (value === null || typeof value !== 'object') return [{ figure: prefix, value }];
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return [{ figure: prefix, value: value.join(' ') }];
  return Object.entries(value).flatMap(([k, v]) => {
    const name = Array.isArray(value) ? String(Object.values(v as object)[0] ?? k) : k;
    return figureRows(v, prefix === '' ? name : `${prefix}.${name}`);
  });
}

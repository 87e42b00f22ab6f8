import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { parseOrderRef } from '../../orders/orderAliases.js';
import type { UnmatchedQueue } from '../../orders/UnmatchedQueue.js';
import { unmatchedWaiting } from '../../projections/readModels/unmatchedWaiting.js';
import { keysetPage } from '../../projections/reports/keysetPage.js';
import { actorOf } from '../auth/actorOf.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { listResponses, pageQuery, sendPage } from '../reports/reportReply.js';

const tags = ['orders'];
const aliasSchema = z.object({
  alias: z.string(), transitions: z.number().int(), sourceSystems: z.array(z.string()), types: z.array(z.string()),
  waitingSince: z.string(), lastReceivedAt: z.string(),
});

/**
 * The unmatched queue, visible (`read`): what waits under each alias no order
 * has taken, and since when; an admin discards an alias's waiting
 * transitions with a reason, recorded on each of them.
 */
export function unmatchedRoutes(deps: { pool: pg.Pool; queue: UnmatchedQueue }): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get('/v1/unmatched', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'Aliases transitions wait under: how many, from which systems, since when (longest waiting first)',
        description: 'camelCase JSON, or CSV with Accept: text/csv (lists as JSON in their cell).',
        querystring: z.object(pageQuery),
        response: listResponses(aliasSchema),
      },
    }, async (request, reply) => sendPage(request, reply, 'unmatched', () => keysetPage(deps.pool, unmatchedWaiting(), request.query)));

    app.post('/v1/unmatched/:alias/discard', {
      config: { scope: 'admin', openapi: { examples: { mistyped: { summary: 'Give up on a mistyped ERP number', value: { reason: 'No such ERP order: keyed in error' } } } } },
      schema: {
        tags, summary: 'Give up on every transition waiting under an alias, with a reason (recorded on each)',
        params: z.object({ alias: z.string().min(1) }),
        body: z.object({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: z.object({ alias: z.string(), discarded: z.number().int() }), ...problemResponses('UNMATCHED_NOT_FOUND') },
      },
    }, async (request, reply) => {
      const ref = parseOrderRef(request.params.alias);
      if ('error' in ref || !('alias' in ref)) {
        return sendProblem(reply, problem('VALIDATION_FAILED', { errors: [{ path: 'params.alias', message: 'error' in ref ? ref.error : 'must be erp:… or po:…' }] }));
      }
      const discarded = await deps.queue.discard(ref.alias, actorOf(request), request.body.reason);
      if (discarded === 0) return sendProblem(reply, problem('UNMATCHED_NOT_FOUND', { detail: `Nothing waits under ${request.params.alias}.` }));
      request.log.warn({ alias: request.params.alias, discarded, actor: actorOf(request) }, 'unmatched transitions discarded');
      return { alias: request.params.alias, discarded };
    });
  };
}

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { actorOf } from '../auth/actorOf.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { consumerKeyList, ConsumerKeys, type ConsumerKeyBinding } from '../../integrations/ConsumerKeys.js';
import { keysetPage } from '../../projections/reports/keysetPage.js';
import { listResponses, pageQuery, sendPage } from '../reports/reportReply.js';
import { consumerNameParam } from './feedSchemas.js';

const tags = ['feed'];
const params = z.object({ name: consumerNameParam, keyId: z.string().regex(/^[a-z0-9]{12}$/, 'the 12-character id of an API key (olk_<id>_…)') });
const bindingSchema = z.object({ consumer: z.string(), keyId: z.string(), boundBy: z.string(), boundAt: z.string() });

/** Admin routes that bind API keys to a named consumer, so that those keys may store its checkpoint. */
export function consumerKeyRoutes(pool: pg.Pool): FastifyPluginAsync {
  const bindings = new ConsumerKeys(pool);
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get('/v1/consumers/:name/keys', {
      config: { scope: 'admin', openapi: { csv: true } },
      schema: {
        tags, summary: 'The API keys bound to a consumer (they may store its checkpoint), oldest binding first, a page at a time',
        description: 'JSON, or CSV with Accept: text/csv.',
        params: params.pick({ name: true }), querystring: z.object(pageQuery), response: listResponses(bindingSchema),
      },
    }, async (request, reply) => sendPage(request, reply, `consumer-${request.params.name}-keys`, () => keysetPage(pool, consumerKeyList(request.params.name), request.query)));

    app.put('/v1/consumers/:name/keys/:keyId', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Bind an API key to a consumer: it may then store that consumer\'s checkpoint (binding it again answers the first binding)', params, response: { 200: bindingSchema, ...problemResponses('API_KEY_NOT_FOUND') } },
    }, async (request, reply) => {
      const { name, keyId } = request.params;
      const binding = await bindings.bind(name, keyId, actorOf(request));
      if (!binding) return sendProblem(reply, problem('API_KEY_NOT_FOUND', { detail: `No active API key has the id ${keyId}.` }));
      request.log.info({ consumer: name, keyId }, 'API key bound to consumer');
      return view(binding);
    });

    app.delete('/v1/consumers/:name/keys/:keyId', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Unbind an API key from a consumer', params, response: { 204: z.undefined().describe('Unbound'), ...problemResponses('BINDING_NOT_FOUND') } },
    }, async (request, reply) => {
      const { name, keyId } = request.params;
      if (!(await bindings.unbind(name, keyId))) {
        return sendProblem(reply, problem('BINDING_NOT_FOUND', { detail: `Key ${keyId} is not bound to consumer ${name}.` }));
      }
      request.log.info({ consumer: name, keyId }, 'API key unbound from consumer');
      return reply.code(204).send();
    });
  };
}

function view(binding: ConsumerKeyBinding) {
  return { ...binding, boundAt: binding.boundAt.toISOString() };
}

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { actorOf } from '../auth/actorOf.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { ConsumerKeys, type ConsumerKeyBinding } from '../../integrations/ConsumerKeys.js';
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
      config: { scope: 'admin' },
      schema: { tags, summary: 'The API keys bound to a consumer (they may store its checkpoint)', params: params.pick({ name: true }), response: { 200: z.object({ keys: z.array(bindingSchema) }) } },
    }, async (request) => ({ keys: (await bindings.list(request.params.name)).map(view) }));

    app.put('/v1/consumers/:name/keys/:keyId', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Bind an API key to a consumer: it may then store that consumer\'s checkpoint', params, response: { 200: z.object({ keys: z.array(bindingSchema) }), ...problemResponses('API_KEY_NOT_FOUND') } },
    }, async (request, reply) => {
      const { name, keyId } = request.params;
      if (!(await bindings.bind(name, keyId, actorOf(request)))) {
        return sendProblem(reply, problem('API_KEY_NOT_FOUND', { detail: `No active API key has the id ${keyId}.` }));
      }
      request.log.info({ consumer: name, keyId }, 'API key bound to consumer');
      return { keys: (await bindings.list(name)).map(view) };
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

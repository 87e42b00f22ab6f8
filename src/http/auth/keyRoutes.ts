import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { actorOf } from './actorOf.js';
import { apiScopes, keySystems } from './apiKeyFormat.js';
import type { ApiKeyStore, ListedKey } from './ApiKeyStore.js';
import { listResponses, pageQuery, sendPage } from '../reports/reportReply.js';

const tags = ['keys'];
const keyView = z.object({
  id: z.string(),
  system: z.enum(keySystems),
  scopes: z.array(z.enum(apiScopes)),
  label: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
}).meta({ id: 'ApiKey' });
const createBody = z.object({
  system: z.enum(keySystems),
  scopes: z.array(z.enum(apiScopes)).min(1),
  label: z.string().max(200).optional(),
});
const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{12}$/) });

/**
 * Managing API keys over HTTP (admin scope), the same acts as
 * `order-ledger keys …`: each is recorded with the acting key, and every
 * instance on the database honours it within one key refresh.
 */
export function keyRoutes(keys: ApiKeyStore): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get('/v1/keys', {
      config: { scope: 'admin', openapi: { csv: true } },
      schema: {
        tags, summary: 'Every API key, revoked ones included, oldest first, a page at a time (never a secret or its hash)',
        description: 'JSON, or CSV with Accept: text/csv, for an access review.',
        querystring: z.object(pageQuery),
        response: listResponses(keyView),
      },
    }, async (request, reply) => sendPage(request, reply, 'api-keys', async () => {
      const page = await keys.page(request.query);
      return { ...page, items: page.items.map(view) };
    }));

    app.post('/v1/keys', {
      config: { scope: 'admin', openapi: { examples: { gateway: { summary: 'A key for the warehouse gateway', value: { system: 'WMS', scopes: ['submit', 'read'], label: 'DC-EAST scanner gateway' } } } } },
      schema: {
        tags, summary: 'Create a key; its secret is in this response only', body: createBody,
        response: { 201: keyView.extend({ key: z.string().describe('The key to send as "Authorization: Bearer <key>"; not shown again.') }) },
      },
    }, async (request, reply) => {
      const { key, record } = await keys.create({ ...request.body, actor: actorOf(request) });
      request.log.info({ createdKeyId: record.id, keySystem: record.system, scopes: record.scopes }, 'API key created');
      return reply.code(201).send({ ...view(record), key });
    });

    app.delete('/v1/keys/:id', {
      config: { scope: 'admin' },
      schema: {
        tags, summary: 'Revoke a key; every instance refuses it within one key refresh', params: idParams,
        response: { 204: z.undefined().describe('Revoked'), ...problemResponses('API_KEY_NOT_FOUND') },
      },
    }, async (request, reply) => {
      if (!(await keys.revoke(request.params.id, actorOf(request)))) {
        return sendProblem(reply, problem('API_KEY_NOT_FOUND', { detail: `No active API key has the id ${request.params.id}.` }));
      }
      request.log.warn({ revokedKeyId: request.params.id }, 'API key revoked');
      return reply.code(204).send();
    });
  };
}

function view(record: ListedKey) {
  return {
    id: record.id, system: record.system, scopes: [...record.scopes], createdAt: record.createdAt,
    ...(record.label === undefined ? {} : { label: record.label }),
    ...(record.revokedAt === undefined ? {} : { revokedAt: record.revokedAt }),
  };
}

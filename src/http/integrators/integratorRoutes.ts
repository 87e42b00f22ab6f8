import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { SecretBox } from '../../integrations/SecretBox.js';
import { z } from 'zod';
import type { EventStore } from '../../eventstore/EventStore.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import type { Fetch } from '../../integrations/deliverWebhook.js';
import { actorOf } from '../auth/actorOf.js';
import { positionParam } from '../feed/feedSchemas.js';
import { integratorConfigSchema, integratorNamePattern } from '../../integrations/integratorConfig.js';
import { IntegratorRepository, integratorList, type IntegratorChange, type IntegratorRecord } from '../../integrations/IntegratorRepository.js';
import { integratorStatus } from '../../integrations/integratorStatus.js';
import { discardParkedEvent, retryParkedEvent, type ParkedActionResult } from '../../integrations/parkedEventActions.js';
import { parkedEventList, type ParkedEvent } from '../../integrations/ParkedEventRepository.js';
import { keysetPage } from '../../projections/reports/keysetPage.js';
import { listResponses, pageQuery, sendPage } from '../reports/reportReply.js';
import { newWebhookSecret } from '../../integrations/webhookSignature.js';
import { createdIntegratorSchema, integratorChangeSchema, integratorSchema, parkedActionSchema, parkedEventSchema } from './integratorSchemas.js';

export interface IntegratorRoutesOptions {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  /** For parked-event retries (default: the global fetch). */
  readonly fetch?: Fetch;
}

const tags = ['integrators'];
const nameParams = z.object({ name: z.string().regex(integratorNamePattern) });
const idParams = z.object({ id: z.string().regex(/^[0-9]{1,18}$/) });
const createBody = integratorConfigSchema.extend({
  secret: integratorConfigSchema.shape.secret.optional().describe('A whsec_ secret; one is generated (and shown once) when absent.'),
  startAfter: positionParam.optional().describe("Deliver events after this position; '' (default) replays the whole log, 'end' starts at the newest event."),
});

/**
 * Operating outbound integrators and their exception queue. Reads need the
 * read scope, changes the admin scope; the supervisor picks changes up on
 * its next poll (about a second).
 */
export function integratorRoutes(options: IntegratorRoutesOptions): FastifyPluginAsync {
  const integrators = new IntegratorRepository(options.pool, options.secrets);
  const { store } = options;

  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get('/v1/integrators', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags, summary: 'Integrators with status, checkpoint, lag, last error and breaker state, by name, a page at a time',
        description: 'JSON, or CSV with Accept: text/csv (the lag as JSON in one column).',
        querystring: z.object(pageQuery),
        response: listResponses(integratorSchema),
      },
    }, async (request, reply) => sendPage(request, reply, 'integrators', async () => {
      const page = await keysetPage(options.pool, integratorList(), request.query);
      const items = await Promise.all(page.items.map((row) => integratorStatus(store, row as unknown as IntegratorRecord)));
      return { ...page, items: items.map((view) => ({ ...view })), columns: Object.keys(integratorSchema.shape) };
    }));

    app.get('/v1/integrators/:name', {
      config: { scope: 'read' },
      schema: { tags, summary: 'One integrator', params: nameParams, response: { 200: integratorSchema, ...problemResponses('INTEGRATOR_NOT_FOUND') } },
    }, async (request, reply) => {
      const record = await integrators.get(request.params.name);
      return record ? integratorStatus(store, record) : notFound(reply, request.params.name);
    });

    app.post('/v1/integrators', {
      config: { scope: 'admin', openapi: { examples: { erp: { summary: 'Shipments and invoices to the ERP as CloudEvents', value: { name: 'erp-webhook', url: 'https://erp.northwind.example/ledger-events', types: ['ShipmentConfirmed', 'InvoicePosted'], onFailure: 'park' } } } } },
      schema: {
        tags, summary: 'Create an integrator (its secret is returned only when generated)', body: createBody,
        response: { 201: createdIntegratorSchema, ...problemResponses('INTEGRATOR_EXISTS', 'INVALID_POSITION') },
      },
    }, async (request, reply) => {
      const { startAfter, secret, ...rest } = request.body;
      if (await integrators.get(rest.name)) {
        return sendProblem(reply, problem('INTEGRATOR_EXISTS', { detail: `An integrator named ${rest.name} exists; reset, pause or delete it instead.` }));
      }
      const from = startAfter === 'end' ? await store.headPosition() : positionOf(reply, store, startAfter ?? '', 'body.startAfter');
      if (from === undefined) return reply;
      const generated = secret === undefined ? newWebhookSecret() : undefined;
      await integrators.upsert({ ...rest, secret: secret ?? generated! }, 'api', from);
      request.log.info({ integrator: rest.name, url: rest.url, actor: actorOf(request) }, 'integrator created');
      const record = await integrators.get(rest.name);
      return reply.code(201).send({ ...(await integratorStatus(store, record!)), ...(generated ? { secret: generated } : {}) });
    });

    app.delete('/v1/integrators/:name', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Delete an integrator', params: nameParams, response: { 204: z.undefined().describe('Deleted'), ...problemResponses('INTEGRATOR_NOT_FOUND') } },
    }, async (request, reply) =>
      (await integrators.remove(request.params.name)) ? reply.code(204).send() : notFound(reply, request.params.name));

    app.post('/v1/integrators/:name/reset', {
      config: { scope: 'admin', openapi: { examples: { replay: { summary: 'Replay the whole log', value: { position: '' } } } } },
      schema: { tags, summary: 'Move the checkpoint to a position (either way); delivery replays from there', params: nameParams, body: z.object({ position: positionParam }),
        response: { 200: integratorChangeSchema, ...problemResponses('INTEGRATOR_NOT_FOUND', 'INVALID_POSITION') },
      },
    }, async (request, reply) => {
      const position = positionOf(reply, store, request.body.position, 'body.position');
      if (position === undefined) return reply;
      request.log.warn({ integrator: request.params.name, position, actor: actorOf(request) }, 'integrator reset');
      return changed(reply, request.params.name, await integrators.reset(request.params.name, position));
    });

    app.post('/v1/integrators/:name/pause', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Pause delivery', params: nameParams, response: { 200: integratorChangeSchema, ...problemResponses('INTEGRATOR_NOT_FOUND') } },
    }, async (request, reply) =>
      changed(reply, request.params.name, await integrators.pause(request.params.name)));

    app.post('/v1/integrators/:name/resume', {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Unpause, or restart an integrator the stop policy stopped', params: nameParams, response: { 200: integratorChangeSchema, ...problemResponses('INTEGRATOR_NOT_FOUND') } },
    }, async (request, reply) => changed(reply, request.params.name, await integrators.resume(request.params.name)));

    app.get('/v1/parked', {
      config: { scope: 'read', openapi: { csv: true } },
      schema: {
        tags,
        summary: 'Parked events (the exception queue), the highest open value at risk first, a page at a time',
        description: 'camelCase JSON, or CSV with Accept: text/csv.',
        querystring: z.object({ integrator: z.string().optional(), all: z.stringbool().default(false), ...pageQuery }),
        response: listResponses(parkedEventSchema),
      },
    }, async (request, reply) => sendPage(request, reply, 'parked', () => keysetPage(options.pool, parkedEventList(request.query), request.query)));

    app.post('/v1/parked/:id/retry', {
      config: { scope: 'admin' },
      schema: {
        tags, summary: 'Re-deliver a parked event now', params: idParams,
        response: { 200: parkedActionSchema, ...problemResponses('PARKED_EVENT_NOT_FOUND', 'INTEGRATOR_NOT_FOUND', 'PARKED_EVENT_RESOLVED', 'DELIVERY_FAILED') },
      },
    }, async (request, reply) => answer(reply, await retryParkedEvent({ pool: options.pool, secrets: options.secrets, ...(options.fetch ? { fetch: options.fetch } : {}) }, request.params.id, actorOf(request))));

    app.post('/v1/parked/:id/discard', {
      config: { scope: 'admin', openapi: { examples: { superseded: { summary: 'Given up: the order was re-sent', value: { reason: 'Superseded by a re-send of the order' } } } } },
      schema: {
        tags, summary: 'Give up on a parked event, with a reason (recorded)', params: idParams, body: z.object({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: parkedActionSchema, ...problemResponses('PARKED_EVENT_NOT_FOUND', 'PARKED_EVENT_RESOLVED') },
      },
    }, async (request, reply) => answer(reply, await discardParkedEvent({ pool: options.pool }, request.params.id, actorOf(request), request.body.reason)));
  };
}

/** The position if this log issued it; otherwise a 400 naming the store it came from is sent, and undefined returned. */
function positionOf(reply: FastifyReply, store: EventStore, position: string, path: string): string | undefined {
  try {
    return store.checkPosition(position);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    void sendProblem(reply, problem('INVALID_POSITION', {
      detail: error.message,
      errors: [{ path, message: 'not a position this ledger issued' }],
    }));
    return undefined;
  }
}

function notFound(reply: FastifyReply, name: string): FastifyReply {
  return sendProblem(reply, problem('INTEGRATOR_NOT_FOUND', { detail: `No integrator is named ${name}.` }));
}

function changed(reply: FastifyReply, name: string, change: IntegratorChange): FastifyReply {
  if (!change.ok) return notFound(reply, name);
  const { record } = change;
  return reply.send({ name: record.name, status: record.status, checkpoint: record.position, paused: record.paused });
}

function parkedView(p: ParkedEvent) {
  return { ...p, parkedAt: p.parkedAt.toISOString(), resolvedAt: p.resolvedAt?.toISOString() ?? null };
}

function answer(reply: FastifyReply, result: ParkedActionResult): FastifyReply {
  if (result.ok) return reply.send({ parked: parkedView(result.parked), resumedIntegrator: result.resumedIntegrator });
  switch (result.code) {
    case 'PARKED_EVENT_NOT_FOUND': return sendProblem(reply, problem(result.code));
    case 'INTEGRATOR_NOT_FOUND': return sendProblem(reply, problem(result.code));
    case 'PARKED_EVENT_RESOLVED': return sendProblem(reply, problem(result.code, { detail: `It is ${result.state}.`, state: result.state }));
    case 'DELIVERY_FAILED': return sendProblem(reply, problem(result.code, { detail: result.error }));
    default: return assertNever(result);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled result: ${JSON.stringify(value)}`);
}

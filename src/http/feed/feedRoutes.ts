import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { START, type EventStore, type Position } from '../../eventstore/EventStore.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';
import { actorOf } from '../auth/actorOf.js';
import { ConsumerCheckpoints, type ConsumerCheckpoint } from '../../integrations/ConsumerCheckpoints.js';
import { ConsumerKeys } from '../../integrations/ConsumerKeys.js';
import { checkpointSchema, consumerNameParam, feedPageSchema, positionParam, typesParam } from './feedSchemas.js';
import { streamFeed } from './streamFeed.js';
import { cloudEventJson } from '../../integrations/toCloudEvent.js';

export interface FeedRoutesOptions {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  /** Largest page a client may ask for (default 5000). */
  readonly maxPageSize?: number;
  /** Seconds between SSE heartbeats (default 15). */
  readonly heartbeatSeconds?: number;
}

const tags = ['feed'];

/**
 * The consumer feed: pages of CloudEvents from a position, named consumers'
 * server-side checkpoints, and a live server-sent-event stream.
 */
export function feedRoutes(options: FeedRoutesOptions): FastifyPluginAsync {
  const maxPageSize = options.maxPageSize ?? 5000;
  const checkpoints = new ConsumerCheckpoints(options.pool);
  const consumerKeys = new ConsumerKeys(options.pool);
  const { store } = options;

  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    // Open streams would hold a graceful shutdown forever: end them first.
    const closing = new AbortController();
    app.addHook('preClose', (done) => {
      closing.abort();
      done();
    });

    app.get('/v1/feed', {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'A page of the event log as CloudEvents, after a position',
        querystring: z.object({
          after: positionParam.optional().describe('Read strictly after this position; the start of the log when absent.'),
          limit: z.coerce.number().int().min(1).max(maxPageSize).default(1000),
          types: typesParam.optional().describe('Comma-separated event types (e.g. ShipmentConfirmed,InvoicePosted).'),
        }),
        response: { 200: feedPageSchema, ...problemResponses('INVALID_POSITION', 'POSITION_BEYOND_HEAD') },
      },
    }, async (request, reply) => {
      const { after, limit, types } = request.query;
      if (after !== undefined && !(await notBeyondHead(reply, store, after, 'query.after'))) return reply;
      const page = await readPage(reply, () => store.readAll({ after: (after ?? START) as Position, limit, ...(types?.length ? { types } : {}) }));
      if (!page) return reply;
      // Hand-built JSON: one stringify per event, no schema walk (the response schema documents it).
      let body = '{"events":[';
      for (let i = 0; i < page.events.length; i++) body += (i === 0 ? '' : ',') + cloudEventJson(page.events[i]!);
      body += `],"next":${JSON.stringify(page.nextPosition)},"caughtUp":${page.isEnd}}`;
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    });

    app.get('/v1/feed/stream', {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Live server-sent events from a position (resume with Last-Event-ID)',
        description: 'Each SSE message carries one CloudEvent as `data` and its position as `id`; comment lines are heartbeats.',
        querystring: z.object({ after: positionParam.optional(), types: typesParam.optional() }),
        headers: z.object({ 'last-event-id': positionParam.optional() }).passthrough(),
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('The event stream'), ...problemResponses('INVALID_POSITION', 'POSITION_BEYOND_HEAD') },
      },
    }, async (request, reply) => {
      const after = (request.headers['last-event-id'] ?? request.query.after ?? START) as Position;
      const types = request.query.types?.length ? request.query.types : undefined;
      const from = request.headers['last-event-id'] !== undefined ? 'headers.last-event-id' : 'query.after';
      if (!(await notBeyondHead(reply, store, after, from))) return reply;
      // Refuse a bad position with a problem before the stream starts.
      if (!(await readPage(reply, () => store.readAll({ after, limit: 1, ...(types ? { types } : {}) })))) return reply;
      await streamFeed(request, reply, { store, after, types, heartbeatMs: (options.heartbeatSeconds ?? 15) * 1000, shutdown: closing.signal });
      return reply;
    });

    const nameParams = z.object({ name: consumerNameParam });

    app.get('/v1/consumers/:name/checkpoint', {
      config: { scope: 'read' },
      schema: { tags, summary: "A named consumer's stored checkpoint", params: nameParams, response: { 200: checkpointSchema } },
    }, async (request) => view(await checkpoints.get(request.params.name)));

    app.put('/v1/consumers/:name/checkpoint', {
      config: { scope: 'read', openapi: { examples: { start: { summary: "The position of a page's `next`; '' is the start of the log", value: { position: '' } } } } },
      schema: {
        tags,
        summary: "Store a consumer's checkpoint (never backwards: 409 with the current one); an admin key, or a key bound to the consumer",
        params: nameParams,
        body: z.object({ position: positionParam }),
        response: { 200: checkpointSchema, ...problemResponses('CONSUMER_NOT_BOUND', 'CHECKPOINT_BEHIND', 'CHECKPOINT_BEYOND_HEAD', 'INVALID_POSITION') },
      },
    }, async (request, reply) => {
      const { position } = request.body;
      const { name } = request.params;
      // Moving a checkpoint forward makes its consumer skip events: only its own keys, or an admin, may.
      const principal = request.principal!;
      if (!principal.scopes.has('admin') && !(await consumerKeys.isBound(name, principal.keyId))) {
        return sendProblem(reply, problem('CONSUMER_NOT_BOUND', {
          detail: `Key ${principal.keyId} is not bound to consumer ${name}. An admin key may store any checkpoint, or bind this key first (PUT /v1/consumers/${name}/keys/${principal.keyId}).`,
        }));
      }
      if (!(await withinLog(reply, store, position))) return reply;
      const result = await checkpoints.advance(request.params.name, position, actorOf(request));
      if (result.ok) return view(result.checkpoint);
      return sendProblem(reply, problem('CHECKPOINT_BEHIND', {
        detail: `Consumer ${request.params.name} is at ${JSON.stringify(result.current.position)}; a checkpoint never moves backwards. An admin can reset it (POST .../checkpoint/reset).`,
        current: view(result.current),
      }));
    });

    app.post('/v1/consumers/:name/checkpoint/reset', {
      config: { scope: 'admin', openapi: { examples: { replay: { summary: 'Replay from the start', value: { position: '', reason: 'Replaying after the BI warehouse was restored' } } } } },
      schema: {
        tags,
        summary: "Move a consumer's checkpoint anywhere, backwards included (recorded)",
        params: nameParams,
        body: z.object({ position: positionParam, reason: z.string().trim().min(1).max(500) }),
        response: { 200: checkpointSchema.extend({ previous: z.string().nullable() }), ...problemResponses('CHECKPOINT_BEYOND_HEAD', 'INVALID_POSITION') },
      },
    }, async (request, reply) => {
      const { position, reason } = request.body;
      if (!(await withinLog(reply, store, position))) return reply;
      const { checkpoint, previous } = await checkpoints.reset(request.params.name, position, actorOf(request), reason);
      request.log.warn({ consumer: request.params.name, from: previous, to: position, reason }, 'consumer checkpoint reset');
      return { ...view(checkpoint), previous };
    });
  };
}

/** Runs a store read; a position the store does not recognise becomes a 400 problem. */
async function readPage<T>(reply: FastifyReply, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    // RangeError: the adapter's own check; SQLSTATE class 22: a value the database cannot take.
    if (!(error instanceof RangeError) && !/^22/.test(String((error as { code?: unknown }).code))) throw error;
    await sendProblem(reply, problem('INVALID_POSITION', {
      detail: (error as Error).message,
      errors: [{ path: 'after', message: 'not a position this ledger issued' }],
    }));
    return undefined;
  }
}

/**
 * A reader's position must be one this log has reached: a later one would
 * answer "caught up" and hand itself back as `next`, and the reader would
 * skip every event written up to it. Refused with 400 naming the head.
 */
async function notBeyondHead(reply: FastifyReply, store: EventStore, position: string, path: string): Promise<boolean> {
  if ((await readPage(reply, async () => store.checkPosition(position))) === undefined) return false;
  const head = await store.headPosition();
  if (position <= head) return true;
  await sendProblem(reply, problem('POSITION_BEYOND_HEAD', {
    detail: `The newest position is ${JSON.stringify(head)}; read from a position this ledger handed out.`,
    head,
    errors: [{ path, message: 'beyond the newest position' }],
  }));
  return false;
}

/** A checkpoint must be a position of this log (another store's is a 400) that the log has reached (or START). */
async function withinLog(reply: FastifyReply, store: EventStore, position: string): Promise<boolean> {
  if ((await readPage(reply, async () => store.checkPosition(position))) === undefined) return false;
  const head = await store.headPosition();
  if (position <= head) return (await readPage(reply, () => store.readAll({ after: position as Position, limit: 1 }))) !== undefined;
  await sendProblem(reply, problem('CHECKPOINT_BEYOND_HEAD', {
    detail: `The newest position is ${JSON.stringify(head)}; a checkpoint past it would skip events not yet written.`,
    errors: [{ path: 'body.position', message: 'beyond the newest position' }],
  }));
  return false;
}

function view(checkpoint: ConsumerCheckpoint) {
  return { name: checkpoint.name, position: checkpoint.position, updatedAt: checkpoint.updatedAt?.toISOString() ?? null };
}

import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { failingEvent } from '../../projections/failingEvent.js';
import type { ProjectionRunner } from '../../projections/ProjectionRunner.js';
import { problemResponses } from '../apiDocument.js';
import { problem, sendProblem } from '../problem.js';

const projectionFailureSchema = z.object({
  name: z.string(),
  status: z.string(),
  position: z.string().optional().describe('The failed partition\'s checkpoint: the last event it applied.'),
  partition: z.number().int().optional().describe('The failed partition (0 when the projection is not split).'),
  failedPartitions: z.array(z.number().int()).optional().describe('Every partition that stopped on an event; the failure shown is the first one\'s.'),
  failure: z.object({
    position: z.string().nullable(),
    eventId: z.string().nullable(),
    error: z.string().nullable(),
    event: z.object({
      id: z.string(), streamId: z.string(), revision: z.number().int(), type: z.string(), position: z.string(), recordedAt: z.string(),
      data: z.unknown(), metadata: z.unknown(),
    }).nullable().describe('The event as the log holds it.'),
  }).nullable().describe('null while the projection runs.'),
});

/** `GET /v1/projections/{name}/failure` (admin): why a projection stopped, with the event it stopped on as the log holds it. */
export function projectionFailureRoute({ runner }: { runner: ProjectionRunner }): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.get('/v1/projections/:name/failure', {
      config: { scope: 'admin' },
      schema: {
        tags: ['reports'],
        summary: 'The failure of a projection and the event it stopped on (null failure when it runs)',
        params: z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a projection name') }),
        response: { 200: projectionFailureSchema, ...problemResponses('PROJECTION_NOT_FOUND') },
      },
    }, async (request, reply) => {
      const found = await failingEvent(runner, request.params.name);
      if (found.found === 'no-projection') {
        return sendProblem(reply, problem('PROJECTION_NOT_FOUND', { detail: `No projection is named ${request.params.name}; GET /v1/projections lists them.` }));
      }
      if (found.found === 'not-failed') return { name: request.params.name, status: found.checkpoint?.status ?? 'new', failure: null };
      const { checkpoint, event } = found;
      return {
        name: checkpoint.name,
        status: checkpoint.status,
        position: checkpoint.position,
        partition: checkpoint.partition,
        failedPartitions: [...found.failedPartitions],
        failure: {
          position: checkpoint.failedPosition,
          eventId: checkpoint.failedEventId,
          error: checkpoint.error,
          event: event
            ? { id: event.id, streamId: event.streamId, revision: Number(event.revision), type: event.type, position: event.position, recordedAt: event.recordedAt.toISOString(), data: event.data, metadata: event.metadata }
            : null,
        },
      };
    });
  };
}

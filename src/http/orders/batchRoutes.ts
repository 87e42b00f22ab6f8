import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SourceSystemKind } from '../../domain/sourceSystems.js';
import { parseOrderRef } from '../../orders/orderAliases.js';
import type { OrderService } from '../../orders/OrderService.js';
import type { AcceptedBody, UnmatchedBody } from '../../orders/SubmissionOutcome.js';
import { transitionBodyShape } from '../../orders/submission.js';
import { isUnstorableEvent } from '../../eventstore/UnstorableEvent.js';
import { statusOf } from '../errors.js';
import { problemResponses } from '../apiDocument.js';
import { problem } from '../problem.js';
import { batchAnswerSchema } from './orderSchemas.js';
import { batchDocs } from './transitionSchemas.js';
import { answerOf, sendAdminSubmits, sendOverloaded, type Answer } from './answers.js';

const itemSchema = z.strictObject({
  orderRef: z.string().min(1).max(300).describe('An order key, erp:<ERP order number>, or po:<soldTo>:<customer PO>.'),
  type: z.string().min(1).max(64),
  ...transitionBodyShape,
});

/**
 * `POST /v1/batches`: many transitions (an EDI file, an invoice run) in one
 * request. Each item is its own atomic append and gets its own answer;
 * items naming the same order are applied in the order given. Every order
 * of the batch is worked on at once, so their appends share group commits
 * instead of queueing behind one another.
 */
export function batchRoutes({ service }: { service: OrderService }): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const max = app.ledger.limits.maxBatchSize;
    app.post('/v1/batches', {
      config: { scope: 'submit', openapi: batchDocs },
      schema: {
        tags: ['orders'], summary: `Submit up to ${max} transitions; each answered on its own`, body: z.strictObject({ items: z.array(itemSchema).min(1).max(max) }),
        response: { 200: batchAnswerSchema, ...problemResponses('NOT_OWNER') },
      },
    }, async (request, reply) => {
      const principal = request.principal!;
      if (principal.system === 'ADMIN') return sendAdminSubmits(reply);
      const { metrics } = app.ledger;
      const ctx = { system: principal.system as SourceSystemKind, correlationId: request.correlationId, receivedAt: new Date() };
      const items = request.body.items;
      const run = await app.ledger.gate.run(async () => {
        const results: BatchResult[] = new Array(items.length);
        const groups = groupBy(items.map((item, index) => ({ item, index })), ({ item }) => item.orderRef);
        await Promise.all([...groups.values()].map(async (group) => {
          for (const { item, index } of group) {
            const { orderRef, ...body } = item;
            const ref = parseOrderRef(orderRef);
            if ('error' in ref) {
              results[index] = resultOf(index, { outcome: 'refused', status: 400, problem: problem('VALIDATION_FAILED', { detail: ref.error, errors: [{ path: `body.items.${index}.orderRef`, message: ref.error }] }) });
              continue;
            }
            try {
              results[index] = resultOf(index, answerOf(await service.submit(ref, body, ctx), metrics));
            } catch (error) {
              // One item's failure is its own: the items before it may be written, so no answer for the whole batch.
              results[index] = failedResult(index, error);
              if (results[index].status >= 500) request.log.error({ err: error, item: index }, 'batch item failed');
            }
          }
        }));
        return results;
      }, false);
      if (!run.admitted) return sendOverloaded(reply, metrics, 'Retry the batch after a second; accepted items will answer as duplicates.');
      const counts = { accepted: 0, duplicate: 0, unmatched: 0, refused: 0, failed: 0 };
      for (const r of run.value) counts[r.outcome]++;
      return { counts, results: run.value };
    });
  };
}

type BatchResult =
  | { index: number; outcome: 'accepted' | 'duplicate' | 'unmatched'; status: number; body: AcceptedBody | UnmatchedBody }
  | { index: number; outcome: 'refused' | 'failed'; status: number; code: string; detail: string; field?: string; errors?: readonly { path: string; message: string }[] };

/** An item that threw: refused (an event the log cannot hold) or failed (500); either way not answered as written. */
function failedResult(index: number, error: unknown): BatchResult {
  if (isUnstorableEvent(error)) return { index, outcome: 'refused', status: statusOf('UNSTORABLE_EVENT'), code: 'UNSTORABLE_EVENT', detail: error.message };
  return {
    index, outcome: 'failed', status: statusOf('INTERNAL'), code: 'INTERNAL',
    detail: 'The ledger could not complete this item. Resend it with the same idempotency key: if it was written after all, it answers as a duplicate.',
  };
}

/** A batch item's answer: the same answer a single submission gets, flattened beside its index. */
function resultOf(index: number, answer: Answer): BatchResult {
  if (answer.outcome !== 'refused') return { index, outcome: answer.outcome, status: answer.status, body: answer.body };
  const { code, detail, field, errors } = answer.problem;
  return {
    index, outcome: 'refused', status: answer.status, code, detail: detail ?? '',
    ...(typeof field === 'string' ? { field } : {}), ...(errors ? { errors } : {}),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

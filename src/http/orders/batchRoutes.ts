import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SourceSystemKind } from '../../domain/sourceSystems.js';
import { problem, sendProblem } from '../problem.js';
import { parseOrderRef } from './orderAliases.js';
import type { OrderService, SubmissionOutcome } from './OrderService.js';
import { refusalStatus } from './refusalStatus.js';
import { transitionBodyShape } from './submission.js';

const itemSchema = z.strictObject({
  orderRef: z.string().min(1).max(300).describe('An order key, erp:<ERP order number>, or po:<soldTo>:<customer PO>.'),
  type: z.string().min(1).max(64),
  ...transitionBodyShape,
});

/** How many orders of one batch are worked on at once; items of one order stay in sequence. */
const parallelOrders = 8;

/**
 * `POST /v1/batches`: many transitions (an EDI file, an invoice run) in one
 * request. Each item is its own atomic append and gets its own answer;
 * items naming the same order are applied in the order given.
 */
export function batchRoutes({ service }: { service: OrderService }): FastifyPluginAsync {
  return async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const max = app.ledger.limits.maxBatchSize;
    app.post('/v1/batches', {
      config: { scope: 'submit' },
      schema: { tags: ['orders'], summary: `Submit up to ${max} transitions; each answered on its own`, body: z.strictObject({ items: z.array(itemSchema).min(1).max(max) }) },
    }, async (request, reply) => {
      const principal = request.principal!;
      if (principal.system === 'ADMIN') {
        return sendProblem(reply, problem(403, 'NOT_OWNER', 'Forbidden', { detail: 'An admin key submits no transitions.' }));
      }
      const ctx = { system: principal.system as SourceSystemKind, correlationId: request.correlationId, receivedAt: new Date() };
      const items = request.body.items;
      const run = await app.ledger.gate.run(async () => {
        const results: BatchResult[] = new Array(items.length);
        const groups = groupBy(items.map((item, index) => ({ item, index })), ({ item }) => item.orderRef);
        await forEachLimited([...groups.values()], parallelOrders, async (group) => {
          for (const { item, index } of group) {
            const { orderRef, ...body } = item;
            const ref = parseOrderRef(orderRef);
            results[index] = 'error' in ref
              ? { index, outcome: 'refused', status: 400, code: 'VALIDATION_FAILED', detail: ref.error }
              : resultOf(index, await service.submit(ref, body, ctx));
          }
        });
        return results;
      });
      if (!run.admitted) {
        void reply.header('retry-after', '1');
        return sendProblem(reply, problem(503, 'OVERLOADED', 'Too many appends in flight', { detail: 'Retry the batch after a second; accepted items will answer as duplicates.' }));
      }
      for (const r of run.value) if (r.outcome === 'refused') app.ledger.metrics.refusals.inc({ code: r.code });
      const counts = { accepted: 0, duplicate: 0, unmatched: 0, refused: 0 };
      for (const r of run.value) counts[r.outcome]++;
      return { counts, results: run.value };
    });
  };
}

type BatchResult =
  | { index: number; outcome: 'accepted' | 'duplicate' | 'unmatched'; status: number; body: unknown }
  | { index: number; outcome: 'refused'; status: number; code: string; detail: string; field?: string; errors?: readonly { path: string; message: string }[] };

function resultOf(index: number, outcome: SubmissionOutcome): BatchResult {
  switch (outcome.kind) {
    case 'accepted': return { index, outcome: 'accepted', status: 201, body: outcome.body };
    case 'duplicate': return { index, outcome: 'duplicate', status: 201, body: outcome.body };
    case 'unmatched': return { index, outcome: 'unmatched', status: 202, body: outcome.body };
    case 'refused': return {
      index, outcome: 'refused', status: refusalStatus(outcome.error.code), code: outcome.error.code, detail: outcome.error.message,
      ...('field' in outcome.error && outcome.error.field ? { field: outcome.error.field } : {}),
      ...(outcome.issues ? { errors: outcome.issues } : {}),
    };
    default: throw new Error('unhandled outcome');
  }
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

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

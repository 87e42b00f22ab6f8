import { z } from 'zod';
import type { Buckets } from '../../domain/orderState.js';
import { domainErrorCodes, statusOf, type ErrorCode } from '../errors.js';
import { byEventType, eventTypeSchema } from '../eventSchemas.js';

/** What a submission can be refused with: every domain code, a conflict retried too often, a value the log cannot hold. */
export const submissionProblems: readonly ErrorCode[] = [...domainErrorCodes, 'CONCURRENT_UPDATE', 'UNSTORABLE_EVENT'];
/** A new order names no existing order or exception. */
export const placeOrderProblems = submissionProblems.filter((code) => statusOf(code) !== 404);

/** The answer to a recorded (or replayed) transition: `AcceptedBody` of src/orders/SubmissionOutcome.ts. */
export const acceptedSchema = z.object({
  orderKey: z.string(),
  eventId: z.uuid().describe('The event id, derived from the idempotency key (UUIDv5): a retry answers the same one.'),
  type: eventTypeSchema,
  revision: z.number().int().describe("The event's revision in the order's stream (0 for OrderReceived)."),
  position: z.string().describe('Its position in the global log.'),
  status: z.string().describe('The derived order status after it.'),
  displayStatus: z.string().describe('The status as shown, e.g. ON_HOLD(CREDIT).'),
  exceptions: z.array(z.object({ eventId: z.string(), code: z.string(), priority: z.number() }))
    .describe('Exceptions it raised (a soft invariant broken, still recorded), with their priority: the open value at risk.'),
}).meta({
  id: 'Recorded',
  description: 'Recorded: 201 when this request wrote it; 200 with Idempotent-Replayed: true when it answers a retry with the same idempotency key (the original body; nothing written).',
  examples: [{
    orderKey: 'WEB-1001', eventId: '6f1c8a52-3b0e-5d7a-9f3e-2c4b8d1a7e90', type: 'OrderAccepted', revision: 1, position: '0000000000000042',
    status: 'ACCEPTED', displayStatus: 'ACCEPTED', exceptions: [],
  }],
});

/** A transition naming an alias no order has yet: waiting in the unmatched queue (`UnmatchedBody`). */
export const unmatchedSchema = z.object({
  status: z.literal('UNMATCHED'),
  alias: z.string(),
  eventId: z.string().describe('The waiting entry; the event it becomes names it as its causation.'),
  waitingSince: z.string(),
  detail: z.string(),
}).meta({ id: 'Unmatched', description: 'Waiting under an alias no order has yet; applied when an order takes the alias.' });

/** Headers of a submission's answer, as the document states them. */
export const submissionHeaders = {
  'idempotent-replayed': { type: 'string', description: '"true" when this answers a retry: the original answer, nothing written.' },
  'x-correlation-id': { type: 'string', description: 'The correlation id stored on the event (the one sent, or a new one).' },
} as const;

export const batchResultSchema = z.object({
  index: z.number().int(),
  outcome: z.enum(['accepted', 'duplicate', 'unmatched', 'refused', 'failed']),
  status: z.number().int().describe('The status the item would have been answered alone.'),
  body: z.union([acceptedSchema, unmatchedSchema]).optional().describe('accepted, duplicate, unmatched: the answer of a single submission.'),
  code: z.string().optional().describe('refused, failed: the problem code; nothing of the item was written.'),
  detail: z.string().optional(),
  field: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).readonly().optional(),
}).meta({ id: 'BatchResult' });

export const batchAnswerSchema = z.object({
  counts: z.object({ accepted: z.number().int(), duplicate: z.number().int(), unmatched: z.number().int(), refused: z.number().int(), failed: z.number().int() }),
  results: z.array(batchResultSchema).describe('One per item, in request order.'),
});

export const verificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  reason: z.string().optional(),
  brokenAt: z.object({ index: z.number().int(), eventId: z.string().nullable(), revision: z.number().int().nullable() }).optional(),
}).meta({ id: 'ChainVerification', description: 'The hash chain recomputed from the log on the spot (also X-Chain-Verified).' });

const bucketNames = ['ordered', 'cancelled', 'allocated', 'backordered', 'shipped', 'delivered', 'invoiced', 'returnAuthorized', 'returned', 'net', 'open'] as const satisfies readonly (keyof Buckets)[];

/** The CRM view of an order (src/domain/crmView.ts) with its header and revision; fields beyond these may be added. */
export const orderViewSchema = z.looseObject({
  orderKey: z.string(),
  revision: z.number().int().describe('The stream revision; also the ETag.'),
  status: z.string(),
  displayStatus: z.string(),
  soldTo: z.string().nullable(),
  currency: z.string().nullable(),
  orderedValue: z.number(),
  openValue: z.number(),
  lines: z.array(z.object({
    lineNo: z.number().int(), sku: z.string().nullable(), uom: z.string().nullable(), status: z.string(),
    quantities: z.object(Object.fromEntries(bucketNames.map((name) => [name, z.number()])) as Record<(typeof bucketNames)[number], z.ZodNumber>).describe('The quantity buckets (docs/domain.md).'),
    unitNetPrice: z.number().nullable(), orderedValue: z.number(), openValue: z.number(),
    requestedDate: z.string().nullable(), promisedShipDate: z.string().nullable(), shipFrom: z.string().nullable(),
    backorderEta: z.string().nullable().describe('Only while some of the line is backordered.'),
    released: z.boolean(), firstShippedAt: z.string().nullable(), deliveredAt: z.string().nullable(),
  })).readonly(),
  holds: z.array(z.unknown()).readonly(),
  openExceptions: z.array(z.unknown()).readonly(),
  header: z.unknown(),
  verification: verificationSchema,
}).meta({ id: 'Order' });

/** What every history entry carries besides its type and payload: the envelope flattened beside the store's own fields (`historyEntry` of historyView.ts). */
export const recordedEnvelope = {
  eventId: z.string(),
  revision: z.number().int(),
  position: z.string(),
  system: z.object({ kind: z.string(), instance: z.string() }).nullable(),
  actor: z.object({ type: z.string(), id: z.string(), name: z.string().optional() }).nullable(),
  occurredAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  recordedAt: z.string(),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  sourceDocument: z.looseObject({ type: z.string(), id: z.string(), revision: z.number().int() }).nullable(),
  hash: z.string(),
  prevHash: z.string().nullable(),
};

/** One event of an order's history: a member per event type, its `data` by the catalogue's schema. */
export const historyEntrySchema = byEventType({
  id: 'HistoryEntry', io: 'output',
  description: 'An event as the log holds it, with its envelope and hash; `data` by its type\'s schema of the catalogue.',
  member: (type, data) => z.looseObject({ type, data, ...recordedEnvelope }),
});

/** A history entry in an answer across orders: with the order it belongs to. */
export const correlatedEntrySchema = z.intersection(z.looseObject({ orderKey: z.string().nullable() }), historyEntrySchema);

import { z } from 'zod';
import { envelopeSchema, type Envelope } from '../domain/envelope.js';
import { idempotencyKey as deriveKey } from '../domain/idempotency.js';
import type { OrderEventType } from '../domain/events.js';
import type { SourceSystemKind } from '../domain/sourceSystems.js';

const text = z.string().min(1).max(500);

/**
 * What a source system sends for one transition (besides the order it
 * names): the payload, its business time and source document, and optional
 * envelope fields. The ledger fills in the rest (system from the API key,
 * correlation from the request, receivedAt from its clock).
 */
export const transitionBodyShape = {
  data: z.unknown().describe('The payload of the event type, per its schema in the event catalogue.'),
  occurredAt: z.iso.datetime({ offset: true }).describe('Business time at the source (ISO 8601 with offset).'),
  sourceDocument: z.strictObject({
    type: text.describe('e.g. SalesOrder, ASN, Invoice, EDI856'),
    id: text,
    revision: z.number().int().nonnegative().default(0),
    lineRefs: z.array(z.strictObject({ lineNo: z.number().int().positive(), ref: text })).optional(),
  }),
  sourceSystemInstance: text.optional().describe('Which installation of the system sent it; defaults to the system name.'),
  actor: z.strictObject({ type: z.enum(['USER', 'SYSTEM', 'PARTNER']), id: text, name: text.optional() }).optional(),
  idempotencyKey: text.optional().describe('Overrides the key derived from system instance, document and event type.'),
  causationId: text.optional(),
  sourceCommittedAt: z.iso.datetime({ offset: true }).optional(),
  tenantId: text.optional(),
  companyCode: text.optional(),
  channel: text.optional(),
  transportRef: text.optional().describe('ISA/GS control numbers, IDoc number, request id.'),
};

export const transitionBodySchema = z.strictObject({ type: z.string().min(1).max(64), ...transitionBodyShape });
export type TransitionBody = z.infer<typeof transitionBodySchema>;

export interface SubmissionContext {
  readonly system: SourceSystemKind;
  readonly correlationId: string;
  readonly headerIdempotencyKey?: string | undefined;
  readonly receivedAt: Date;
}

/** Builds the envelope of docs/domain.md §2 from a body and its request; zod has the final word. */
export function buildEnvelope(type: OrderEventType, body: Omit<TransitionBody, 'type'>, ctx: SubmissionContext): ReturnType<typeof envelopeSchema.safeParse> {
  const instance = body.sourceSystemInstance ?? ctx.system;
  const key = ctx.headerIdempotencyKey ?? body.idempotencyKey ?? deriveKey({
    instance,
    docType: body.sourceDocument.type,
    docId: body.sourceDocument.id,
    revision: body.sourceDocument.revision,
    eventType: type,
  });
  const envelope: Envelope = {
    sourceSystem: { kind: ctx.system, instance },
    sourceDocument: body.sourceDocument,
    idempotencyKey: key,
    correlationId: ctx.correlationId,
    occurredAt: body.occurredAt,
    receivedAt: ctx.receivedAt.toISOString(),
    actor: body.actor ?? { type: 'SYSTEM', id: instance },
    schemaVersion: 1,
    ...(body.causationId ? { causationId: body.causationId } : {}),
    ...(body.sourceCommittedAt ? { sourceCommittedAt: body.sourceCommittedAt } : {}),
    ...(body.tenantId ? { tenantId: body.tenantId } : {}),
    ...(body.companyCode ? { companyCode: body.companyCode } : {}),
    ...(body.channel ? { channel: body.channel } : {}),
    ...(body.transportRef ? { transportRef: body.transportRef } : {}),
  };
  return envelopeSchema.safeParse(envelope);
}

import { z } from 'zod';
import { emitterKinds } from './sourceSystems.js';
import { isoDateTime, lineNo, nonEmpty } from './primitives.js';

/**
 * The submission envelope of docs/domain.md §2 (CloudEvents-aligned). Store-level
 * fields (event id, stream version, global position, recordedAt, hashes) are
 * added by the event store, not carried here.
 */
export const envelopeSchema = z.strictObject({
  sourceSystem: z.strictObject({ kind: z.enum(emitterKinds), instance: nonEmpty }),
  sourceDocument: z.strictObject({
    type: nonEmpty,
    id: nonEmpty,
    revision: z.number().int().nonnegative(),
    lineRefs: z.array(z.strictObject({ lineNo, ref: nonEmpty })).optional(),
  }),
  idempotencyKey: nonEmpty,
  correlationId: nonEmpty,
  causationId: nonEmpty.optional(),
  occurredAt: isoDateTime,
  sourceCommittedAt: isoDateTime.optional(),
  receivedAt: isoDateTime,
  actor: z.strictObject({
    type: z.enum(['USER', 'SYSTEM', 'PARTNER']),
    id: nonEmpty,
    name: nonEmpty.optional(),
  }),
  tenantId: nonEmpty.optional(),
  companyCode: nonEmpty.optional(),
  channel: nonEmpty.optional(),
  transportRef: nonEmpty.optional(),
  rawPayloadRef: nonEmpty.optional(),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256').optional(),
  schemaVersion: z.number().int().positive(),
});

/** Where an event came from, who caused it, and when (business time). */
export type Envelope = z.infer<typeof envelopeSchema>;

import { z } from 'zod';
import { currencyCode, isoDateTime, lineNo, nonEmpty } from './primitives.js';

export const integrationAcknowledgedData = z.strictObject({
  consumer: nonEmpty,
  eventIds: z.array(z.uuid()).min(1),
  targetRecordId: nonEmpty.optional(),
  outcome: z.enum(['ACCEPTED', 'REJECTED', 'IGNORED']),
  ackAt: isoDateTime,
  message: nonEmpty.optional(),
});

/**
 * An admin had an integrator send the order's current state to its system
 * again, outside the integrator's run: which events' bodies went, with what
 * outcome, and why. Who asked is the envelope's actor.
 */
export const integrationResentData = z.strictObject({
  /** The integrator sent through (its name: the system of the sync report). */
  integrator: nonEmpty,
  /** The order's events whose bodies were sent, in log order; when failed, the last is the one refused. */
  eventIds: z.array(z.uuid()).min(1),
  outcome: z.enum(['delivered', 'failed']),
  /** Why the system refused the last one (failed only). */
  error: nonEmpty.optional(),
  /** Why the admin asked, in their words. */
  reason: nonEmpty,
  /** The drift report the re-send came from, when it did. */
  reconciliationId: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a reconciliation id').optional(),
});

export const exceptionRaisedData = z.strictObject({
  /** The ExceptionRaised event's own id. */
  exceptionId: z.uuid(),
  code: nonEmpty,
  /** Open value at risk, in `currency` (the order's). */
  priority: z.number().nonnegative(),
  currency: currencyCode.optional(),
  message: nonEmpty,
  /** The fact that triggered it. */
  eventId: z.uuid(),
  lineNos: z.array(lineNo),
});

export const exceptionResolvedData = z.strictObject({
  exceptionId: z.uuid(),
  resolution: nonEmpty,
  resolvedBy: nonEmpty,
});

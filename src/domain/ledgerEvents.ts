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

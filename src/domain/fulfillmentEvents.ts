import { z } from 'zod';
import { count, isoDate, isoDateTime, linesOf, nonEmpty } from './primitives.js';

export const inventoryAllocatedData = z.strictObject({
  lines: linesOf({ warehouse: nonEmpty, lot: nonEmpty.optional(), reason: nonEmpty.optional() }),
});

export const inventoryDeallocatedData = z.strictObject({
  lines: linesOf({ warehouse: nonEmpty, lot: nonEmpty.optional(), reason: nonEmpty }),
});

export const lineBackorderedData = z.strictObject({
  lines: linesOf({ availableDate: isoDate.optional() }),
});

export const releasedToWarehouseData = z.strictObject({
  warehouse: nonEmpty,
  releaseId: nonEmpty.optional(),
  lines: linesOf({}),
});

export const pickedData = z.strictObject({ warehouse: nonEmpty, lines: linesOf({}) });

export const packedData = z.strictObject({
  warehouse: nonEmpty,
  packageCount: count.optional(),
  lines: linesOf({}),
});

export const shipmentConfirmedData = z.strictObject({
  shipmentId: nonEmpty,
  shipFrom: nonEmpty,
  shippedAt: isoDateTime,
  carrier: z.strictObject({ scac: nonEmpty, service: nonEmpty.optional() }).optional(),
  trackingNumbers: z.array(nonEmpty).optional(),
  proNumber: nonEmpty.optional(),
  bol: nonEmpty.optional(),
  ssccs: z.array(z.string().regex(/^\d{18}$/, 'an SSCC has 18 digits')).optional(),
  lines: linesOf({}),
});

export const shipmentReversedData = z.strictObject({
  shipmentId: nonEmpty,
  reason: nonEmpty,
  lines: linesOf({}),
});

/** X12 214 AT7 status code; D1 means delivered. */
export const carrierStatusUpdatedData = z.strictObject({
  shipmentId: nonEmpty.optional(),
  trackingNumber: nonEmpty,
  statusCode: z.string().regex(/^[A-Z0-9]{2}$/, 'an X12 AT7 status code has two characters'),
  location: nonEmpty.optional(),
  eta: isoDateTime.optional(),
  exception: nonEmpty.optional(),
});

export const deliveryConfirmedData = z.strictObject({
  shipmentId: nonEmpty.optional(),
  deliveredAt: isoDateTime,
  podReference: nonEmpty.optional(),
  damaged: z.boolean(),
  lines: linesOf({}),
});

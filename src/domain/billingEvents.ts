import { z } from 'zod';
import { currencyCode, isoDate, linesOf, money, nonEmpty } from './primitives.js';

const invoiceBody = {
  invoiceNumber: nonEmpty,
  invoiceDate: isoDate,
  currency: currencyCode,
  lines: linesOf({ amount: money }),
  freight: money.optional(),
  tax: money.optional(),
  total: money,
  shipmentRefs: z.array(nonEmpty).optional(),
};

export const invoicePostedData = z.strictObject(invoiceBody);

/** Carries the cancelled invoice's body, so it compensates even when it arrives first. */
export const invoiceCancelledData = z.strictObject({ ...invoiceBody, reason: nonEmpty });

export const returnReasons = ['DAMAGED', 'WRONG_ITEM', 'DEFECTIVE', 'NOT_NEEDED', 'OTHER'] as const;

export const returnAuthorizedData = z.strictObject({
  raNumber: nonEmpty,
  reason: z.enum(returnReasons),
  originalInvoice: nonEmpty.optional(),
  lines: linesOf({}),
});

export const returnReceivedData = z.strictObject({
  raNumber: nonEmpty,
  lines: linesOf({
    condition: z.enum(['GOOD', 'DAMAGED', 'DEFECTIVE']),
    disposition: nonEmpty,
  }),
});

export const creditReasons = ['RETURN', 'PRICE', 'QUANTITY', 'DAMAGE', 'OTHER'] as const;

export const creditMemoIssuedData = z.strictObject({
  memoNumber: nonEmpty,
  reason: z.enum(creditReasons),
  raNumber: nonEmpty.optional(),
  invoiceNumber: nonEmpty.optional(),
  lines: linesOf({ amount: money }).optional(),
  total: money,
});

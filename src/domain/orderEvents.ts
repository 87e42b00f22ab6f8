import { z } from 'zod';
import { currencyCode, isoDate, lineNo, linesOf, money, nonEmpty, party, quantity, recordedQuantity } from './primitives.js';

export const salesChannels = ['ECOMMERCE', 'MARKETPLACE', 'INSIDE_SALES', 'FIELD_SALES', 'EDI'] as const;
export const holdTypes = ['CREDIT', 'PRICING', 'COMPLIANCE', 'DELIVERY_BLOCK', 'MANUAL'] as const;
export type HoldType = (typeof holdTypes)[number];
export const cancelReasons = ['CUSTOMER', 'STOCK_OUT', 'DUPLICATE', 'CREDIT', 'PRICING'] as const;

export const orderReceivedData = z.strictObject({
  /** The ledger's key; filled from the submission when absent. */
  orderKey: nonEmpty.optional(),
  channel: z.enum(salesChannels),
  channelOrderId: nonEmpty,
  customerPO: nonEmpty.optional(),
  soldTo: party,
  shipTo: party,
  billTo: party,
  currency: currencyCode,
  requestedShipDate: isoDate.optional(),
  requestedDeliveryDate: isoDate.optional(),
  lines: linesOf({
    unitListPrice: money.optional(),
    unitNetPrice: money,
    taxCode: nonEmpty.optional(),
    requestedDate: isoDate.optional(),
  }),
});

export const orderAcceptedData = z.strictObject({
  erpOrderNumber: nonEmpty,
  lines: z.array(
    z.strictObject({
      lineNo,
      sku: nonEmpty,
      uom: nonEmpty,
      qty: quantity,
      confirmedPrice: money.optional(),
      promisedShipDate: isoDate.optional(),
      shipFrom: nonEmpty.optional(),
    }),
  ),
});

export const orderRejectedData = z.strictObject({
  erpOrderNumber: nonEmpty.optional(),
  reasonCode: nonEmpty.optional(),
  reason: nonEmpty,
});

const lineTerms = {
  unitNetPrice: money.optional(),
  requestedDate: isoDate.optional(),
  promisedShipDate: isoDate.optional(),
  shipFrom: nonEmpty.optional(),
};

/** `qty` is the new ordered quantity; `before`/`after` record what changed. */
export const orderLineChangedData = z.strictObject({
  reason: nonEmpty,
  lines: linesOf({
    /** True when the change adds this line to the order. */
    added: z.boolean().optional(),
    before: z.strictObject({ qty: recordedQuantity.optional(), ...lineTerms }),
    after: z.strictObject(lineTerms),
  }),
});

export const lineCancelledData = z.strictObject({
  reason: z.enum(cancelReasons),
  initiator: nonEmpty,
  note: nonEmpty.optional(),
  lines: linesOf({}),
});

export const holdAppliedData = z.strictObject({
  holdId: nonEmpty,
  holdType: z.enum(holdTypes),
  blocking: z.boolean(),
  reason: nonEmpty,
  /** Line-level hold when present; the whole order otherwise. */
  lineNos: z.array(lineNo).optional(),
  creditExposure: money.optional(),
  creditLimit: money.optional(),
});

export const holdReleasedData = z.strictObject({
  holdId: nonEmpty,
  holdType: z.enum(holdTypes),
  reason: nonEmpty,
  releasedBy: nonEmpty,
});

export const orderClosedData = z.strictObject({
  reason: z.enum(['COMPLETE', 'SHORT_CLOSE']),
  note: nonEmpty.optional(),
});

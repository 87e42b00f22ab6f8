/** Codes of the exceptions the ledger raises on soft breaches (docs/domain.md §3 I5–I13). */
export const exceptionCodes = [
  'CANCELLED_EXCEEDS_OPEN', // I5
  'ALLOCATION_EXCEEDS_NET', // I6
  'OVERSHIPPED', // I7
  'IMPLICIT_ALLOCATION', // I8
  'INVOICE_BEFORE_SHIPMENT', // I9
  'RETURN_EXCEEDS_SHIPPED', // I10
  'RETURN_EXCEEDS_AUTHORIZED', // I10
  'CREDIT_EXCEEDS_INVOICED', // I11
  'ACTED_WHILE_HELD', // I12
  'STATUS_REGRESSION', // I13: a carrier status after delivery
  'LATE_MILESTONE', // I13: release/pick/pack after the line shipped
  'DELIVERY_EXCEEDS_SHIPPED',
  'UNKNOWN_LINE', // a fact names a line the order does not (yet) have
  'OUT_OF_SEQUENCE', // a fact arrives in a state its transition is not valid from
  'REDRIVE_REFUSED', // a transition that waited under an alias was refused by the order that took it
] as const;

export type ExceptionCode = (typeof exceptionCodes)[number];

/** A soft breach found in a fact: which lines, and the value of the quantity (or amount) in breach. */
export interface Breach {
  readonly code: ExceptionCode;
  readonly lineNos: readonly number[];
  readonly excessValue: number;
  readonly message: string;
}

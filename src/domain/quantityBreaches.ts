import type { DomainPolicy } from './domainPolicy.js';
import type { Breach, ExceptionCode } from './exceptionCodes.js';
import type { FactEvent } from './commands.js';
import { eventLines } from './events.js';
import type { Buckets, LineState, OrderState } from './orderState.js';

/** How far a line is past a quantity invariant (> 0 is a breach). */
type Excess = (b: Buckets, policy: DomainPolicy) => number;

const conditions: Readonly<Record<string, { code: ExceptionCode; rule: string; excess: Excess }>> = {
  I5: { code: 'CANCELLED_EXCEEDS_OPEN', rule: 'cancelled must not exceed ordered − shipped', excess: (b) => b.cancelled - (b.ordered - b.shipped) },
  I6: { code: 'ALLOCATION_EXCEEDS_NET', rule: 'allocated + shipped must not exceed net', excess: (b) => b.allocated + b.shipped - b.net },
  I7: { code: 'OVERSHIPPED', rule: 'shipped must not exceed net × (1 + tolerance)', excess: (b, p) => b.shipped - b.net * (1 + p.overshipTolerance) },
  I9: { code: 'INVOICE_BEFORE_SHIPMENT', rule: 'invoiced must not exceed shipped', excess: (b, p) => (p.billInAdvance ? 0 : b.invoiced - b.shipped) },
  I10a: { code: 'RETURN_EXCEEDS_SHIPPED', rule: 'return authorised must not exceed shipped', excess: (b) => b.returnAuthorized - b.shipped },
  I10b: { code: 'RETURN_EXCEEDS_AUTHORIZED', rule: 'returned must not exceed return authorised', excess: (b) => b.returned - b.returnAuthorized },
  DLV: { code: 'DELIVERY_EXCEEDS_SHIPPED', rule: 'delivered must not exceed shipped', excess: (b) => b.delivered - b.shipped },
};

/** Which quantity invariants each fact can break. */
const checkedBy: Partial<Record<FactEvent['type'], readonly (keyof typeof conditions)[]>> = {
  LineCancelled: ['I5'],
  OrderLineChanged: ['I5', 'I7'],
  InventoryAllocated: ['I6'],
  // A later revision of a compensating fact that compensates less puts the quantity back up.
  InventoryDeallocated: ['I6'],
  ShipmentConfirmed: ['I7'],
  ShipmentReversed: ['I6', 'I7', 'I9', 'I10a'],
  DeliveryConfirmed: ['DLV'],
  InvoicePosted: ['I9'],
  ReturnAuthorized: ['I10a'],
  ReturnReceived: ['I10b'],
};

/**
 * Quantity invariants (I5–I7, I9, I10) this fact broke or worsened on the
 * lines it names or moved; a breach that was already there is not raised again.
 * A later revision of a document can move a line it no longer names (the
 * earlier revision's contribution to it is withdrawn), so the lines checked
 * are the ones named and the ones whose buckets changed.
 */
export function quantityBreaches(fact: FactEvent, before: OrderState, after: OrderState, policy: DomainPolicy): Breach[] {
  const lineNos = linesMoved(fact, before, after);
  const breaches: Breach[] = [];
  for (const key of checkedBy[fact.type] ?? []) {
    const { code, rule, excess } = conditions[key]!;
    const hit = lineNos.flatMap((n) => {
      const now = after.lines[String(n)];
      // A line the order does not name is raised as UNKNOWN_LINE once, not per bucket.
      if (!now?.known) return [];
      const was = before.lines[String(n)]?.buckets;
      const e = excess(now.buckets, policy);
      return e > 1e-9 && (!was || e > excess(was, policy) + 1e-9) ? [{ line: now, excess: e }] : [];
    });
    if (hit.length > 0) breaches.push(breachOf(code, rule, hit));
  }
  const credit = creditBreach(fact, before, after);
  if (credit) breaches.push(credit);
  return breaches;
}

function linesMoved(fact: FactEvent, before: OrderState, after: OrderState): number[] {
  const named = eventLines(fact).map((l) => l.lineNo);
  const moved = Object.values(after.lines).filter((now) => {
    const was = before.lines[String(now.lineNo)]?.buckets;
    return !was || (Object.keys(now.buckets) as (keyof Buckets)[]).some((k) => now.buckets[k] !== was[k]);
  }).map((l) => l.lineNo);
  return [...new Set([...named, ...moved])];
}

function breachOf(code: ExceptionCode, rule: string, hit: readonly { line: LineState; excess: number }[]): Breach {
  const detail = hit.map(({ line, excess }) => `line ${line.lineNo} by ${round(excess)} ${line.uom ?? ''}`.trim()).join(', ');
  return {
    code,
    lineNos: hit.map(({ line }) => line.lineNo),
    excessValue: hit.reduce((sum, { line, excess }) => sum + excess * (line.unitNetPrice ?? 0), 0),
    message: `${rule}: exceeded on ${detail}.`,
  };
}

/** I11: credit memos must not exceed what was invoiced (order totals). */
function creditBreach(fact: FactEvent, before: OrderState, after: OrderState): Breach | null {
  if (fact.type !== 'CreditMemoIssued' && fact.type !== 'InvoiceCancelled') return null;
  const excess = after.totals.credited - after.totals.invoiced;
  const was = before.totals.credited - before.totals.invoiced;
  if (excess <= 1e-9 || excess <= was + 1e-9) return null;
  return {
    code: 'CREDIT_EXCEEDS_INVOICED',
    lineNos: [],
    excessValue: excess,
    message: `Credit memos total ${round(after.totals.credited)}, more than the ${round(after.totals.invoiced)} invoiced.`,
  };
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

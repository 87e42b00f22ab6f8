import { deliveredStatusCode } from './applyOverlays.js';
import type { FactEvent } from './commands.js';
import type { DomainPolicy } from './domainPolicy.js';
import { eventLines } from './events.js';
import type { Breach } from './exceptionCodes.js';
import type { OrderState } from './orderState.js';
import { blockingHoldsOn, orderStatus, terminalOrderStatuses, type OrderStatus } from './orderStatus.js';

const fulfilment: readonly FactEvent['type'][] = [
  'InventoryAllocated', 'InventoryDeallocated', 'LineBackordered', 'ReleasedToWarehouse', 'Picked', 'Packed',
  'ShipmentConfirmed', 'DeliveryConfirmed',
];
const milestones: readonly FactEvent['type'][] = ['ReleasedToWarehouse', 'Picked', 'Packed'];
const notFulfillable: readonly OrderStatus[] = ['RECEIVED', 'REJECTED', 'CLOSED'];

/**
 * Breaches of order rather than of quantity: unknown lines, transitions
 * outside their valid-from states (docs/domain.md §1), late milestones and
 * regressions (I13), acting under a credit hold (I12), implicit allocation (I8).
 */
export function sequenceBreaches(fact: FactEvent, before: OrderState, policy: DomainPolicy): Breach[] {
  const lines = eventLines(fact);
  const status = orderStatus(before);
  const breaches: (Breach | null)[] = [
    unknownLines(lines.map((l) => l.lineNo), before),
    outOfSequence(fact, status, before),
    ...lineChecks(fact, lines, before, policy),
  ];
  return breaches.filter((b): b is Breach => b !== null);
}

function unknownLines(lineNos: readonly number[], before: OrderState): Breach | null {
  const unknown = lineNos.filter((n) => !before.lines[String(n)]?.known);
  if (unknown.length === 0) return null;
  return breach('UNKNOWN_LINE', unknown, `The order has no line ${unknown.join(', ')} (yet); the fact is recorded and waits for the order.`);
}

function outOfSequence(fact: FactEvent, status: OrderStatus, before: OrderState): Breach | null {
  const says = (why: string) => breach('OUT_OF_SEQUENCE', [], `${fact.type} arrived while the order is ${status}: ${why}.`);
  switch (fact.type) {
    case 'OrderAccepted':
    case 'OrderRejected':
      if (status === 'NONE') return says('the ERP answered an order the ledger has not received');
      return status === 'RECEIVED' ? null : says('the ERP already answered this order');
    case 'HoldApplied':
    case 'OrderLineChanged':
    case 'LineCancelled':
      return terminalOrderStatuses.includes(status) ? says('the order is finished') : null;
    case 'CarrierStatusUpdated':
      return Object.values(before.lines).some((l) => l.buckets.shipped > 0) ? null : says('nothing has shipped');
    default:
      return fulfilment.includes(fact.type) && notFulfillable.includes(status)
        ? says('fulfilment needs an accepted, open order')
        : null;
  }
}

function lineChecks(
  fact: FactEvent,
  lines: readonly { lineNo: number; qty: number }[],
  before: OrderState,
  policy: DomainPolicy,
): (Breach | null)[] {
  const lineOf = (n: number) => before.lines[String(n)];
  const pick = (test: (l: { lineNo: number; qty: number }) => boolean) => lines.filter(test).map((l) => l.lineNo);
  switch (fact.type) {
    case 'ShipmentConfirmed': {
      const implicit = policy.flagImplicitAllocation ? pick((l) => (lineOf(l.lineNo)?.known ?? false) && l.qty > lineOf(l.lineNo)!.buckets.allocated) : [];
      return [
        implicit.length ? breach('IMPLICIT_ALLOCATION', implicit, `Shipped without (enough) prior allocation on line ${implicit.join(', ')}; treated as allocated at shipment.`) : null,
        heldBreach(fact.type, lines, before),
      ];
    }
    case 'InventoryAllocated':
      return [heldBreach(fact.type, lines, before)];
    case 'LineBackordered': {
      const closed = pick((l) => (lineOf(l.lineNo)?.known ?? false) && (lineOf(l.lineNo)?.buckets.open ?? 0) === 0);
      return [closed.length ? breach('OUT_OF_SEQUENCE', closed, `Line ${closed.join(', ')} has nothing open to backorder.`) : null];
    }
    case 'ReleasedToWarehouse':
    case 'Picked':
    case 'Packed': {
      const late = milestones.includes(fact.type)
        ? pick((l) => { const b = lineOf(l.lineNo)?.buckets; return !!b && b.shipped > 0 && b.open === 0; })
        : [];
      return [late.length ? breach('LATE_MILESTONE', late, `${fact.type} arrived after line ${late.join(', ')} shipped; kept in history only.`) : null];
    }
    case 'CarrierStatusUpdated': {
      const track = before.carrier[fact.data.trackingNumber];
      const regress = track?.delivered && fact.data.statusCode !== deliveredStatusCode;
      return [regress ? breach('STATUS_REGRESSION', [], `Carrier status ${fact.data.statusCode} for ${fact.data.trackingNumber} arrived after delivery; kept in history only.`) : null];
    }
    default:
      return [];
  }
}

/** I12: allocation or shipment under an active blocking CREDIT hold. */
function heldBreach(type: string, lines: readonly { lineNo: number }[], before: OrderState): Breach | null {
  const held = lines.map((l) => l.lineNo).filter((n) => blockingHoldsOn(before, n).some((h) => h.type === 'CREDIT'));
  if (held.length === 0) return null;
  return breach('ACTED_WHILE_HELD', held, `${type} on line ${held.join(', ')} while a blocking credit hold is active (the release may just be late).`);
}

function breach(code: Breach['code'], lineNos: readonly number[], message: string): Breach {
  return { code, lineNos, excessValue: 0, message };
}

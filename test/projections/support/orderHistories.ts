import fc from 'fast-check';
import type { DomainEvent } from '../../../src/domain/events.js';
import { OrderEventBuilder, hoursAfter, usd } from './orderEventBuilder.js';
import { day0 } from './scenarios.js';

/** One step after OrderReceived; quantities and lines are drawn small so that steps often collide. */
const step = fc.record({
  kind: fc.constantFrom('accept', 'reject', 'allocate', 'deallocate', 'backorder', 'release', 'ship', 'reverse', 'carrier', 'deliver',
    'invoice', 'cancelInvoice', 'cancel', 'change', 'hold', 'releaseHold', 'raise', 'resolve', 'ra', 'return', 'credit', 'close'),
  lineNo: fc.integer({ min: 1, max: 3 }),
  qty: fc.integer({ min: 1, max: 6 }),
  doc: fc.integer({ min: 0, max: 2 }),
  revision: fc.integer({ min: 0, max: 1 }),
  hours: fc.integer({ min: 0, max: 24 * 40 }),
});

/** A random order history: received with 1–3 lines, then up to 14 facts and requests in any order. */
export const orderHistory = fc.record({
  lines: fc.array(fc.record({ qty: fc.integer({ min: 1, max: 8 }), price: fc.integer({ min: 1, max: 50 }) }), { minLength: 1, maxLength: 3 }),
  steps: fc.array(step, { maxLength: 14 }),
  soldTo: fc.constantFrom('S1', 'S2'),
  channel: fc.constantFrom('ECOMMERCE', 'EDI', 'FIELD_SALES'),
});
export type OrderHistory = typeof orderHistory extends fc.Arbitrary<infer T> ? T : never;

type Step = OrderHistory['steps'][number];

/** The history's events, each validated by the domain's schemas. */
export function eventsOf(orderKey: string, history: OrderHistory): DomainEvent[] {
  const b = new OrderEventBuilder(orderKey);
  b.add('OrderReceived', {
    orderKey, channel: history.channel, channelOrderId: `ch-${orderKey}`, customerPO: `PO-${history.soldTo}`,
    soldTo: { id: history.soldTo }, shipTo: { id: history.soldTo }, billTo: { id: history.soldTo }, currency: 'USD',
    requestedShipDate: '2025-03-06',
    lines: history.lines.map((l, i) => ({ lineNo: i + 1, sku: `SKU-${i + 1}`, uom: 'EA', qty: l.qty, unitNetPrice: usd(l.price) })),
  }, { at: day0 });
  for (const s of history.steps) addStep(b, orderKey, s);
  // The same document twice is a retried submission: the ledger keeps one event.
  const seen = new Set<string>();
  return b.events.filter((e) => !seen.has(e.envelope.idempotencyKey) && seen.add(e.envelope.idempotencyKey));
}

function addStep(b: OrderEventBuilder, orderKey: string, s: Step): void {
  const at = hoursAfter(day0, s.hours);
  const line = { lineNo: s.lineNo, sku: `SKU-${s.lineNo}`, uom: 'EA', qty: s.qty };
  const doc = (prefix: string) => ({ at, docId: `${prefix}-${orderKey}-${s.doc}`, revision: s.revision });
  const shipmentId = `SH-${orderKey}-${s.doc}`;
  const invoice = { invoiceNumber: `INV-${s.doc}`, invoiceDate: at.slice(0, 10), currency: 'USD', lines: [{ ...line, amount: usd(s.qty * 3) }], total: usd(s.qty * 3) };
  switch (s.kind) {
    case 'accept': b.add('OrderAccepted', { erpOrderNumber: `ERP-${orderKey}`, lines: [{ ...line, qty: s.qty + 1, promisedShipDate: hoursAfter(day0, s.hours + 48).slice(0, 10), shipFrom: `WH${s.doc}` }] }, { at }); break;
    case 'reject': b.add('OrderRejected', { reason: 'credit' }, { at }); break;
    case 'allocate': b.add('InventoryAllocated', { lines: [{ ...line, warehouse: 'WH1' }] }, doc('AL')); break;
    case 'deallocate': b.add('InventoryDeallocated', { lines: [{ ...line, warehouse: 'WH1', reason: 'recount' }] }, doc('DA')); break;
    case 'backorder': b.add('LineBackordered', { lines: [{ ...line, availableDate: '2025-03-20' }] }, doc('BO')); break;
    case 'release': b.add('ReleasedToWarehouse', { warehouse: 'WH1', lines: [line] }, doc('RW')); break;
    case 'ship': b.add('ShipmentConfirmed', { shipmentId, shipFrom: 'WH1', shippedAt: at, trackingNumbers: [`T${s.doc}`], lines: [line] }, doc('SH')); break;
    case 'reverse': b.add('ShipmentReversed', { shipmentId, reason: 'wrong', lines: [line] }, doc('RV')); break;
    case 'carrier': b.add('CarrierStatusUpdated', { trackingNumber: `T${s.doc}`, statusCode: s.qty > 3 ? 'D1' : 'X6', eta: at }, { at }); break;
    case 'deliver': b.add('DeliveryConfirmed', { deliveredAt: at, damaged: false, lines: [line] }, doc('DL')); break;
    case 'invoice': b.add('InvoicePosted', invoice, doc('IN')); break;
    case 'cancelInvoice': b.add('InvoiceCancelled', { ...invoice, reason: 'error' }, doc('IN')); break;
    case 'cancel': b.add('LineCancelled', { reason: 'CUSTOMER', initiator: 'buyer', lines: [line] }, doc('CX')); break;
    case 'change': b.add('OrderLineChanged', { reason: 'buyer', lines: [{ ...line, before: {}, after: { promisedShipDate: '2025-03-10' } }] }, { at }); break;
    case 'hold': b.add('HoldApplied', { holdId: `H${s.doc}`, holdType: s.qty > 3 ? 'CREDIT' : 'MANUAL', blocking: s.qty % 2 === 0, reason: 'check' }, { at }); break;
    case 'releaseHold': b.add('HoldReleased', { holdId: `H${s.doc}`, holdType: 'CREDIT', reason: 'ok', releasedBy: 'desk' }, { at }); break;
    case 'raise': b.add('ExceptionRaised', { exceptionId: exceptionId(s.doc), code: 'OVERSHIPPED', priority: s.qty * 10, message: 'too much', eventId: exceptionId(9), lineNos: [s.lineNo] }, { at }); break;
    case 'resolve': b.add('ExceptionResolved', { exceptionId: exceptionId(s.doc), resolution: 'fixed', resolvedBy: 'ops' }, { at }); break;
    case 'ra': b.add('ReturnAuthorized', { raNumber: `RA${s.doc}`, reason: 'DAMAGED', lines: [line] }, doc('RA')); break;
    case 'return': b.add('ReturnReceived', { raNumber: `RA${s.doc}`, lines: [{ ...line, condition: 'GOOD', disposition: 'restock' }] }, doc('RR')); break;
    case 'credit': b.add('CreditMemoIssued', { memoNumber: `CM${s.doc}`, reason: 'PRICE', total: usd(s.qty) }, doc('CM')); break;
    case 'close': b.add('OrderClosed', { reason: 'COMPLETE' }, { at }); break;
  }
}

function exceptionId(n: number): string {
  return `00000000-0000-4000-8000-00000000000${n}`;
}

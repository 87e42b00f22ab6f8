import fc from 'fast-check';
import type { DomainEvent, OrderEventType } from '../../../src/domain/events.js';
import { amountBounds, dateWindow, isStorableText, lineNoBounds, quantityBounds } from '../../../src/domain/primitives.js';
import { OrderEventBuilder } from './orderEventBuilder.js';

/**
 * Order histories drawn from the whole space the log accepts, edges first:
 * any storable text (up to 500 characters, any script, quotes, backslashes),
 * quantities and amounts from the smallest step to the largest bound, line
 * numbers up to the maximum, dates and times at both ends of the window.
 * Every event passes the domain's schemas; no step is checked against the
 * order's state, since the log holds facts whatever state they find.
 */
const windowFrom = Date.parse(`${dateWindow.from}T00:00:00Z`);
const windowUntil = Date.parse(`${dateWindow.until}T00:00:00Z`);

export const storableTexts = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
  fc.constantFrom('x'.repeat(500), '📦'.repeat(250), "O'Brien \"&\" <b>", '\\u0000 literally', 'a\tb\nc', ' padded ', 'ДЕТАЛЬ-1', '注文-7', 'x,y;z'),
).filter((s) => s.length <= 500 && /\S/.test(s) && isStorableText(s));

export const quantities = fc.oneof(
  fc.constantFrom(1 / 10 ** quantityBounds.decimals, quantityBounds.max, 1),
  fc.integer({ min: 1, max: quantityBounds.max * 10 ** quantityBounds.decimals }).map((n) => n / 10 ** quantityBounds.decimals),
);

export const amounts = fc.oneof(
  fc.constantFrom(0, 1 / 10 ** amountBounds.decimals, amountBounds.max),
  fc.integer({ min: 0, max: amountBounds.max * 10 ** amountBounds.decimals }).map((n) => n / 10 ** amountBounds.decimals),
);

const lineNos = fc.oneof(fc.constantFrom(1, lineNoBounds.max), fc.integer({ min: 1, max: lineNoBounds.max }));

export const instants = fc.oneof(
  fc.constantFrom(windowFrom, windowUntil - 1),
  fc.integer({ min: windowFrom, max: windowUntil - 1 }),
).map((ms) => new Date(ms).toISOString());

const days = instants.map((iso) => iso.slice(0, 10));

const line = fc.record({ lineNo: lineNos, sku: storableTexts, uom: storableTexts, qty: quantities });
const money = fc.record({ amount: amounts, currency: fc.constantFrom('USD', 'EUR', 'JPY') });

const kinds = [
  'OrderAccepted', 'OrderRejected', 'OrderLineChanged', 'HoldApplied', 'HoldReleased', 'InventoryAllocated', 'InventoryDeallocated',
  'LineBackordered', 'ReleasedToWarehouse', 'Picked', 'Packed', 'ShipmentConfirmed', 'ShipmentReversed', 'CarrierStatusUpdated',
  'DeliveryConfirmed', 'InvoicePosted', 'InvoiceCancelled', 'LineCancelled', 'ReturnAuthorized', 'ReturnReceived', 'CreditMemoIssued',
  'OrderClosed', 'IntegrationAcknowledged', 'ExceptionRaised', 'ExceptionResolved', 'IntegrationResent',
] as const satisfies readonly OrderEventType[];

const step = fc.record({
  kind: fc.constantFrom(...kinds),
  /** Which of the order's lines the step names (modulo their count), or a line the order never had. */
  lineIndex: fc.integer({ min: 0, max: 3 }),
  unknownLine: lineNos,
  qty: quantities,
  amount: money,
  text: storableTexts,
  at: instants,
  day: days,
  flag: fc.boolean(),
  doc: fc.integer({ min: 0, max: 2 }),
});

export const boundaryHistory = fc.record({
  lines: fc.uniqueArray(fc.record({ line, price: money, listPrice: fc.option(money, { nil: undefined }) }), { minLength: 1, maxLength: 3, selector: (l) => l.line.lineNo }),
  parties: fc.record({ soldTo: storableTexts, shipTo: storableTexts, billTo: storableTexts }),
  currency: fc.constantFrom('USD', 'EUR', 'JPY'),
  customerPO: fc.option(storableTexts, { nil: undefined }),
  receivedAt: instants,
  requested: fc.option(days, { nil: undefined }),
  steps: fc.array(step, { maxLength: 12 }),
});
export type BoundaryHistory = typeof boundaryHistory extends fc.Arbitrary<infer T> ? T : never;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** The history's events, each validated by the domain's schemas. */
export function boundaryEvents(orderKey: string, h: BoundaryHistory): DomainEvent[] {
  const b = new OrderEventBuilder(orderKey);
  b.add('OrderReceived', {
    orderKey, channel: 'EDI', channelOrderId: orderKey, ...(h.customerPO ? { customerPO: h.customerPO } : {}),
    soldTo: { id: h.parties.soldTo, name: h.parties.shipTo }, shipTo: { id: h.parties.shipTo }, billTo: { id: h.parties.billTo }, currency: h.currency,
    ...(h.requested ? { requestedShipDate: h.requested, requestedDeliveryDate: h.requested } : {}),
    lines: h.lines.map((l) => ({ ...l.line, unitNetPrice: l.price, ...(l.listPrice ? { unitListPrice: l.listPrice } : {}), ...(h.requested ? { requestedDate: h.requested } : {}) })),
  }, { at: h.receivedAt });
  h.steps.forEach((s, i) => addStep(b, orderKey, h, s, i));
  const seen = new Set<string>();
  return b.events.filter((e) => !seen.has(e.envelope.idempotencyKey) && seen.add(e.envelope.idempotencyKey));
}

type Step = BoundaryHistory['steps'][number];

function addStep(b: OrderEventBuilder, orderKey: string, h: BoundaryHistory, s: Step, i: number): void {
  const known = h.lines[s.lineIndex % h.lines.length]!.line;
  const target = s.lineIndex === 3 ? { ...known, lineNo: s.unknownLine } : known;
  const l = { lineNo: target.lineNo, sku: target.sku, uom: target.uom, qty: s.qty };
  const opts = { at: s.at, docId: `${s.kind}-${orderKey}-${s.doc}-${i}` };
  const invoice = { invoiceNumber: s.text, invoiceDate: s.day, currency: h.currency, lines: [{ ...l, amount: s.amount }], total: s.amount, freight: s.amount, tax: s.amount, shipmentRefs: [s.text] };
  switch (s.kind) {
    case 'OrderAccepted': b.add(s.kind, { erpOrderNumber: s.text, lines: [{ ...l, confirmedPrice: s.amount, promisedShipDate: s.day, shipFrom: s.text }] }, opts); break;
    case 'OrderRejected': b.add(s.kind, { erpOrderNumber: s.text, reasonCode: s.text, reason: s.text }, opts); break;
    case 'OrderLineChanged': b.add(s.kind, { reason: s.text, lines: [{ ...l, added: s.flag, before: { qty: known.qty, unitNetPrice: s.amount }, after: { unitNetPrice: s.amount, requestedDate: s.day, promisedShipDate: s.day, shipFrom: s.text } }] }, opts); break;
    case 'HoldApplied': b.add(s.kind, { holdId: `H${s.doc}`, holdType: s.flag ? 'CREDIT' : 'MANUAL', blocking: s.flag, reason: s.text, lineNos: [l.lineNo], creditExposure: s.amount, creditLimit: s.amount }, opts); break;
    case 'HoldReleased': b.add(s.kind, { holdId: `H${s.doc}`, holdType: s.flag ? 'CREDIT' : 'MANUAL', reason: s.text, releasedBy: s.text }, opts); break;
    case 'InventoryAllocated': b.add(s.kind, { lines: [{ ...l, warehouse: s.text, lot: s.text, reason: s.text }] }, opts); break;
    case 'InventoryDeallocated': b.add(s.kind, { lines: [{ ...l, warehouse: s.text, reason: s.text }] }, opts); break;
    case 'LineBackordered': b.add(s.kind, { lines: [{ ...l, availableDate: s.day }] }, opts); break;
    case 'ReleasedToWarehouse': b.add(s.kind, { warehouse: s.text, releaseId: s.text, lines: [l] }, opts); break;
    case 'Picked': b.add(s.kind, { warehouse: s.text, lines: [l] }, opts); break;
    case 'Packed': b.add(s.kind, { warehouse: s.text, packageCount: s.flag ? 1_000_000 : 0, lines: [l] }, opts); break;
    case 'ShipmentConfirmed': b.add(s.kind, { shipmentId: `SH${s.doc}`, shipFrom: s.text, shippedAt: s.at, carrier: { scac: s.text, service: s.text }, trackingNumbers: [s.text], proNumber: s.text, bol: s.text, ssccs: ['000000000000000000'], lines: [l] }, opts); break;
    case 'ShipmentReversed': b.add(s.kind, { shipmentId: `SH${s.doc}`, reason: s.text, lines: [l] }, opts); break;
    case 'CarrierStatusUpdated': b.add(s.kind, { shipmentId: `SH${s.doc}`, trackingNumber: s.text, statusCode: s.flag ? 'D1' : 'X6', location: s.text, eta: s.at, exception: s.text }, opts); break;
    case 'DeliveryConfirmed': b.add(s.kind, { shipmentId: `SH${s.doc}`, deliveredAt: s.at, podReference: s.text, damaged: s.flag, lines: [l] }, opts); break;
    case 'InvoicePosted': b.add(s.kind, invoice, opts); break;
    case 'InvoiceCancelled': b.add(s.kind, { ...invoice, reason: s.text }, opts); break;
    case 'LineCancelled': b.add(s.kind, { reason: 'STOCK_OUT', initiator: s.text, note: s.text, lines: [l] }, opts); break;
    case 'ReturnAuthorized': b.add(s.kind, { raNumber: `RA${s.doc}`, reason: 'OTHER', originalInvoice: s.text, lines: [l] }, opts); break;
    case 'ReturnReceived': b.add(s.kind, { raNumber: `RA${s.doc}`, lines: [{ ...l, condition: s.flag ? 'GOOD' : 'DAMAGED', disposition: s.text }] }, opts); break;
    case 'CreditMemoIssued': b.add(s.kind, { memoNumber: s.text, reason: 'PRICE', raNumber: `RA${s.doc}`, invoiceNumber: s.text, lines: [{ ...l, amount: s.amount }], total: s.amount }, opts); break;
    case 'OrderClosed': b.add(s.kind, { reason: s.flag ? 'COMPLETE' : 'SHORT_CLOSE', note: s.text }, opts); break;
    case 'IntegrationAcknowledged': b.add(s.kind, { consumer: s.text, eventIds: [uuid(i)], targetRecordId: s.text, outcome: 'ACCEPTED', ackAt: s.at, message: s.text }, opts); break;
    case 'ExceptionRaised': b.add(s.kind, { exceptionId: uuid(s.doc), code: s.text, priority: s.qty * s.amount.amount * 3, currency: h.currency, message: s.text, eventId: uuid(9), lineNos: [l.lineNo] }, opts); break;
    case 'ExceptionResolved': b.add(s.kind, { exceptionId: uuid(s.doc), resolution: s.text, resolvedBy: s.text }, opts); break;
    case 'IntegrationResent': b.add(s.kind, { integrator: s.text, eventIds: [uuid(i)], outcome: s.flag ? 'delivered' : 'failed', error: s.text, reason: s.text, reconciliationId: String(s.doc + 1) }, opts); break;
  }
}

import {
  idempotencyKey, orderEventTypes, type Command, type DomainEventOf, type EmitterKind, type Envelope, type EventData,
  type FactEvent, type OrderEventType,
} from '../../../src/domain/index.js';

export const orderKey = 'O-1';

export interface Source {
  readonly kind?: EmitterKind;
  readonly doc?: string;
  readonly docType?: string;
  readonly revision?: number;
  readonly at?: string;
}

const defaultSystem: Record<OrderEventType, EmitterKind> = {
  OrderReceived: 'CRM', OrderAccepted: 'ERP', OrderRejected: 'ERP', OrderLineChanged: 'CRM',
  HoldApplied: 'ERP', HoldReleased: 'ERP', InventoryAllocated: 'WMS', InventoryDeallocated: 'WMS',
  LineBackordered: 'ERP', ReleasedToWarehouse: 'ERP', Picked: 'WMS', Packed: 'WMS', ShipmentConfirmed: 'WMS',
  ShipmentReversed: 'ERP', CarrierStatusUpdated: 'TMS', DeliveryConfirmed: 'TMS', InvoicePosted: 'ERP',
  InvoiceCancelled: 'ERP', LineCancelled: 'CRM', ReturnAuthorized: 'CRM', ReturnReceived: 'WMS',
  CreditMemoIssued: 'ERP', OrderClosed: 'ERP', IntegrationAcknowledged: 'CRM', ExceptionRaised: 'LEDGER',
  ExceptionResolved: 'LEDGER', IntegrationResent: 'LEDGER',
};

/** By default events happen in catalogue order, one minute apart, from 10:00. */
function defaultAt(type: OrderEventType): string {
  const minute = String(orderEventTypes.indexOf(type)).padStart(2, '0');
  return `2025-03-03T10:${minute}:00Z`;
}

export function envelopeFor(type: OrderEventType, source: Source = {}): Envelope {
  const kind = source.kind ?? defaultSystem[type];
  const docType = source.docType ?? type;
  const docId = source.doc ?? `${type}-1`;
  const revision = source.revision ?? 1;
  const instance = `${kind.toLowerCase()}-prod`;
  return {
    sourceSystem: { kind, instance },
    sourceDocument: { type: docType, id: docId, revision },
    idempotencyKey: idempotencyKey({ instance, docType, docId, revision, eventType: type }),
    correlationId: 'corr-1',
    occurredAt: source.at ?? defaultAt(type),
    receivedAt: source.at ?? defaultAt(type),
    actor: { type: 'SYSTEM', id: kind.toLowerCase() },
    schemaVersion: 1,
  };
}

export function event<T extends OrderEventType>(type: T, data: EventData<T>, source: Source = {}): DomainEventOf<T> {
  return { type, data, envelope: envelopeFor(type, source) } as DomainEventOf<T>;
}

const usd = (amount: number) => ({ amount, currency: 'USD' });
const skuOf = (lineNo: number) => `SKU-${lineNo}`;

/** Order O-1: line 1 is 10 EA at 5 USD, line 2 is 4 EA at 20 USD (open value 130). */
export const orderData: EventData<'OrderReceived'> = {
  orderKey,
  channel: 'ECOMMERCE',
  channelOrderId: 'WEB-1001',
  customerPO: 'PO-77',
  soldTo: { id: 'C-1' },
  shipTo: { id: 'C-1-S' },
  billTo: { id: 'C-1-B' },
  currency: 'USD',
  lines: [
    { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, unitNetPrice: usd(5) },
    { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, unitNetPrice: usd(20) },
  ],
};

export const received = (source?: Source) => event('OrderReceived', orderData, source);
export const accepted = (source?: Source) =>
  event('OrderAccepted', {
    erpOrderNumber: 'SO-9',
    lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, promisedShipDate: '2025-03-10', shipFrom: 'DC1' }],
  }, source);
export const rejected = (source?: Source) => event('OrderRejected', { reason: 'Customer blocked' }, source);

type Qty = Readonly<Record<number, number>>;
const lines = (qty: Qty) => Object.entries(qty).map(([n, q]) => ({ lineNo: Number(n), sku: skuOf(Number(n)), uom: 'EA', qty: q }));
const withLines = <T extends object>(qty: Qty, extra: T) => lines(qty).map((l) => ({ ...l, ...extra }));

export const allocated = (qty: Qty, source?: Source) => event('InventoryAllocated', { lines: withLines(qty, { warehouse: 'DC1' }) }, source);
export const deallocated = (qty: Qty, source?: Source) =>
  event('InventoryDeallocated', { lines: withLines(qty, { warehouse: 'DC1', reason: 'recount' }) }, source);
export const backordered = (qty: Qty, source?: Source) =>
  event('LineBackordered', { lines: withLines(qty, { availableDate: '2025-04-01' }) }, source);
export const releasedToWarehouse = (qty: Qty, source?: Source) => event('ReleasedToWarehouse', { warehouse: 'DC1', lines: lines(qty) }, source);
export const picked = (qty: Qty, source?: Source) => event('Picked', { warehouse: 'DC1', lines: lines(qty) }, source);
export const packed = (qty: Qty, source?: Source) => event('Packed', { warehouse: 'DC1', lines: lines(qty) }, source);
export const shipped = (qty: Qty, source?: Source) =>
  event('ShipmentConfirmed', {
    shipmentId: source?.doc ?? 'ASN-1', shipFrom: 'DC1', shippedAt: source?.at ?? '2025-03-04T08:00:00Z',
    trackingNumbers: ['1Z1'], lines: lines(qty),
  }, source);
export const shipmentReversed = (qty: Qty, source?: Source) => event('ShipmentReversed', { shipmentId: 'ASN-1', reason: 'keyed twice', lines: lines(qty) }, source);
export const carrierStatus = (statusCode: string, source?: Source) => event('CarrierStatusUpdated', { trackingNumber: '1Z1', statusCode }, source);
export const delivered = (qty: Qty, source?: Source) =>
  event('DeliveryConfirmed', { deliveredAt: source?.at ?? '2025-03-06T15:00:00Z', damaged: false, lines: lines(qty) }, source);

const priceOf = (lineNo: number) => (lineNo === 2 ? 20 : 5);
function invoiceBody(qty: Qty) {
  const ls = withLines(qty, {}).map((l) => ({ ...l, amount: usd(l.qty * priceOf(l.lineNo)) }));
  return { invoiceNumber: 'INV-1', invoiceDate: '2025-03-05', currency: 'USD', lines: ls, total: usd(ls.reduce((s, l) => s + l.amount.amount, 0)) };
}
export const invoiced = (qty: Qty, source?: Source) => event('InvoicePosted', invoiceBody(qty), source);
export const invoiceCancelled = (qty: Qty, source?: Source) => event('InvoiceCancelled', { ...invoiceBody(qty), reason: 'wrong price' }, source);
export const cancelled = (qty: Qty, source?: Source) => event('LineCancelled', { reason: 'CUSTOMER', initiator: 'buyer', lines: lines(qty) }, source);
export const returnAuthorized = (qty: Qty, source?: Source) => event('ReturnAuthorized', { raNumber: 'RA-1', reason: 'DAMAGED', lines: lines(qty) }, source);
export const returnReceived = (qty: Qty, source?: Source) =>
  event('ReturnReceived', { raNumber: 'RA-1', lines: withLines(qty, { condition: 'DAMAGED' as const, disposition: 'scrap' }) }, source);
export const creditMemo = (amount: number, source?: Source) => event('CreditMemoIssued', { memoNumber: 'CM-1', reason: 'RETURN', total: usd(amount) }, source);
export const closed = (source?: Source) => event('OrderClosed', { reason: 'COMPLETE' }, source);
export const holdApplied = (holdType: 'CREDIT' | 'MANUAL' = 'CREDIT', source?: Source) =>
  event('HoldApplied', { holdId: 'H-1', holdType, blocking: true, reason: 'over limit' }, source);
export const holdReleased = (holdType: 'CREDIT' | 'MANUAL' = 'CREDIT', source?: Source) =>
  event('HoldReleased', { holdId: 'H-1', holdType, reason: 'paid', releasedBy: 'ar-clerk' }, source);
export const lineChanged = (lineNo: number, qty: number, source?: Source, added = false) =>
  event('OrderLineChanged', {
    reason: 'buyer request',
    lines: [{ lineNo, sku: skuOf(lineNo), uom: 'EA', qty, ...(added ? { added } : {}), before: {}, after: {} }],
  }, source);
export const acknowledged = (source?: Source) =>
  event('IntegrationAcknowledged', {
    consumer: 'crm-sync', eventIds: ['2ed6657d-e927-568b-95e1-2665a8aea6a2'], outcome: 'ACCEPTED', ackAt: '2025-03-04T08:01:00Z',
  }, source);

export const resent = (outcome: 'delivered' | 'failed' = 'delivered', source?: Source) =>
  event('IntegrationResent', {
    integrator: 'crm-hook', eventIds: ['2ed6657d-e927-568b-95e1-2665a8aea6a2'], outcome, reason: 'CRM restored from backup',
    ...(outcome === 'failed' ? { error: 'HTTP 503' } : { reconciliationId: '42' }),
  }, source);

/** The command the ledger issues to record `e`, a re-send. */
export function recordResend(e: DomainEventOf<'IntegrationResent'>): Command {
  return { type: 'RecordResend', orderKey, envelope: e.envelope, data: e.data };
}

/** The command that records `e` from its envelope's system. */
export function fact(e: DomainEventOf<FactEvent['type']>): Command {
  const { envelope, ...rest } = e;
  return { type: 'RecordFact', orderKey, envelope, fact: rest as FactEvent };
}

export function placeOrder(data: EventData<'OrderReceived'> = orderData, source?: Source): Command {
  return { type: 'PlaceOrder', orderKey, data, envelope: envelopeFor('OrderReceived', source) };
}

export function changeOrderLine(e: DomainEventOf<'OrderLineChanged'>): Command {
  return { type: 'ChangeOrderLine', orderKey, data: e.data, envelope: e.envelope };
}

export function cancelLine(e: DomainEventOf<'LineCancelled'>): Command {
  return { type: 'CancelLine', orderKey, data: e.data, envelope: e.envelope };
}

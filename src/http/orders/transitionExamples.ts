import type { OrderEventType } from '../../domain/events.js';

/**
 * One order's life as its systems report it, one example per transition the
 * API takes: the request examples of the API document. Sent in this order,
 * each is accepted (the API document's test does so).
 */
const order = 'WEB-1001';
const erp = '4500012345';
const line1 = { lineNo: 1, sku: 'PAPER-A4', uom: 'CS' };
const line2 = { lineNo: 2, sku: 'TONER-85A', uom: 'EA' };
const line3 = { lineNo: 3, sku: 'STAPLER-X', uom: 'EA' };
const usd = (amount: number) => ({ amount, currency: 'USD' });
const doc = (type: string, id: string) => ({ type, id, revision: 0 });
const shipped = [{ ...line1, qty: 10 }, { ...line2, qty: 4 }];
const invoice = {
  invoiceNumber: 'INV-7001', invoiceDate: '2026-11-29', currency: 'USD',
  lines: [{ ...line1, qty: 10, amount: usd(245) }, { ...line2, qty: 4, amount: usd(244) }],
  freight: usd(15), tax: usd(40.12), total: usd(544.12), shipmentRefs: ['ASN-9001'],
};

export const placeOrderExample = {
  orderKey: order,
  occurredAt: '2026-11-27T09:00:00Z',
  sourceDocument: doc('WebOrder', order),
  data: {
    channel: 'ECOMMERCE', channelOrderId: order, customerPO: 'PO-5531',
    soldTo: { id: 'C-100', name: 'Northwind Office Supply' }, shipTo: { id: 'C-100-S' }, billTo: { id: 'C-100' },
    currency: 'USD', requestedShipDate: '2026-11-28', requestedDeliveryDate: '2026-12-01',
    lines: [
      { ...line1, qty: 10, unitListPrice: usd(26), unitNetPrice: usd(24.5) },
      { ...line2, qty: 4, unitNetPrice: usd(61) },
      { ...line3, qty: 2, unitNetPrice: usd(12) },
    ],
  },
};

type Transition = { readonly type: OrderEventType; readonly summary: string; readonly body: Record<string, unknown> };

const at = (occurredAt: string, sourceDocument: ReturnType<typeof doc>, data: Record<string, unknown>) => ({ occurredAt, sourceDocument, data });

export const transitionExamples: readonly Transition[] = [
  { type: 'OrderAccepted', summary: 'The ERP accepts the order under its own number', body: at('2026-11-27T09:02:00Z', doc('SalesOrder', erp), {
    erpOrderNumber: erp,
    lines: [{ ...line1, qty: 10, promisedShipDate: '2026-11-28', shipFrom: 'DC-EAST' }, { ...line2, qty: 4, confirmedPrice: usd(61), promisedShipDate: '2026-11-28', shipFrom: 'DC-EAST' }, { ...line3, qty: 2 }],
  }) },
  { type: 'HoldApplied', summary: 'A credit hold', body: at('2026-11-27T09:03:00Z', doc('CreditBlock', 'CB-881'), {
    holdId: 'CB-881', holdType: 'CREDIT', blocking: true, reason: 'Credit limit exceeded', creditExposure: usd(48210), creditLimit: usd(45000),
  }) },
  { type: 'HoldReleased', summary: 'Credit releases the hold', body: at('2026-11-27T10:15:00Z', doc('CreditRelease', 'CB-881'), {
    holdId: 'CB-881', holdType: 'CREDIT', reason: 'Payment received', releasedBy: 'credit.desk@northwind.example',
  }) },
  { type: 'OrderLineChanged', summary: 'A later promised date for a line', body: at('2026-11-27T10:20:00Z', doc('SalesOrderChange', `${erp}-1`), {
    reason: 'Supplier delay', lines: [{ ...line2, qty: 4, before: { promisedShipDate: '2026-11-28' }, after: { promisedShipDate: '2026-11-29' } }],
  }) },
  { type: 'LineCancelled', summary: 'The customer cancels a line', body: at('2026-11-27T10:30:00Z', doc('CancelRequest', 'CR-12'), {
    reason: 'CUSTOMER', initiator: 'CRM', note: 'Not needed any more', lines: [{ ...line3, qty: 2 }],
  }) },
  { type: 'LineBackordered', summary: 'A line waits for stock', body: at('2026-11-27T10:40:00Z', doc('Backorder', 'BO-301'), {
    lines: [{ ...line2, qty: 4, availableDate: '2026-11-29' }],
  }) },
  { type: 'InventoryAllocated', summary: 'Stock is allocated', body: at('2026-11-28T07:00:00Z', doc('Allocation', 'AL-77'), {
    lines: [{ ...line1, qty: 10, warehouse: 'DC-EAST' }, { ...line2, qty: 4, warehouse: 'DC-EAST', lot: 'L2026-11' }],
  }) },
  { type: 'ReleasedToWarehouse', summary: 'The order is released to the warehouse', body: at('2026-11-28T07:05:00Z', doc('Delivery', '80012345'), {
    warehouse: 'DC-EAST', releaseId: '80012345', lines: shipped,
  }) },
  { type: 'Picked', summary: 'Picked', body: at('2026-11-28T09:30:00Z', doc('PickList', 'PK-5120'), { warehouse: 'DC-EAST', lines: shipped }) },
  { type: 'Packed', summary: 'Packed', body: at('2026-11-28T10:10:00Z', doc('PackList', 'PL-5120'), { warehouse: 'DC-EAST', packageCount: 3, lines: shipped }) },
  { type: 'ShipmentConfirmed', summary: 'Shipped (an ASN)', body: at('2026-11-28T15:30:00Z', doc('ASN', 'ASN-9001'), {
    shipmentId: 'ASN-9001', shipFrom: 'DC-EAST', shippedAt: '2026-11-28T15:30:00Z', carrier: { scac: 'UPSN', service: 'GROUND' },
    trackingNumbers: ['1Z999AA10123456784'], bol: 'BOL-55120', ssccs: ['003456789012345678'], lines: shipped,
  }) },
  { type: 'CarrierStatusUpdated', summary: 'The carrier reports it in transit', body: at('2026-11-29T06:00:00Z', doc('EDI214', '214-778812'), {
    shipmentId: 'ASN-9001', trackingNumber: '1Z999AA10123456784', statusCode: 'X6', location: 'Harrisburg, PA', eta: '2026-12-01T17:00:00Z',
  }) },
  { type: 'DeliveryConfirmed', summary: 'Delivered, with proof of delivery', body: at('2026-12-01T14:12:00Z', doc('POD', 'POD-3344'), {
    shipmentId: 'ASN-9001', deliveredAt: '2026-12-01T14:12:00Z', podReference: 'POD-3344', damaged: false, lines: shipped,
  }) },
  { type: 'InvoicePosted', summary: 'The ERP invoices what shipped', body: at('2026-11-29T08:00:00Z', doc('Invoice', 'INV-7001'), invoice) },
  { type: 'InvoiceCancelled', summary: 'An invoice cancelled (its body included, so it compensates even when it arrives first)', body: at('2026-11-29T09:00:00Z', doc('InvoiceCancellation', 'INV-7001'), {
    ...invoice, reason: 'Freight charged twice',
  }) },
  { type: 'ReturnAuthorized', summary: 'A return is authorised', body: at('2026-12-02T10:00:00Z', doc('RMA', 'RA-3001'), {
    raNumber: 'RA-3001', reason: 'DAMAGED', originalInvoice: 'INV-7001', lines: [{ ...line2, qty: 1 }],
  }) },
  { type: 'ReturnReceived', summary: 'The warehouse receives the return', body: at('2026-12-04T11:00:00Z', doc('ReturnReceipt', 'RR-3001'), {
    raNumber: 'RA-3001', lines: [{ ...line2, qty: 1, condition: 'DAMAGED', disposition: 'SCRAP' }],
  }) },
  { type: 'CreditMemoIssued', summary: 'A credit memo for the return', body: at('2026-12-05T09:00:00Z', doc('CreditMemo', 'CM-501'), {
    memoNumber: 'CM-501', reason: 'RETURN', raNumber: 'RA-3001', invoiceNumber: 'INV-7001', lines: [{ ...line2, qty: 1, amount: usd(61) }], total: usd(61),
  }) },
  { type: 'IntegrationAcknowledged', summary: 'A downstream system confirms it holds events', body: at('2026-12-05T09:01:00Z', doc('CrmSyncAck', 'ACK-9917'), {
    consumer: 'crm', eventIds: ['6f1c8a52-3b0e-5d7a-9f3e-2c4b8d1a7e90'], targetRecordId: 'opp-00061A', outcome: 'ACCEPTED', ackAt: '2026-12-05T09:01:00Z',
  }) },
  { type: 'ShipmentReversed', summary: 'A shipment reversed (goods never left)', body: at('2026-12-05T10:00:00Z', doc('ShipmentReversal', 'ASN-9001-R'), {
    shipmentId: 'ASN-9001', reason: 'Posted against the wrong order', lines: [{ ...line2, qty: 4 }],
  }) },
  { type: 'InventoryDeallocated', summary: 'Allocated stock released', body: at('2026-12-05T10:05:00Z', doc('Deallocation', 'DA-12'), {
    lines: [{ ...line2, qty: 4, warehouse: 'DC-EAST', reason: 'Shipment reversed' }],
  }) },
  { type: 'OrderRejected', summary: 'The ERP rejects an order', body: at('2026-12-05T10:10:00Z', doc('SalesOrderRejection', erp), {
    erpOrderNumber: erp, reasonCode: 'Z1', reason: 'Customer account blocked',
  }) },
  { type: 'OrderClosed', summary: 'The ERP closes the order', body: at('2026-12-06T00:00:00Z', doc('SalesOrderClose', erp), { reason: 'SHORT_CLOSE', note: 'Closed after the reversal' }) },
];

/** The order the transition examples name (path parameter `orderRef`). */
export const exampleOrderRef = order;

import { OrderEventBuilder, hoursAfter, usd } from './orderEventBuilder.js';

export const day0 = '2025-03-03T08:00:00.000Z';

/** An order received, accepted, allocated, shipped in full, delivered and invoiced. */
export function happyOrder(orderKey: string, soldTo = 'ACME'): OrderEventBuilder {
  const b = new OrderEventBuilder(orderKey);
  b.add('OrderReceived', {
    orderKey, channel: 'ECOMMERCE', channelOrderId: `web-${orderKey}`, customerPO: `PO-${orderKey}`,
    soldTo: { id: soldTo }, shipTo: { id: soldTo }, billTo: { id: soldTo }, currency: 'USD',
    lines: [
      { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, unitNetPrice: usd(5) },
      { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, unitNetPrice: usd(2.5) },
    ],
  }, { at: day0 });
  b.add('OrderAccepted', {
    erpOrderNumber: `ERP-${orderKey}`,
    lines: [
      { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, promisedShipDate: '2025-03-05', shipFrom: 'WH1' },
      { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, promisedShipDate: '2025-03-05', shipFrom: 'WH1' },
    ],
  }, { at: hoursAfter(day0, 0.5) });
  b.add('InventoryAllocated', { lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, warehouse: 'WH1' }, { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, warehouse: 'WH1' }] }, { at: hoursAfter(day0, 1) });
  b.add('ShipmentConfirmed', {
    shipmentId: `SH-${orderKey}`, shipFrom: 'WH1', shippedAt: hoursAfter(day0, 24),
    lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10 }, { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4 }],
  }, { at: hoursAfter(day0, 24), docId: `SH-${orderKey}` });
  b.add('DeliveryConfirmed', {
    deliveredAt: hoursAfter(day0, 48), damaged: false,
    lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10 }, { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4 }],
  }, { at: hoursAfter(day0, 48) });
  b.add('InvoicePosted', {
    invoiceNumber: `INV-${orderKey}`, invoiceDate: '2025-03-05', currency: 'USD', total: usd(60),
    lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, amount: usd(50) }, { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, amount: usd(10) }],
  }, { at: hoursAfter(day0, 50), docId: `INV-${orderKey}` });
  return b;
}

/** An order accepted, then one line backordered and the other partly shipped, under a released credit hold. */
export function troubledOrder(orderKey: string, soldTo = 'ACME'): OrderEventBuilder {
  const b = new OrderEventBuilder(orderKey);
  b.add('OrderReceived', {
    orderKey, channel: 'EDI', channelOrderId: `edi-${orderKey}`, customerPO: 'PO-SAME',
    soldTo: { id: soldTo }, shipTo: { id: soldTo }, billTo: { id: soldTo }, currency: 'USD',
    lines: [
      { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 8, unitNetPrice: usd(10) },
      { lineNo: 2, sku: 'SKU-3', uom: 'CS', qty: 3, unitNetPrice: usd(100) },
    ],
  }, { at: day0 });
  b.add('HoldApplied', { holdId: `H-${orderKey}`, holdType: 'CREDIT', blocking: true, reason: 'over limit' }, { at: hoursAfter(day0, 0.1) });
  b.add('OrderAccepted', {
    erpOrderNumber: `ERP-${orderKey}`,
    lines: [
      { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 8, promisedShipDate: '2025-03-04', shipFrom: 'WH2' },
      { lineNo: 2, sku: 'SKU-3', uom: 'CS', qty: 3, promisedShipDate: '2025-03-04', shipFrom: 'WH2' },
    ],
  }, { at: hoursAfter(day0, 2) });
  b.add('HoldReleased', { holdId: `H-${orderKey}`, holdType: 'CREDIT', reason: 'paid', releasedBy: 'credit-desk' }, { at: hoursAfter(day0, 3) });
  b.add('InventoryAllocated', { lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 5, warehouse: 'WH2' }] }, { at: hoursAfter(day0, 4) });
  b.add('LineBackordered', { lines: [{ lineNo: 2, sku: 'SKU-3', uom: 'CS', qty: 3, availableDate: '2025-03-20' }] }, { at: hoursAfter(day0, 4) });
  b.add('ShipmentConfirmed', {
    shipmentId: `SH-${orderKey}`, shipFrom: 'WH2', shippedAt: hoursAfter(day0, 30),
    lines: [{ lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 5 }],
  }, { at: hoursAfter(day0, 30), docId: `SH-${orderKey}` });
  return b;
}

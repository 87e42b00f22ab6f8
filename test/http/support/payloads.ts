/** Request bodies as source systems send them. */
let sequence = 0;
const next = () => ++sequence;

export function placeOrderBody(orderKey: string, overrides: Record<string, unknown> = {}) {
  return {
    orderKey,
    occurredAt: '2026-03-02T09:00:00Z',
    sourceDocument: { type: 'SalesOrder', id: `SO-${orderKey}`, revision: 0 },
    data: {
      channel: 'ECOMMERCE',
      channelOrderId: `WEB-${orderKey}`,
      customerPO: `PO-${orderKey}`,
      soldTo: { id: 'C-100' },
      shipTo: { id: 'C-100-S' },
      billTo: { id: 'C-100-B' },
      currency: 'USD',
      lines: [
        { lineNo: 1, sku: 'SKU-1', uom: 'EA', qty: 10, unitNetPrice: { amount: 5, currency: 'USD' } },
        { lineNo: 2, sku: 'SKU-2', uom: 'EA', qty: 4, unitNetPrice: { amount: 20, currency: 'USD' } },
      ],
    },
    ...overrides,
  };
}

const lines = (qty: Record<number, number>, extra: Record<string, unknown> = {}) =>
  Object.entries(qty).map(([n, q]) => ({ lineNo: Number(n), sku: `SKU-${n}`, uom: 'EA', qty: q, ...extra }));

export function acceptedBody(erpOrderNumber: string) {
  return {
    type: 'OrderAccepted', occurredAt: '2026-03-02T09:05:00Z',
    sourceDocument: { type: 'SalesOrder', id: erpOrderNumber, revision: 0 },
    data: { erpOrderNumber, lines: lines({ 1: 10, 2: 4 }, { promisedShipDate: '2026-03-05', shipFrom: 'DC1' }) },
  };
}

export function allocatedBody(qty: Record<number, number>, doc = `ALLOC-${next()}`) {
  return { type: 'InventoryAllocated', occurredAt: '2026-03-02T10:00:00Z', sourceDocument: { type: 'Allocation', id: doc, revision: 0 }, data: { lines: lines(qty, { warehouse: 'DC1' }) } };
}

export function shippedBody(qty: Record<number, number>, doc = `ASN-${next()}`) {
  return {
    type: 'ShipmentConfirmed', occurredAt: '2026-03-03T08:00:00Z', sourceDocument: { type: 'ASN', id: doc, revision: 0 },
    data: { shipmentId: doc, shipFrom: 'DC1', shippedAt: '2026-03-03T08:00:00Z', trackingNumbers: ['1Z999'], lines: lines(qty) },
  };
}

import { randomUUID } from 'node:crypto';

/** The same event every store in the benchmark writes. */
export interface BenchEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

const skus = ['SKU-100234-BLK', 'SKU-220871-WHT', 'SKU-318870-XL', 'SKU-400012-PK6', 'SKU-771109-STD'];
const warehouses = ['DC-ATL-01', 'DC-DFW-02', 'DC-RNO-03'];

/**
 * A ~500-byte order-line event (data; the metadata envelope adds ~300 more),
 * shaped like the ledger's own: what BENCH-ANCHORS.md measured with.
 */
export function orderLineEvent(stream: string, revision: number): BenchEvent {
  const line = revision + 1;
  const sku = skus[revision % skus.length] as string;
  return {
    id: randomUUID(),
    type: 'OrderLineAllocated',
    data: {
      orderKey: stream,
      erpOrderNumber: `SO-${stream.length}${line}`.padEnd(12, '0'),
      lineNo: line,
      sku,
      description: 'Heavy-duty nitrile gloves, powder free, box of 100, size L',
      uom: 'EA',
      qtyOrdered: 24 + (revision % 7),
      qtyAllocated: 12 + (revision % 5),
      unitNetPrice: { amount: '18.4500', currency: 'USD' },
      shipFrom: warehouses[revision % warehouses.length],
      promisedShipDate: '2026-11-28',
      allocation: { lot: `LOT-${(revision * 7919) % 100000}`, bin: 'A-12-03-B', expiresOn: '2028-06-30' },
      customer: { id: 'C-0042817', name: 'Northwind Medical Supply', region: 'SOUTHEAST' },
    },
    metadata: {
      schemaVersion: 1,
      sourceSystem: { kind: 'WMS', instance: 'wms-atl' },
      sourceReference: `ALLOC-${stream}-${line}`,
      correlationId: `corr-${stream}`,
      causationId: `cmd-${stream}-${line}`,
      actor: { type: 'SYSTEM', id: 'wms-allocator' },
      occurredAt: '2026-11-27T08:15:30.123Z',
    },
  };
}

/** `count` consecutive events of one stream, from `revision`. */
export function orderLineEvents(stream: string, revision: number, count: number): BenchEvent[] {
  return Array.from({ length: count }, (_, i) => orderLineEvent(stream, revision + i));
}

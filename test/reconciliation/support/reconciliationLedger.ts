import type pg from 'pg';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import { aliasesOf, OrderAliases } from '../../../src/orders/orderAliases.js';
import { OrderEventBuilder, hoursAfter, usd } from '../../projections/support/orderEventBuilder.js';
import { appendOrder } from '../../projections/support/projectionHarness.js';

/**
 * `count` orders of two lines each (RCN-0001…): every one accepted (ERP
 * number ERP-RCN-…), every second one shipped on line 1, every third one
 * invoiced, so statuses, quantities and values vary. Appended straight
 * to the log, with the aliases registered as the command path would.
 */
export async function seedOrders(store: EventStore, pool: pg.Pool, count: number, prefix = 'RCN'): Promise<string[]> {
  const keys: string[] = [];
  const aliases = new OrderAliases(pool);
  for (let i = 1; i <= count; i++) {
    const orderKey = `${prefix}-${String(i).padStart(4, '0')}`;
    const at = '2026-11-20T09:00:00.000Z';
    const b = new OrderEventBuilder(orderKey);
    b.add('OrderReceived', {
      orderKey, channel: 'EDI', channelOrderId: `edi-${orderKey}`, customerPO: `PO-${orderKey}`,
      soldTo: { id: 'C-RCN' }, shipTo: { id: 'C-RCN' }, billTo: { id: 'C-RCN' }, currency: 'USD',
      lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10, unitNetPrice: usd(3) }, { lineNo: 2, sku: 'SKU-B', uom: 'EA', qty: 6, unitNetPrice: usd(7.25) }],
    }, { at });
    b.add('OrderAccepted', {
      erpOrderNumber: `ERP-${orderKey}`,
      lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10, shipFrom: 'DC-EAST' }, { lineNo: 2, sku: 'SKU-B', uom: 'EA', qty: 6, shipFrom: 'DC-EAST' }],
    }, { at: hoursAfter(at, 0.5) });
    if (i % 2 === 0) {
      b.add('ShipmentConfirmed', {
        shipmentId: `SH-${orderKey}`, shipFrom: 'DC-EAST', shippedAt: hoursAfter(at, 5), lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10 }],
      }, { at: hoursAfter(at, 5), docId: `SH-${orderKey}` });
    }
    if (i % 3 === 0) {
      b.add('InvoicePosted', {
        invoiceNumber: `INV-${orderKey}`, invoiceDate: '2026-11-21', currency: 'USD', total: usd(30),
        lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10, amount: usd(30) }],
      }, { at: hoursAfter(at, 20), docId: `INV-${orderKey}` });
    }
    await appendOrder(store, orderKey, b.events);
    // As the command path does: the ERP number and the PO name the order from now on.
    await aliases.bind(orderKey, b.events.flatMap(aliasesOf), await store.headPosition());
    keys.push(orderKey);
  }
  return keys;
}

export interface SnapshotLine {
  order: string; status: string; line: number; ordered: number; shipped: number; invoiced: number; ordered_value: number; invoiced_total: number;
}

/** What the CRM view's read models show, one row per order line: a snapshot equal to the ledger's state. */
export async function ledgerSnapshot(pool: pg.Pool): Promise<SnapshotLine[]> {
  const { rows } = await pool.query<SnapshotLine>(
    `SELECT o.order_key AS order, o.status, l.line_no AS line, l.ordered::float8 AS ordered, l.shipped::float8 AS shipped,
            l.invoiced::float8 AS invoiced, o.ordered_value::float8 AS ordered_value, o.invoiced_total::float8 AS invoiced_total
       FROM reporting.crm_orders o JOIN reporting.crm_order_lines l USING (order_key) ORDER BY o.order_key, l.line_no`);
  return rows;
}

export const csvHeader = 'order,status,line,ordered,shipped,invoiced,ordered_value,invoiced_total';

export function toCsvText(rows: readonly SnapshotLine[]): string {
  return [csvHeader, ...rows.map((r) => [r.order, r.status, r.line, r.ordered, r.shipped, r.invoiced, r.ordered_value, r.invoiced_total].join(','))].join('\n') + '\n';
}

export function toJsonLines(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

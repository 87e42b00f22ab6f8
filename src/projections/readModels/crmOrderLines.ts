import { statusOfLine } from '../../domain/orderStatus.js';
import { linesOf, tidy, valueOf } from '../orders/orderFacts.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** `reporting.crm_order_lines`: the CRM view's lines, buckets and line status (docs/domain.md §1, §5). */
export const crmOrderLines: OrderRowModel = {
  table: 'crm_order_lines',
  columns: columnsOf([
    ['order_key', 'text'], ['line_no', 'integer'], ['sku', 'text'], ['uom', 'text'], ['status', 'text'],
    ['ordered', 'numeric'], ['cancelled', 'numeric'], ['net', 'numeric'], ['allocated', 'numeric'],
    ['backordered', 'numeric'], ['shipped', 'numeric'], ['delivered', 'numeric'], ['invoiced', 'numeric'],
    ['return_authorized', 'numeric'], ['returned', 'numeric'], ['open', 'numeric'], ['unit_net_price', 'numeric'],
    ['open_value', 'numeric'], ['requested_date', 'date'], ['promised_ship_date', 'date'], ['ship_from', 'text'],
    ['backorder_eta', 'date'], ['released', 'boolean'], ['first_shipped_at', 'timestamptz'], ['delivered_at', 'timestamptz'],
  ]),
  rowsOf: ({ orderKey, state }: OrderView) => linesOf(state).map((line) => {
    const b = line.buckets;
    return {
      order_key: orderKey, line_no: line.lineNo, sku: line.sku, uom: line.uom, status: statusOfLine(line),
      ordered: b.ordered, cancelled: b.cancelled, net: b.net, allocated: b.allocated, backordered: b.backordered,
      shipped: b.shipped, delivered: b.delivered, invoiced: b.invoiced, return_authorized: b.returnAuthorized,
      returned: b.returned, open: b.open, unit_net_price: line.unitNetPrice === null ? null : tidy(line.unitNetPrice),
      open_value: valueOf(b.open, line), requested_date: line.requestedDate, promised_ship_date: line.promisedShipDate,
      ship_from: line.shipFrom, backorder_eta: line.backorderEta, released: line.released,
      first_shipped_at: line.firstShipment?.at ?? null, delivered_at: line.deliveredAt,
    };
  }),
};

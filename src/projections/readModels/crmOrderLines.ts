import { crmView } from '../../domain/crmView.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** `reporting.crm_order_lines`: the CRM view's lines (docs/domain.md §1, §5), straight from `crmView`. */
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
  rowsOf: ({ orderKey, state }: OrderView) => crmView(state).lines.map((line) => {
    const q = line.quantities;
    return {
      order_key: orderKey, line_no: line.lineNo, sku: line.sku, uom: line.uom, status: line.status,
      ordered: q.ordered, cancelled: q.cancelled, net: q.net, allocated: q.allocated, backordered: q.backordered,
      shipped: q.shipped, delivered: q.delivered, invoiced: q.invoiced, return_authorized: q.returnAuthorized,
      returned: q.returned, open: q.open, unit_net_price: line.unitNetPrice, open_value: line.openValue,
      requested_date: line.requestedDate, promised_ship_date: line.promisedShipDate, ship_from: line.shipFrom,
      backorder_eta: line.backorderEta, released: line.released, first_shipped_at: line.firstShippedAt, delivered_at: line.deliveredAt,
    };
  }),
};

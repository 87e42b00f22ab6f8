import type { ListQuery } from '../reports/keysetPage.js';
import { crmView } from '../../domain/crmView.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** `reporting.crm_orders`: the CRM view (docs/domain.md §5), one row per order, straight from `crmView`. */
export const crmOrders: OrderRowModel = {
  table: 'crm_orders',
  columns: columnsOf([
    ['order_key', 'text'], ['sold_to', 'text'], ['ship_to', 'text'], ['channel', 'text'], ['channel_order_id', 'text'],
    ['customer_po', 'text'], ['erp_order_number', 'text'], ['currency', 'text'], ['status', 'text'],
    ['display_status', 'text'], ['active_holds', 'jsonb'], ['requested_ship_date', 'date'], ['promised_ship_date', 'date'],
    ['expected_ship_date', 'date'], ['last_milestone', 'text'], ['last_milestone_at', 'timestamptz'],
    ['ordered_value', 'numeric'], ['open_value', 'numeric'], ['line_count', 'integer'], ['backordered_lines', 'jsonb'],
    ['shipments', 'jsonb'], ['tracking', 'jsonb'], ['invoices', 'jsonb'], ['invoiced_total', 'numeric'],
    ['credited_total', 'numeric'], ['open_return_qty', 'numeric'], ['open_ra_since', 'timestamptz'],
    ['open_exceptions', 'integer'], ['received_at', 'timestamptz'], ['accepted_at', 'timestamptz'],
    ['first_shipped_at', 'timestamptz'], ['delivered_at', 'timestamptz'], ['closed_at', 'timestamptz'],
    ['last_event_at', 'timestamptz'],
  ]),
  rowsOf: (view) => [crmOrderRow(view)],
};

function crmOrderRow({ orderKey, state, lastRecordedAt }: OrderView): Record<string, unknown> {
  const v = crmView(state);
  const m = v.milestones;
  return {
    order_key: orderKey, sold_to: v.soldTo, ship_to: v.shipTo, channel: v.channel, channel_order_id: v.channelOrderId,
    customer_po: v.customerPO, erp_order_number: v.erpOrderNumber, currency: v.currency, status: v.status,
    display_status: v.displayStatus, active_holds: v.holds, requested_ship_date: v.dates.requested,
    promised_ship_date: v.dates.promised, expected_ship_date: v.dates.expected,
    last_milestone: v.lastMilestone?.type ?? null, last_milestone_at: v.lastMilestone?.at ?? null,
    ordered_value: v.orderedValue, open_value: v.openValue, line_count: v.lines.length,
    backordered_lines: v.lines.filter((l) => l.quantities.backordered > 0)
      .map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.quantities.backordered, eta: l.backorderEta })),
    shipments: v.shipments, tracking: v.tracking, invoices: v.invoices,
    invoiced_total: v.invoicedTotal, credited_total: v.creditedTotal, open_return_qty: v.openReturnQty,
    open_ra_since: v.openRaSince, open_exceptions: v.openExceptions.length,
    received_at: m.receivedAt, accepted_at: m.acceptedAt, first_shipped_at: m.firstShippedAt,
    delivered_at: m.deliveredAt, closed_at: m.closedAt, last_event_at: lastRecordedAt.toISOString(),
  };
}

/**
 * The account's orders for the CRM, newest first, with their lines. Rows go
 * through jsonb so numeric columns arrive as JSON numbers, not strings.
 */
export function ordersOfAccount(soldTo: string, options: { status?: string }): ListQuery {
  return {
    sql: `SELECT to_jsonb(o) || jsonb_build_object(
                   'staleness_seconds', round(extract(epoch FROM now() - o.last_event_at))::float8,
                   'lines', coalesce((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.line_no) FROM reporting.crm_order_lines l WHERE l.order_key = o.order_key), '[]'::jsonb)
                 ) AS row, o.received_at, o.order_key
            FROM reporting.crm_orders o
           WHERE o.sold_to = $1 AND ($2::text IS NULL OR o.status = $2)`,
    params: [soldTo, options.status ?? null],
    keys: [{ expr: "coalesce(-extract(epoch FROM received_at), 'Infinity'::numeric)", type: 'numeric' }, { expr: 'order_key', type: 'text' }],
  };
}

import type pg from 'pg';
import { activeHolds, displayStatus, orderStatus } from '../../domain/orderStatus.js';
import type { OrderState } from '../../domain/orderState.js';
import { documentIdOf, linesOf, maxDate, minDate, tidy, valueOf } from '../orders/orderFacts.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** `reporting.crm_orders`: the CRM order view of docs/domain.md §5, one row per order. */
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
  const lines = linesOf(state);
  const open = lines.filter((l) => l.buckets.open > 0);
  const openReturnQty = tidy(lines.reduce((sum, l) => sum + Math.max(0, l.buckets.returnAuthorized - l.buckets.returned), 0));
  const milestone = lastMilestone(state);
  const h = state.header;
  return {
    order_key: orderKey, sold_to: h?.soldTo ?? null, ship_to: h?.shipTo ?? null, channel: h?.channel ?? null,
    channel_order_id: h?.channelOrderId ?? null, customer_po: h?.customerPO ?? null,
    erp_order_number: state.decision?.erpOrderNumber ?? null, currency: h?.currency ?? null,
    status: orderStatus(state), display_status: displayStatus(state),
    active_holds: activeHolds(state).map((hold) => ({ id: hold.id, type: hold.type, blocking: hold.blocking, since: hold.appliedAt })),
    requested_ship_date: h?.requestedShipDate ?? null,
    promised_ship_date: minDate(open.map((l) => l.promisedShipDate)),
    expected_ship_date: maxDate(open.map((l) => (l.buckets.backordered > 0 ? l.backorderEta : null) ?? l.promisedShipDate)),
    last_milestone: milestone?.[0] ?? null, last_milestone_at: milestone?.[1] ?? null,
    ordered_value: tidy(lines.reduce((sum, l) => sum + valueOf(l.buckets.net, l), 0)),
    open_value: tidy(lines.reduce((sum, l) => sum + valueOf(l.buckets.open, l), 0)),
    line_count: lines.length,
    backordered_lines: lines.filter((l) => l.buckets.backordered > 0)
      .map((l) => ({ lineNo: l.lineNo, sku: l.sku, qty: l.buckets.backordered, eta: l.backorderEta })),
    ...documentSummaries(state),
    tracking: Object.keys(state.carrier).sort().map((trackingNumber) => {
      const t = state.carrier[trackingNumber]!;
      return { trackingNumber, statusCode: t.lastStatusCode, eta: t.eta, delivered: t.delivered };
    }),
    invoiced_total: state.totals.invoiced, credited_total: state.totals.credited,
    open_return_qty: openReturnQty,
    open_ra_since: openReturnQty > 0 ? minDate(Object.values(state.documents).filter((d) => d.kind === 'ra').map((d) => d.occurredAt)) : null,
    open_exceptions: Object.values(state.exceptions).filter((e) => e.raisedAt !== null && e.resolvedAt === null).length,
    received_at: state.milestones.receivedAt, accepted_at: state.milestones.acceptedAt,
    first_shipped_at: state.milestones.firstShippedAt, delivered_at: state.milestones.deliveredAt,
    closed_at: state.milestones.closedAt, last_event_at: lastRecordedAt.toISOString(),
  };
}

/** The furthest milestone the order reached, and when. */
function lastMilestone(state: OrderState): [string, string] | null {
  const m = state.milestones;
  const ladder: [string, string | null][] = [
    ['CLOSED', m.closedAt], ['DELIVERED', m.deliveredAt], ['SHIPPED', m.firstShippedAt],
    ['REJECTED', m.rejectedAt], ['ACCEPTED', m.acceptedAt], ['RECEIVED', m.receivedAt],
  ];
  const found = ladder.find(([, at]) => at !== null);
  return found ? [found[0], found[1]!] : null;
}

function documentSummaries(state: OrderState): { shipments: unknown[]; invoices: unknown[] } {
  const keys = Object.keys(state.documents).sort();
  const cancelled = new Set(keys.filter((k) => k.startsWith('invoiceCancel|')).map((k) => k.slice('invoiceCancel|'.length)));
  const shipments = keys.filter((k) => k.startsWith('ship|')).map((key) => {
    const doc = state.documents[key]!;
    const entries = Object.values(doc.lines);
    return { shipmentId: documentIdOf(key).docId, shippedAt: entries[0]?.date ?? null, qty: tidy(entries.reduce((s, e) => s + e.qty, 0)) };
  });
  const invoices = keys.filter((k) => k.startsWith('invoice|')).map((key) => ({
    invoiceNumber: documentIdOf(key).docId, total: state.documents[key]!.total, cancelled: cancelled.has(key.slice('invoice|'.length)),
  }));
  return { shipments, invoices };
}

/** The account's orders for the CRM, newest first. */
export async function ordersOfAccount(db: Pick<pg.Pool, 'query'>, soldTo: string, options: { limit: number; status?: string }): Promise<Record<string, unknown>[]> {
  const result = await db.query(
    `SELECT o.*, now() - o.last_event_at AS staleness,
            coalesce((SELECT json_agg(l ORDER BY l.line_no) FROM reporting.crm_order_lines l WHERE l.order_key = o.order_key), '[]') AS lines
       FROM reporting.crm_orders o
      WHERE o.sold_to = $1 AND ($2::text IS NULL OR o.status = $2)
      ORDER BY o.received_at DESC NULLS LAST, o.order_key LIMIT $3`,
    [soldTo, options.status ?? null, options.limit],
  );
  return result.rows;
}

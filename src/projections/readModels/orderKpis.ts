import type { ListQuery } from '../reports/keysetPage.js';
import { linesOf, secondsBetween, utcDate } from '../orders/orderFacts.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/**
 * `reporting.order_kpis`: per-order timings behind the view `kpi_daily`
 * (acceptance latency, order cycle time, duplicate orders; docs/domain.md §4).
 * Orders known only from facts (no OrderReceived yet) have no row.
 */
export const orderKpis: OrderRowModel = {
  table: 'order_kpis',
  columns: columnsOf([
    ['order_key', 'text'], ['day', 'date'], ['sold_to', 'text'], ['customer_po', 'text'], ['channel', 'text'],
    ['received_at', 'timestamptz'], ['accepted_at', 'timestamptz'], ['acceptance_latency_seconds', 'numeric'],
    ['delivered_at', 'timestamptz'], ['cycle_time_seconds', 'numeric'],
  ]),
  rowsOf: ({ orderKey, state }: OrderView) => {
    const { receivedAt, acceptedAt } = state.milestones;
    if (state.header === null || receivedAt === null) return [];
    const measured = linesOf(state).filter((l) => l.buckets.net > 0);
    const fullyDelivered = measured.length > 0 && measured.every((l) => l.buckets.delivered >= l.buckets.net && l.deliveredAt !== null);
    const deliveredAt = fullyDelivered ? state.milestones.deliveredAt : null;
    return [{
      order_key: orderKey, day: utcDate(receivedAt), sold_to: state.header.soldTo, customer_po: state.header.customerPO,
      channel: state.header.channel, received_at: receivedAt, accepted_at: acceptedAt,
      acceptance_latency_seconds: secondsBetween(receivedAt, acceptedAt), delivered_at: deliveredAt,
      cycle_time_seconds: secondsBetween(receivedAt, deliveredAt),
    }];
  },
};

/** Rows of `reporting.kpi_daily` between two days (inclusive). */
export function kpiDaily(from: string, to: string): ListQuery {
  return {
    sql: `SELECT to_char(day, 'YYYY-MM-DD') AS day, orders, round(acceptance_latency_p50_seconds)::float8 AS acceptance_latency_p50_seconds,
            round(acceptance_latency_p95_seconds)::float8 AS acceptance_latency_p95_seconds,
            round(cycle_time_p50_seconds)::float8 AS cycle_time_p50_seconds, round(cycle_time_p90_seconds)::float8 AS cycle_time_p90_seconds,
            duplicate_orders, duplicate_order_rate::float8, exceptions_resolved,
            round(exception_resolution_p50_seconds)::float8 AS exception_resolution_p50_seconds,
            round(exception_resolution_p95_seconds)::float8 AS exception_resolution_p95_seconds
       FROM reporting.kpi_daily WHERE day BETWEEN $1::date AND $2::date`,
    params: [from, to],
    keys: [{ expr: 'day', type: 'text' }],
  };
}

import type { ListQuery } from '../reports/keysetPage.js';
import type { LineState, OrderState } from '../../domain/orderState.js';
import { linesOf, utcDate } from '../orders/orderFacts.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** How fill rate and OTIF are measured (docs/domain.md §4); all are configuration. */
export interface FillRateSettings {
  /** The date a line is committed for: its latest promised ship date, or its requested date. */
  readonly commitDate: 'promised' | 'requested';
  /** A line is in full when delivered >= net × (1 − tolerance). */
  readonly otifTolerance: number;
  /** Without proof of delivery, delivery is estimated as first shipment + this many days. */
  readonly standardTransitDays: number;
}

export const defaultFillRateSettings: FillRateSettings = { commitDate: 'promised', otifTolerance: 0, standardTransitDays: 2 };

const dayMs = 86_400_000;

/**
 * `reporting.fill_rate_lines`: one row per shipped line with net > 0, dated
 * by its first shipment; the view `fill_rate_daily` aggregates LFR, UFR, OFR
 * and OTIF by day, customer, warehouse and channel.
 */
export function fillRateLines(settings: FillRateSettings = defaultFillRateSettings): OrderRowModel {
  return {
    table: 'fill_rate_lines',
    columns: columnsOf([
      ['order_key', 'text'], ['line_no', 'integer'], ['day', 'date'], ['sold_to', 'text'], ['warehouse', 'text'],
      ['channel', 'text'], ['net_qty', 'numeric'], ['first_shipment_qty', 'numeric'], ['filled_first_time', 'boolean'],
      ['delivered_qty', 'numeric'], ['delivered_at', 'timestamptz'], ['commit_date', 'date'], ['otif', 'boolean'],
      ['otif_estimated', 'boolean'],
    ]),
    rowsOf: ({ orderKey, state }: OrderView) => linesOf(state)
      .filter((line) => line.buckets.net > 0 && line.firstShipment !== null)
      .map((line) => fillRateRow(orderKey, state, line, settings)),
  };
}

function fillRateRow(orderKey: string, state: OrderState, line: LineState, settings: FillRateSettings): Record<string, unknown> {
  const first = line.firstShipment!;
  const { net } = line.buckets;
  const estimated = line.deliveredAt === null;
  const deliveredAt = line.deliveredAt ?? new Date(Date.parse(first.at) + settings.standardTransitDays * dayMs).toISOString();
  const deliveredQty = estimated ? line.buckets.shipped : line.buckets.delivered;
  const commitDate = settings.commitDate === 'requested'
    ? line.requestedDate ?? state.header?.requestedDeliveryDate ?? null
    : line.promisedShipDate;
  const inFull = deliveredQty >= net * (1 - settings.otifTolerance);
  return {
    order_key: orderKey, line_no: line.lineNo, day: utcDate(first.at), sold_to: state.header?.soldTo ?? null,
    warehouse: line.shipFrom, channel: state.header?.channel ?? null, net_qty: net, first_shipment_qty: first.qty,
    filled_first_time: first.qty >= net, delivered_qty: deliveredQty, delivered_at: deliveredAt, commit_date: commitDate,
    otif: inFull && commitDate !== null && utcDate(deliveredAt) <= commitDate, otif_estimated: estimated,
  };
}

export interface FillRateQuery {
  readonly from: string;
  readonly to: string;
  readonly soldTo?: string;
  readonly warehouse?: string;
  readonly channel?: string;
}

/** Rows of `reporting.fill_rate_daily` between two days (inclusive), by day and segment. */
export function fillRateDaily(q: FillRateQuery): ListQuery {
  return {
    sql: `SELECT to_char(day, 'YYYY-MM-DD') AS day, sold_to, warehouse, channel, lines, lines_filled,
            line_fill_rate::float8, unit_fill_rate::float8, orders, orders_filled, order_fill_rate::float8,
            line_otif_rate::float8, order_otif_rate::float8, includes_estimates
       FROM reporting.fill_rate_daily
      WHERE day BETWEEN $1::date AND $2::date
        AND ($3::text IS NULL OR sold_to = $3) AND ($4::text IS NULL OR warehouse = $4) AND ($5::text IS NULL OR channel = $5)`,
    params: [q.from, q.to, q.soldTo ?? null, q.warehouse ?? null, q.channel ?? null],
    keys: [{ expr: 'day', type: 'text' }, ...['sold_to', 'warehouse', 'channel'].map((c) => ({ expr: `coalesce(${c}, '')`, type: 'text' as const }))],
  };
}

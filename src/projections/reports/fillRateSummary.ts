import type pg from 'pg';
import { rate } from './rounding.js';
import { summaryParams, type SummaryQuery } from './SummaryQuery.js';

/**
 * The lines a fill-rate figure is measured on: shipped lines with net > 0
 * whose first shipment falls in the period, in the segment. An order counts
 * once however many lines, days or warehouses it has, and is filled (or
 * OTIF) when every one of its selected lines is.
 */
const selectedLines = `
  SELECT * FROM reporting.fill_rate_lines
   WHERE day BETWEEN $1::date AND $2::date
     AND ($3::text IS NULL OR sold_to = $3) AND ($4::text IS NULL OR warehouse = $4) AND ($5::text IS NULL OR channel = $5)`;

const figures = (group: string) => `
  WITH sel AS (${selectedLines}),
  per_order AS (SELECT ${group} order_key, bool_and(filled_first_time) AS filled, bool_and(otif) AS otif FROM sel GROUP BY ${group} order_key),
  lines AS (
    SELECT ${group} count(*)::int AS lines, (count(*) FILTER (WHERE filled_first_time))::int AS lines_filled,
           (count(*) FILTER (WHERE otif))::int AS lines_otif, sum(net_qty)::float8 AS units,
           sum(least(first_shipment_qty, net_qty))::float8 AS units_filled, bool_or(otif_estimated) AS includes_estimates
      FROM sel ${group === '' ? '' : 'GROUP BY day'}),
  orders AS (
    SELECT ${group} count(*)::int AS orders, (count(*) FILTER (WHERE filled))::int AS orders_filled,
           (count(*) FILTER (WHERE otif))::int AS orders_otif
      FROM per_order ${group === '' ? '' : 'GROUP BY day'})`;

interface FigureRow {
  day?: string;
  lines: number | null; lines_filled: number | null; lines_otif: number | null; units: number | null; units_filled: number | null;
  includes_estimates: boolean | null; orders: number | null; orders_filled: number | null; orders_otif: number | null;
}

export interface FillRateFigures {
  readonly lines: number;
  readonly linesFilled: number;
  readonly units: number;
  readonly unitsFilled: number;
  readonly orders: number;
  readonly ordersFilled: number;
  /** LFR: lines filled by their first shipment ÷ lines. */
  readonly lineFillRate: number | null;
  /** UFR: Σ first-shipment quantity (capped at net) ÷ Σ net. */
  readonly unitFillRate: number | null;
  readonly orderFillRate: number | null;
  readonly otif: { readonly lines: number; readonly orders: number; readonly lineRate: number | null; readonly orderRate: number | null; readonly includesEstimates: boolean };
}

function figuresOf(r: FigureRow): FillRateFigures {
  const n = (v: number | null) => v ?? 0;
  return {
    lines: n(r.lines), linesFilled: n(r.lines_filled), units: n(r.units), unitsFilled: n(r.units_filled),
    orders: n(r.orders), ordersFilled: n(r.orders_filled),
    lineFillRate: rate(n(r.lines_filled), n(r.lines)), unitFillRate: rate(n(r.units_filled), n(r.units)),
    orderFillRate: rate(n(r.orders_filled), n(r.orders)),
    otif: {
      lines: n(r.lines_otif), orders: n(r.orders_otif), lineRate: rate(n(r.lines_otif), n(r.lines)),
      orderRate: rate(n(r.orders_otif), n(r.orders)), includesEstimates: r.includes_estimates ?? false,
    },
  };
}

/** Fill rate and OTIF over the whole period, and day by day (days with no shipped line are left out). */
export async function fillRateSummary(db: Pick<pg.Pool, 'query'>, q: SummaryQuery): Promise<FillRateFigures & { daily: (FillRateFigures & { day: string })[] }> {
  const params = summaryParams(q);
  const [total, daily] = await Promise.all([
    db.query<FigureRow>(`${figures('')} SELECT * FROM lines CROSS JOIN orders`, params),
    db.query<FigureRow>(`${figures('day,')} SELECT to_char(day, 'YYYY-MM-DD') AS day, lines.lines, lines_filled, lines_otif, units, units_filled,
        includes_estimates, orders, orders_filled, orders_otif FROM lines JOIN orders USING (day) ORDER BY day`, params),
  ]);
  return { ...figuresOf(total.rows[0]!), daily: daily.rows.map((r) => ({ day: r.day!, ...figuresOf(r) })) };
}

import type pg from 'pg';
import { seconds } from './rounding.js';
import { summaryParams, type SummaryQuery } from './SummaryQuery.js';

export interface OrderTimingFigures {
  /** Distinct orders received in the period (OrderReceived business time). */
  readonly received: number;
  readonly accepted: number;
  /** Of those, orders whose every line with net > 0 is fully delivered. */
  readonly delivered: number;
  readonly acceptanceLatencySeconds: { readonly p50: number | null; readonly p95: number | null };
  readonly cycleTimeSeconds: { readonly p50: number | null; readonly p90: number | null };
}

/**
 * Orders received in the period and their timings (continuous percentiles,
 * as `reporting.kpi_daily`, but over the whole period rather than per day).
 * A warehouse filter keeps the orders with a line shipped from it.
 */
export async function orderTimingSummary(db: Pick<pg.Pool, 'query'>, q: SummaryQuery): Promise<OrderTimingFigures> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS received, count(accepted_at)::int AS accepted, count(cycle_time_seconds)::int AS delivered,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY acceptance_latency_seconds) AS acceptance_p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY acceptance_latency_seconds) AS acceptance_p95,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_seconds) AS cycle_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_time_seconds) AS cycle_p90
       FROM reporting.order_kpis k
      WHERE k.day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR k.sold_to = $3) AND ($5::text IS NULL OR k.channel = $5)
        AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM reporting.crm_order_lines l WHERE l.order_key = k.order_key AND l.ship_from = $4))`,
    summaryParams(q),
  );
  const r = rows[0] as Record<string, number | null>;
  return {
    received: r.received ?? 0, accepted: r.accepted ?? 0, delivered: r.delivered ?? 0,
    acceptanceLatencySeconds: { p50: seconds(r.acceptance_p50), p95: seconds(r.acceptance_p95) },
    cycleTimeSeconds: { p50: seconds(r.cycle_p50), p90: seconds(r.cycle_p90) },
  };
}

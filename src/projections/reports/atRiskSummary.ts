import type pg from 'pg';
import { cents, seconds } from './rounding.js';
import type { SummaryQuery } from './SummaryQuery.js';

/**
 * The segment filter for rows that name an order and maybe a line:
 * customer and channel from the CRM order view, warehouse from the line
 * (any line of the order for order-level rows). `$1`…`$4` = sold-to,
 * warehouse, channel, currency.
 */
const inSegment = (t: string, lineMatch: string) => `
  coalesce(${t}.currency, $4) = $4
  AND ($1::text IS NULL OR ${t}.sold_to = $1)
  AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM reporting.crm_orders o WHERE o.order_key = ${t}.order_key AND o.channel = $3))
  AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM reporting.crm_order_lines l WHERE l.order_key = ${t}.order_key AND l.ship_from = $2 AND (${lineMatch})))`;

const openExceptions = `SELECT e.* FROM reporting.exceptions e WHERE e.status = 'OPEN' AND ${inSegment('e', 'cardinality(e.line_nos) = 0 OR l.line_no = ANY(e.line_nos)')}`;
const breaches = `SELECT b.* FROM reporting.sla_breaches b WHERE ${inSegment('b', 'b.line_no IS NULL OR l.line_no = b.line_no')}`;

export interface AtRiskGroup { readonly code: string; readonly count: number; readonly valueAtRisk: number }
export interface AtRiskFigures {
  readonly count: number;
  readonly valueAtRisk: number;
  /** By exception code or SLA rule, highest value at risk first. */
  readonly byCode: AtRiskGroup[];
  /** The ten with the highest value at risk. */
  readonly top: Record<string, unknown>[];
}

const params = (q: SummaryQuery, currency: string) => [q.soldTo ?? null, q.warehouse ?? null, q.channel ?? null, currency];

async function grouped(db: Pick<pg.Pool, 'query'>, from: string, code: string, value: string, q: SummaryQuery, currency: string): Promise<Omit<AtRiskFigures, 'top'>> {
  const { rows } = await db.query<{ code: string; count: number; value: string }>(
    `SELECT ${code} AS code, count(*)::int AS count, coalesce(sum(${value}), 0)::text AS value FROM (${from}) x GROUP BY 1 ORDER BY sum(${value}) DESC NULLS LAST, 1`,
    params(q, currency),
  );
  const byCode = rows.map((r) => ({ code: r.code, count: r.count, valueAtRisk: cents(r.value) }));
  return {
    count: byCode.reduce((s, g) => s + g.count, 0),
    valueAtRisk: cents(rows.reduce((s, r) => s + Number(r.value), 0)),
    byCode,
  };
}

/** Open exceptions in the segment, by code and value at risk (the order's open value when raised). */
export async function exceptionSummary(db: Pick<pg.Pool, 'query'>, q: SummaryQuery, currency: string): Promise<AtRiskFigures> {
  const [groups, top] = await Promise.all([
    grouped(db, openExceptions, 'code', 'priority', q, currency),
    db.query(`SELECT exception_id, order_key, code, priority::float8 AS value_at_risk, currency, sold_to, line_nos, raised_at
                FROM (${openExceptions}) x ORDER BY priority DESC, raised_at NULLS LAST, exception_id LIMIT 10`, params(q, currency)),
  ]);
  return { ...groups, top: top.rows.map((r) => ({ ...r, value_at_risk: cents(r.value_at_risk as number) })) };
}

/** SLA breaches (stuck orders) as of now in the segment, by rule and value at risk. */
export async function breachSummary(db: Pick<pg.Pool, 'query'>, q: SummaryQuery, currency: string): Promise<AtRiskFigures> {
  const [groups, top] = await Promise.all([
    grouped(db, breaches, 'rule', 'coalesce(value_at_risk, 0)', q, currency),
    db.query(`SELECT rule, order_key, line_no, sold_to, since, extract(epoch FROM age)::float8 AS age_seconds,
                     coalesce(value_at_risk, 0)::float8 AS value_at_risk, currency, detail
                FROM (${breaches}) x ORDER BY value_at_risk DESC NULLS LAST, since, order_key, rule LIMIT 10`, params(q, currency)),
  ]);
  return { ...groups, top: top.rows.map((r) => ({ ...r, value_at_risk: cents(r.value_at_risk as number), age_seconds: seconds(r.age_seconds as number) })) };
}

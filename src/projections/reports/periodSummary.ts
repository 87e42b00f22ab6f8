import type pg from 'pg';
import { backlogAgeBuckets, backlogCells, backlogStages } from '../readModels/backlog.js';
import { breachSummary, exceptionSummary } from './atRiskSummary.js';
import { fillRateSummary } from './fillRateSummary.js';
import { orderTimingSummary } from './orderTimingSummary.js';
import { cents } from './rounding.js';
import type { SummaryQuery } from './SummaryQuery.js';

interface BacklogCell { stage: string; age_bucket: string; currency: string | null; lines: number; open_value: number; past_due_lines: number; past_due_value: number }

/**
 * The headline figures of one period and segment, each computed once from
 * the read models: orders, fill rate and OTIF over the period; backlog,
 * open exceptions and SLA breaches as of now. Money is in `currency`.
 */
export async function periodSummary(db: Pick<pg.Pool, 'query'>, q: SummaryQuery) {
  const currencies = await currenciesOf(db);
  const currency = q.currency ?? currencies[0] ?? 'USD';
  const cells = backlogCells(q);
  const [orders, fillRate, backlogRows, exceptions, slaBreaches] = await Promise.all([
    orderTimingSummary(db, q),
    fillRateSummary(db, q),
    db.query<BacklogCell>(`${cells.sql} ORDER BY stage, age_bucket`, cells.params),
    exceptionSummary(db, q, currency),
    breachSummary(db, q, currency),
  ]);
  const { daily, otif, ...fill } = fillRate;
  return {
    period: { from: q.from, to: q.to },
    filters: { soldTo: q.soldTo ?? null, warehouse: q.warehouse ?? null, channel: q.channel ?? null },
    currency,
    currencies,
    orders: { ...orders, shipped: fill.orders },
    fillRate: fill,
    otif,
    daily: daily.map((d) => ({
      day: d.day, lines: d.lines, orders: d.orders, lineFillRate: d.lineFillRate, unitFillRate: d.unitFillRate,
      orderFillRate: d.orderFillRate, lineOtifRate: d.otif.lineRate, orderOtifRate: d.otif.orderRate,
    })),
    backlog: backlogOf(backlogRows.rows.filter((c) => (c.currency ?? currency) === currency)),
    exceptions,
    slaBreaches,
  };
}

export type PeriodSummary = Awaited<ReturnType<typeof periodSummary>>;

/** Currencies of the orders the ledger knows, most orders first: the first is the default of every money figure. */
export async function currenciesOf(db: Pick<pg.Pool, 'query'>): Promise<string[]> {
  const { rows } = await db.query<{ currency: string }>(
    'SELECT currency FROM reporting.crm_orders WHERE currency IS NOT NULL GROUP BY currency ORDER BY count(*) DESC, currency',
  );
  return rows.map((r) => r.currency);
}

function backlogOf(cells: readonly BacklogCell[]) {
  const total = (list: readonly BacklogCell[]) => ({
    lines: list.reduce((s, c) => s + c.lines, 0),
    openValue: cents(list.reduce((s, c) => s + c.open_value, 0)),
    pastDueLines: list.reduce((s, c) => s + c.past_due_lines, 0),
    pastDueValue: cents(list.reduce((s, c) => s + c.past_due_value, 0)),
  });
  return {
    ...total(cells),
    byStage: backlogStages.map((stage) => ({ stage, ...total(cells.filter((c) => c.stage === stage)) })),
    byAge: backlogAgeBuckets.map((ageBucket) => ({ ageBucket, ...total(cells.filter((c) => c.age_bucket === ageBucket)) })),
    cells: cells.map((c) => ({ stage: c.stage, ageBucket: c.age_bucket, lines: c.lines, openValue: c.open_value, pastDueLines: c.past_due_lines, pastDueValue: c.past_due_value })),
  };
}

import type pg from 'pg';
import type { LineState, OrderState } from '../../domain/orderState.js';
import { blockingHoldsOn, orderStatus, terminalOrderStatuses } from '../../domain/orderStatus.js';
import { lineOpenValue } from '../../domain/orderValue.js';
import { linesOf } from '../orders/orderFacts.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

export const backlogStages = ['ON_HOLD', 'OPEN', 'BACKORDERED', 'ALLOCATED', 'RELEASED'] as const;
export type BacklogStage = (typeof backlogStages)[number];

/**
 * `reporting.backlog` (docs/domain.md §4): lines with open > 0 on orders that are
 * not REJECTED, CANCELLED or CLOSED. Age buckets and past due depend on the
 * reader's "now", so the view `backlog_summary` computes them at query time.
 */
export const backlog: OrderRowModel = {
  table: 'backlog',
  columns: columnsOf([
    ['order_key', 'text'], ['line_no', 'integer'], ['sold_to', 'text'], ['channel', 'text'], ['warehouse', 'text'],
    ['sku', 'text'], ['stage', 'text'], ['open_qty', 'numeric'], ['open_value', 'numeric'], ['currency', 'text'],
    ['accepted_at', 'timestamptz'], ['received_at', 'timestamptz'], ['promised_ship_date', 'date'],
  ]),
  rowsOf: ({ orderKey, state }: OrderView) => {
    if (terminalOrderStatuses.includes(orderStatus(state))) return [];
    return linesOf(state).filter((line) => line.buckets.open > 0).map((line) => ({
      order_key: orderKey, line_no: line.lineNo, sold_to: state.header?.soldTo ?? null, channel: state.header?.channel ?? null,
      warehouse: line.shipFrom, sku: line.sku, stage: backlogStage(state, line), open_qty: line.buckets.open,
      open_value: lineOpenValue(state, line), currency: state.header?.currency ?? null,
      accepted_at: state.milestones.acceptedAt, received_at: state.milestones.receivedAt,
      promised_ship_date: line.promisedShipDate,
    }));
  },
};

/** The furthest backlog stage the line's open quantity has reached; a blocking hold overrides. */
export function backlogStage(state: OrderState, line: LineState): BacklogStage {
  const { allocated, open, backordered } = line.buckets;
  if (blockingHoldsOn(state, line.lineNo).length > 0) return 'ON_HOLD';
  if (allocated > 0 && line.released) return 'RELEASED';
  if (allocated >= open) return 'ALLOCATED';
  if (backordered > 0) return 'BACKORDERED';
  return allocated > 0 ? 'ALLOCATED' : 'OPEN';
}

export interface BacklogFilter {
  readonly soldTo?: string;
  readonly warehouse?: string;
  readonly channel?: string;
}

/**
 * Backlog by stage, age bucket and currency as of now, with value and past
 * due: a SELECT (and its parameters) to run as is or to page through.
 * Age is counted from acceptance (from receipt while not accepted yet).
 */
export function backlogCells(filter: BacklogFilter): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT stage, age_bucket, currency, count(*)::int AS lines, sum(open_qty)::float8 AS open_qty,
            round(sum(open_value), 2)::float8 AS open_value,
            (count(*) FILTER (WHERE past_due))::int AS past_due_lines,
            round(coalesce(sum(open_value) FILTER (WHERE past_due), 0), 2)::float8 AS past_due_value
       FROM (SELECT b.*, b.promised_ship_date < current_date AS past_due,
                    CASE WHEN age <= interval '2 days' THEN '0-2' WHEN age <= interval '7 days' THEN '3-7'
                         WHEN age <= interval '14 days' THEN '8-14' WHEN age <= interval '30 days' THEN '15-30'
                         ELSE '>30' END AS age_bucket
               FROM (SELECT *, now() - coalesce(accepted_at, received_at) AS age FROM reporting.backlog) b
              WHERE ($1::text IS NULL OR sold_to = $1) AND ($2::text IS NULL OR warehouse = $2) AND ($3::text IS NULL OR channel = $3)) x
      GROUP BY stage, age_bucket, currency`,
    params: [filter.soldTo ?? null, filter.warehouse ?? null, filter.channel ?? null],
  };
}

/** The age buckets in reading order (the SQL above names them). */
export const backlogAgeBuckets = ['0-2', '3-7', '8-14', '15-30', '>30'] as const;

/** Every backlog cell, ordered by stage, age bucket and currency. */
export async function backlogSummary(db: Pick<pg.Pool, 'query'>, filter: BacklogFilter): Promise<Record<string, unknown>[]> {
  const { sql, params } = backlogCells(filter);
  return (await db.query(`${sql} ORDER BY stage, age_bucket, currency`, params)).rows;
}

import type { ListQuery } from '../reports/keysetPage.js';
import { columnsOf, type OrderRowModel, type OrderView } from '../orders/OrderView.js';

/** `reporting.exceptions`: exceptions raised and resolved on each order, priority = value at risk. */
export const exceptions: OrderRowModel = {
  table: 'exceptions',
  columns: columnsOf([
    ['exception_id', 'uuid'], ['order_key', 'text'], ['code', 'text'], ['priority', 'numeric'], ['currency', 'text'],
    ['sold_to', 'text'], ['line_nos', 'integer[]'], ['event_id', 'uuid'], ['raised_at', 'timestamptz'],
    ['resolved_at', 'timestamptz'], ['status', 'text'],
  ]),
  rowsOf: ({ orderKey, state }: OrderView) => Object.values(state.exceptions)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((e) => ({
      exception_id: e.id, order_key: orderKey, code: e.code, priority: e.priority, currency: state.header?.currency ?? null,
      sold_to: state.header?.soldTo ?? null, line_nos: [...e.lineNos], event_id: e.eventId, raised_at: e.raisedAt,
      resolved_at: e.resolvedAt, status: e.resolvedAt === null ? 'OPEN' : 'RESOLVED',
    })),
};

export interface ExceptionQuery {
  readonly status?: 'OPEN' | 'RESOLVED';
  readonly code?: string;
  readonly orderKey?: string;
}

/** The exception queue, highest value at risk first. */
export function exceptionQueue(q: ExceptionQuery): ListQuery {
  return {
    sql: `SELECT exception_id, order_key, code, priority::float8 AS value_at_risk, currency, sold_to, line_nos, event_id, raised_at, resolved_at, status
            FROM reporting.exceptions
           WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR code = $2) AND ($3::text IS NULL OR order_key = $3)`,
    params: [q.status ?? null, q.code ?? null, q.orderKey ?? null],
    keys: [{ expr: '-value_at_risk', type: 'numeric' }, { expr: "coalesce(raised_at, 'infinity')", type: 'timestamptz' }, { expr: 'exception_id', type: 'uuid' }, { expr: 'order_key', type: 'text' }],
  };
}

/** Stuck orders from `reporting.sla_breaches` as of now, highest value at risk first. */
export function slaBreaches(q: { orderKey?: string; rule?: string }): ListQuery {
  return {
    sql: `SELECT rule, order_key, line_no, sold_to, since, breached_at, round(extract(epoch FROM age))::float8 AS age_seconds,
                 coalesce(value_at_risk, 0)::float8 AS value_at_risk, currency, detail
            FROM reporting.sla_breaches WHERE ($1::text IS NULL OR order_key = $1) AND ($2::text IS NULL OR rule = $2)`,
    params: [q.orderKey ?? null, q.rule ?? null],
    keys: [{ expr: '-value_at_risk', type: 'numeric' }, { expr: 'since', type: 'timestamptz' }, { expr: 'order_key', type: 'text' }, { expr: 'rule', type: 'text' }, { expr: 'coalesce(line_no, 0)', type: 'integer' }],
  };
}

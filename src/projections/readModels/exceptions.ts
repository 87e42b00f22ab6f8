import type pg from 'pg';
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
  readonly limit: number;
}

/** The exception queue, highest value at risk first, with the open SLA breaches when asked for open ones. */
export async function exceptionQueue(db: Pick<pg.Pool, 'query'>, q: ExceptionQuery): Promise<Record<string, unknown>[]> {
  const result = await db.query(
    `SELECT exception_id, order_key, code, priority::float8, currency, sold_to, line_nos, event_id, raised_at, resolved_at, status
       FROM reporting.exceptions
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR code = $2)
      ORDER BY priority DESC, raised_at NULLS LAST, exception_id LIMIT $3`,
    [q.status ?? null, q.code ?? null, q.limit],
  );
  return result.rows;
}

/** Stuck orders from `reporting.sla_breaches`, highest value at risk first. */
export async function slaBreaches(db: Pick<pg.Pool, 'query'>, limit: number): Promise<Record<string, unknown>[]> {
  const result = await db.query(
    `SELECT rule, order_key, line_no, sold_to, since, breached_at, extract(epoch FROM age)::float8 AS age_seconds,
            value_at_risk::float8, currency, detail
       FROM reporting.sla_breaches ORDER BY value_at_risk DESC NULLS LAST, since LIMIT $1`,
    [limit],
  );
  return result.rows;
}

import type pg from 'pg';
import { keysetPage, type Page, type PageRequest } from '../projections/reports/keysetPage.js';
import type { DriftKind } from './compareSnapshot.js';

/** A stored reconciliation as its list shows it: the figures, not the malformed rows. */
export interface ListedReconciliation {
  readonly id: string;
  readonly system: string;
  readonly format: 'csv' | 'jsonl';
  readonly actor: string;
  readonly createdAt: string;
  readonly durationMs: number;
  readonly rowsRead: number;
  readonly malformedRows: number;
  readonly snapshotOrders: number;
  readonly ledgerOrders: number;
  readonly driftedOrders: number;
  readonly drift: Record<DriftKind, number>;
}

/** A stored reconciliation, as the API answers it alone. */
export interface ReconciliationSummary extends ListedReconciliation {
  /** The first malformed rows by line (all of them are in `reconciliation_malformed`). */
  readonly malformed: { line: number; field: string; reason: string }[];
}

/** How many malformed rows a summary lists. */
export const malformedListed = 100;

const summaryColumns = `id::text, system, format, actor, created_at, duration_ms, rows_read, malformed_rows, snapshot_orders, ledger_orders, drifted_orders, drift_counts`;

interface SummaryRow {
  id: string; system: string; format: 'csv' | 'jsonl'; actor: string; created_at: Date; duration_ms: number; rows_read: number;
  malformed_rows: number; snapshot_orders: number; ledger_orders: number; drifted_orders: number; drift_counts: Record<DriftKind, number>;
}

function listedOf(row: SummaryRow): ListedReconciliation {
  return {
    id: row.id, system: row.system, format: row.format, actor: row.actor, createdAt: row.created_at.toISOString(), durationMs: row.duration_ms,
    rowsRead: row.rows_read, malformedRows: row.malformed_rows, snapshotOrders: row.snapshot_orders, ledgerOrders: row.ledger_orders,
    driftedOrders: row.drifted_orders, drift: row.drift_counts,
  };
}

/** One reconciliation with its first malformed rows; undefined when there is none with that id. */
export async function reconciliationSummary(db: Pick<pg.Pool, 'query'>, id: string): Promise<ReconciliationSummary | undefined> {
  const { rows: [row] } = await db.query<SummaryRow>(`SELECT ${summaryColumns} FROM reporting.reconciliations WHERE id = $1`, [id]);
  if (!row) return undefined;
  const { rows: malformed } = await db.query<{ line: number; field: string; reason: string }>(
    `SELECT line, field, reason FROM reporting.reconciliation_malformed WHERE reconciliation_id = $1 ORDER BY line, field LIMIT ${malformedListed}`, [id]);
  return { ...listedOf(row), malformed };
}

/** Reconciliations, newest first (of one system, with `system`); each one's malformed rows are in its own answer. */
export async function listReconciliations(db: Pick<pg.Pool, 'query'>, query: PageRequest & { system?: string | undefined }): Promise<Page<ListedReconciliation>> {
  const page = await keysetPage(db, {
    sql: `SELECT ${summaryColumns} FROM reporting.reconciliations WHERE $1::text IS NULL OR system = $1`,
    params: [query.system ?? null],
    keys: [{ expr: '-(id::bigint)', type: 'numeric' }],
  }, query);
  return { items: page.items.map((row) => listedOf(row as unknown as SummaryRow)), nextCursor: page.nextCursor };
}

/** The drift rows of one reconciliation (of one kind, with `kind`), in report order. */
export function driftPage(db: Pick<pg.Pool, 'query'>, id: string, query: PageRequest & { kind?: DriftKind | undefined }): Promise<Page<Record<string, unknown>>> {
  return keysetPage(db, {
    sql: `SELECT seq, kind, order_ref, order_key, line_no, field, ledger_value, snapshot_value, snapshot_line, ledger_revision::float8 AS ledger_revision, evidence
            FROM reporting.reconciliation_drift WHERE reconciliation_id = $1 AND ($2::text IS NULL OR kind = $2)`,
    params: [id, query.kind ?? null],
    keys: [{ expr: 'seq', type: 'integer' }],
  }, query);
}

/** The ledger's orders a reconciliation found drifted (those the ledger does not know cannot be re-sent). */
export async function driftedOrderKeys(db: Pick<pg.Pool, 'query'>, id: string): Promise<string[]> {
  const { rows } = await db.query<{ order_key: string }>(
    'SELECT DISTINCT order_key FROM reporting.reconciliation_drift WHERE reconciliation_id = $1 AND order_key IS NOT NULL ORDER BY order_key', [id]);
  return rows.map((r) => r.order_key);
}

import type pg from 'pg';
import type { RowProblem, SnapshotRow } from './snapshotRows.js';

/** Rows sent to PostgreSQL at once: memory stays at one batch whatever the file's size. */
export const stageBatchSize = 5000;

/** The session's staging table: dropped with the transaction that compares it. */
export async function createStagingTable(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE TEMP TABLE reconcile_rows (
    src_line integer NOT NULL, ref text NOT NULL, order_key text, alias_kind text, alias_value text, status text,
    line_no integer, ordered numeric, shipped numeric, invoiced numeric, ordered_value numeric, invoiced_total numeric
  ) ON COMMIT DROP`);
}

/** Buffers rows and problems and writes each batch with one INSERT … unnest. */
export class Stager {
  private rows: SnapshotRow[] = [];
  private problems: RowProblem[] = [];
  constructor(private readonly client: pg.ClientBase, private readonly reconciliationId: string) {}

  async addRow(row: SnapshotRow): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= stageBatchSize) await this.flushRows();
  }

  async addProblems(problems: readonly RowProblem[]): Promise<void> {
    this.problems.push(...problems);
    if (this.problems.length >= stageBatchSize) await this.flushProblems();
  }

  async flush(): Promise<void> {
    await this.flushRows();
    await this.flushProblems();
  }

  private async flushRows(): Promise<void> {
    const rows = this.rows;
    if (rows.length === 0) return;
    this.rows = [];
    await this.client.query(
      `INSERT INTO reconcile_rows SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::int[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[])`,
      [
        rows.map((r) => r.line), rows.map((r) => r.ref), rows.map((r) => r.orderKey), rows.map((r) => r.alias?.kind ?? null),
        rows.map((r) => r.alias?.value ?? null), rows.map((r) => r.status), rows.map((r) => r.lineNo), rows.map((r) => r.ordered),
        rows.map((r) => r.shipped), rows.map((r) => r.invoiced), rows.map((r) => r.orderedValue), rows.map((r) => r.invoicedTotal),
      ],
    );
  }

  private async flushProblems(): Promise<void> {
    const problems = this.problems;
    if (problems.length === 0) return;
    this.problems = [];
    await this.client.query(
      `INSERT INTO reporting.reconciliation_malformed (reconciliation_id, line, field, reason)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [this.reconciliationId, problems.map((p) => p.line), problems.map((p) => p.field), problems.map((p) => p.reason)],
    );
  }
}

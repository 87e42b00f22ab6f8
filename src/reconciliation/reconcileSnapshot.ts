import type pg from 'pg';
import { compareStaged, countComparison } from './compareSnapshot.js';
import { reconciliationSummary, type ReconciliationSummary } from './reconciliationReports.js';
import { readSnapshot, type SnapshotFormat } from './snapshotRows.js';
import { createStagingTable, Stager } from './stageRows.js';

/** The most rows one snapshot may have; past it the request is refused and nothing is kept. */
export const maxSnapshotRows = 5_000_000;

export class SnapshotTooLarge extends Error {}

export interface ReconcileRequest {
  readonly system: string;
  readonly format: SnapshotFormat;
  readonly actor: string;
  readonly body: AsyncIterable<Buffer | string>;
  /** Called now and then with the rows read so far. */
  readonly onProgress?: (rowsRead: number) => void;
}

/**
 * Reads a system's snapshot as it streams in, stages it in a temporary
 * table in batches, compares it with the read models in SQL and stores the
 * report, all in one REPEATABLE READ transaction: the comparison sees one
 * state of the read models, and a failure keeps nothing. Memory holds one
 * batch of rows, whatever the file's size.
 */
export async function reconcileSnapshot(pool: pg.Pool, request: ReconcileRequest): Promise<ReconciliationSummary> {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const { rows: [created] } = await client.query<{ id: string }>(
      `INSERT INTO reporting.reconciliations (system, format, actor, duration_ms, rows_read, malformed_rows, snapshot_orders, ledger_orders, drifted_orders, drift_counts)
       VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, '{}') RETURNING id::text`,
      [request.system, request.format, request.actor],
    );
    const id = created!.id;
    await createStagingTable(client);
    const stager = new Stager(client, id);
    let rowsRead = 0;
    for await (const read of readSnapshot(request.body, request.format)) {
      if (++rowsRead > maxSnapshotRows) throw new SnapshotTooLarge(`a snapshot may have at most ${maxSnapshotRows.toLocaleString('en-US')} rows`);
      if ('row' in read) await stager.addRow(read.row);
      else await stager.addProblems(read.problems);
      if (rowsRead % 10_000 === 0) request.onProgress?.(rowsRead);
    }
    await stager.flush();
    await compareStaged(client, id);
    const counts = await countComparison(client, id);
    await client.query(
      `UPDATE reporting.reconciliations SET created_at = now(), duration_ms = $2, rows_read = $3, malformed_rows = $4,
              snapshot_orders = $5, ledger_orders = $6, drifted_orders = $7, drift_counts = $8 WHERE id = $1`,
      [id, Math.round(performance.now() - started), rowsRead, counts.malformed, counts.snapshotOrders, counts.ledgerOrders, counts.driftedOrders, counts.drift],
    );
    const summary = await reconciliationSummary(client, id);
    await client.query('COMMIT');
    return summary!;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

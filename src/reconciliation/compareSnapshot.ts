import type pg from 'pg';
import { ordersProjectionSkips } from '../projections/orders/ordersProjection.js';

/** The kinds of drift a reconciliation reports, in the order the summary lists them. */
export const driftKinds = ['missing_downstream', 'missing_in_ledger', 'status_mismatch', 'quantity_mismatch', 'value_mismatch'] as const;
export type DriftKind = (typeof driftKinds)[number];

/**
 * Compares the staged rows with the CRM view's read models, set-based and
 * in PostgreSQL (`crm_orders`, `crm_order_lines`: the figures `crmView`
 * computed, so no status or value rule is restated here), and writes the
 * drift rows of reconciliation `id`. Runs in the caller's transaction.
 */
export async function compareStaged(client: pg.ClientBase, id: string): Promise<void> {
  // Aliases resolve as the write side resolves them: the first order to take one keeps it.
  await client.query(`UPDATE reconcile_rows r SET order_key = a.order_key FROM ledger.order_aliases a
                       WHERE r.order_key IS NULL AND a.kind = r.alias_kind AND a.value = r.alias_value`);
  // A second row for the same order and line (or a second order-level row) is left out, naming the first.
  await client.query(
    `WITH ranked AS (
       SELECT ctid AS row_id, src_line, first_value(src_line) OVER w AS first_line, row_number() OVER w AS n
         FROM reconcile_rows WINDOW w AS (PARTITION BY coalesce(order_key, ref), line_no ORDER BY src_line)
     ), dropped AS (
       DELETE FROM reconcile_rows r USING ranked d WHERE r.ctid = d.row_id AND d.n > 1 RETURNING d.src_line, d.first_line
     )
     INSERT INTO reporting.reconciliation_malformed (reconciliation_id, line, field, reason)
     SELECT $1, src_line, 'line', format('the same order and line as line %s', first_line) FROM dropped ON CONFLICT DO NOTHING`,
    [id],
  );
  await client.query('ANALYZE reconcile_rows');
  // Order-level figures: the first row of the order that gives each.
  await client.query(`CREATE TEMP TABLE reconcile_orders ON COMMIT DROP AS
    SELECT coalesce(order_key, ref) AS grp, min(order_key) AS order_key, (array_agg(ref ORDER BY src_line))[1] AS ref,
           min(src_line) AS first_line, bool_or(line_no IS NOT NULL) AS has_lines,
           (array_agg(status ORDER BY src_line) FILTER (WHERE status IS NOT NULL))[1] AS status,
           (array_agg(src_line ORDER BY src_line) FILTER (WHERE status IS NOT NULL))[1] AS status_line,
           (array_agg(ordered_value ORDER BY src_line) FILTER (WHERE ordered_value IS NOT NULL))[1] AS ordered_value,
           (array_agg(src_line ORDER BY src_line) FILTER (WHERE ordered_value IS NOT NULL))[1] AS ordered_value_line,
           (array_agg(invoiced_total ORDER BY src_line) FILTER (WHERE invoiced_total IS NOT NULL))[1] AS invoiced_total,
           (array_agg(src_line ORDER BY src_line) FILTER (WHERE invoiced_total IS NOT NULL))[1] AS invoiced_total_line
      FROM reconcile_rows GROUP BY 1`);
  await client.query('ANALYZE reconcile_orders');
  await client.query(
    `INSERT INTO reporting.reconciliation_drift
       (reconciliation_id, seq, kind, order_ref, order_key, line_no, field, ledger_value, snapshot_value, snapshot_line)
     SELECT $1, row_number() OVER (ORDER BY d.order_ref, d.kind, d.line_no NULLS FIRST, d.field NULLS FIRST), d.*
       FROM (
         SELECT 'missing_in_ledger' AS kind, s.ref AS order_ref, NULL::text AS order_key, NULL::integer AS line_no, NULL::text AS field,
                NULL::text AS ledger_value, NULL::text AS snapshot_value, s.first_line AS snapshot_line
           FROM reconcile_orders s WHERE NOT EXISTS (SELECT 1 FROM reporting.crm_orders o WHERE o.order_key = s.order_key)
         UNION ALL
         SELECT 'missing_downstream', o.order_key, o.order_key, NULL, NULL, NULL, NULL, NULL
           FROM reporting.crm_orders o WHERE NOT EXISTS (SELECT 1 FROM reconcile_orders s WHERE s.order_key = o.order_key)
         UNION ALL
         SELECT 'status_mismatch', s.ref, o.order_key, NULL, 'status', o.status, s.status, s.status_line
           FROM reconcile_orders s JOIN reporting.crm_orders o ON o.order_key = s.order_key
          WHERE s.status IS NOT NULL AND s.status <> o.status
         UNION ALL
         SELECT 'value_mismatch', s.ref, o.order_key, NULL, v.field, trim_scale(v.ledger)::text, trim_scale(v.snap)::text, v.line
           FROM reconcile_orders s JOIN reporting.crm_orders o ON o.order_key = s.order_key
          CROSS JOIN LATERAL (VALUES ('ordered_value', round(o.ordered_value, 2), s.ordered_value, s.ordered_value_line),
                                     ('invoiced_total', round(o.invoiced_total, 2), s.invoiced_total, s.invoiced_total_line)) v(field, ledger, snap, line)
          WHERE v.snap IS NOT NULL AND round(v.snap, 2) <> v.ledger
         UNION ALL
         -- A line the ledger lacks is reported on its ordered quantity, with no ledger figure.
         SELECT 'quantity_mismatch', r.ref, o.order_key, r.line_no, q.field, trim_scale(q.ledger)::text, trim_scale(q.snap)::text, r.src_line
           FROM reconcile_rows r JOIN reporting.crm_orders o ON o.order_key = r.order_key
           LEFT JOIN reporting.crm_order_lines l ON l.order_key = r.order_key AND l.line_no = r.line_no
          CROSS JOIN LATERAL (VALUES ('ordered', l.ordered, r.ordered), ('shipped', l.shipped, r.shipped), ('invoiced', l.invoiced, r.invoiced)) q(field, ledger, snap)
          WHERE r.line_no IS NOT NULL
            AND (l.line_no IS NULL AND q.field = 'ordered' OR l.line_no IS NOT NULL AND q.snap IS NOT NULL AND q.snap <> q.ledger)
         UNION ALL
         -- A line the snapshot lacks, of an order it gives lines for: reported on its ordered quantity, with no snapshot figure.
         SELECT 'quantity_mismatch', s.ref, l.order_key, l.line_no, 'ordered', trim_scale(l.ordered)::text, NULL, NULL
           FROM reconcile_orders s JOIN reporting.crm_order_lines l ON l.order_key = s.order_key
          WHERE s.has_lines AND NOT EXISTS (SELECT 1 FROM reconcile_rows r WHERE r.order_key = s.order_key AND r.line_no = l.line_no)
       ) d`,
    [id],
  );
  // The ledger's evidence: the events each drifted order's figures are folded from (not those the fold skips), as the audit trail lists them.
  await client.query(
    `WITH drifted AS (SELECT DISTINCT order_key FROM reporting.reconciliation_drift WHERE reconciliation_id = $1 AND order_key IS NOT NULL),
     evidence AS (
       SELECT t.order_key, max(t.stream_version) AS revision,
              jsonb_agg(jsonb_build_object('revision', t.stream_version, 'eventId', t.event_id, 'type', t.event_type, 'recordedAt', t.recorded_at)
                        ORDER BY t.stream_version) AS events
         FROM reporting.audit_trail t JOIN drifted USING (order_key) WHERE NOT (t.event_type = ANY ($2::text[])) GROUP BY t.order_key
     )
     UPDATE reporting.reconciliation_drift d SET ledger_revision = e.revision, evidence = e.events
       FROM evidence e WHERE d.reconciliation_id = $1 AND d.order_key = e.order_key`,
    [id, ordersProjectionSkips],
  );
}

export interface ComparisonCounts {
  readonly snapshotOrders: number;
  readonly ledgerOrders: number;
  readonly driftedOrders: number;
  readonly drift: Record<DriftKind, number>;
  readonly malformed: number;
}

/** What the comparison of reconciliation `id` found, counted. */
export async function countComparison(client: pg.ClientBase, id: string): Promise<ComparisonCounts> {
  const { rows: [totals] } = await client.query<{ snapshot_orders: number; ledger_orders: number; drifted_orders: number; malformed: number }>(
    `SELECT (SELECT count(*) FROM reconcile_orders)::int AS snapshot_orders, (SELECT count(*) FROM reporting.crm_orders)::int AS ledger_orders,
            (SELECT count(DISTINCT coalesce(order_key, order_ref)) FROM reporting.reconciliation_drift WHERE reconciliation_id = $1)::int AS drifted_orders,
            (SELECT count(DISTINCT line) FROM reporting.reconciliation_malformed WHERE reconciliation_id = $1)::int AS malformed`,
    [id],
  );
  const { rows } = await client.query<{ kind: DriftKind; n: number }>(
    'SELECT kind, count(*)::int AS n FROM reporting.reconciliation_drift WHERE reconciliation_id = $1 GROUP BY kind', [id]);
  const drift = Object.fromEntries(driftKinds.map((k) => [k, rows.find((r) => r.kind === k)?.n ?? 0])) as Record<DriftKind, number>;
  return { snapshotOrders: totals!.snapshot_orders, ledgerOrders: totals!.ledger_orders, driftedOrders: totals!.drifted_orders, drift, malformed: totals!.malformed };
}

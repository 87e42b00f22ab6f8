-- Up Migration
-- Reconciliation: a downstream or source system sends its own view of the
-- orders, and the ledger stores what differs from its read models. These
-- tables record what a system said; they are not projections of the log (a
-- rebuild leaves them alone).
CREATE TABLE reporting.reconciliations (
  id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  system            text        NOT NULL,
  format            text        NOT NULL CHECK (format IN ('csv', 'jsonl')),
  actor             text        NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  duration_ms       integer     NOT NULL,
  rows_read         integer     NOT NULL,
  malformed_rows    integer     NOT NULL,
  snapshot_orders   integer     NOT NULL,
  ledger_orders     integer     NOT NULL,
  drifted_orders    integer     NOT NULL,
  drift_counts      jsonb       NOT NULL
);
CREATE INDEX reconciliations_system ON reporting.reconciliations (system, id);
ALTER TABLE reporting.reconciliations OWNER TO ledger_writer;

COMMENT ON TABLE reporting.reconciliations IS 'One row per snapshot a system sent to POST /v1/reconciliations: what was read and how much drift it showed against crm_orders and crm_order_lines.';
COMMENT ON COLUMN reporting.reconciliations.id IS 'The report id (GET /v1/reconciliations/{id}).';
COMMENT ON COLUMN reporting.reconciliations.system IS 'The system whose view this is, as the sender named it (the integrator of that name re-sends drifted orders).';
COMMENT ON COLUMN reporting.reconciliations.format IS 'csv or jsonl (JSON lines).';
COMMENT ON COLUMN reporting.reconciliations.actor IS 'The API key that sent it, SYSTEM:keyId.';
COMMENT ON COLUMN reporting.reconciliations.created_at IS 'When the comparison finished (wall clock).';
COMMENT ON COLUMN reporting.reconciliations.duration_ms IS 'How long reading and comparing took, in ms.';
COMMENT ON COLUMN reporting.reconciliations.rows_read IS 'Data rows in the file (CSV header and blank lines not counted).';
COMMENT ON COLUMN reporting.reconciliations.malformed_rows IS 'Rows left out of the comparison (reconciliation_malformed).';
COMMENT ON COLUMN reporting.reconciliations.snapshot_orders IS 'Distinct orders the well-formed rows name.';
COMMENT ON COLUMN reporting.reconciliations.ledger_orders IS 'Orders in crm_orders when compared.';
COMMENT ON COLUMN reporting.reconciliations.drifted_orders IS 'Distinct orders with at least one drift row.';
COMMENT ON COLUMN reporting.reconciliations.drift_counts IS 'Drift rows by kind: {"missing_downstream": n, "missing_in_ledger": n, "status_mismatch": n, "quantity_mismatch": n, "value_mismatch": n}.';

CREATE TABLE reporting.reconciliation_drift (
  reconciliation_id bigint  NOT NULL REFERENCES reporting.reconciliations (id) ON DELETE CASCADE,
  seq               integer NOT NULL,
  kind              text    NOT NULL CHECK (kind IN ('missing_downstream', 'missing_in_ledger', 'status_mismatch', 'quantity_mismatch', 'value_mismatch')),
  order_ref         text    NOT NULL,
  order_key         text,
  line_no           integer,
  field             text,
  ledger_value      text,
  snapshot_value    text,
  snapshot_line     integer,
  ledger_revision   bigint,
  evidence          jsonb,
  PRIMARY KEY (reconciliation_id, seq)
);
ALTER TABLE reporting.reconciliation_drift OWNER TO ledger_writer;

COMMENT ON TABLE reporting.reconciliation_drift IS 'What one reconciliation found to differ, one row per order (missing either side), order field (status, value) or line quantity.';
COMMENT ON COLUMN reporting.reconciliation_drift.reconciliation_id IS 'The report (reconciliations.id).';
COMMENT ON COLUMN reporting.reconciliation_drift.seq IS 'Row number within the report, in order of order_ref, kind, line_no, field.';
COMMENT ON COLUMN reporting.reconciliation_drift.kind IS 'missing_downstream (the ledger has the order, the snapshot lacks it), missing_in_ledger, status_mismatch, quantity_mismatch, value_mismatch.';
COMMENT ON COLUMN reporting.reconciliation_drift.order_ref IS 'The order as the snapshot named it (key, erp:… or po:…), or the ledger''s key when the snapshot lacks it.';
COMMENT ON COLUMN reporting.reconciliation_drift.order_key IS 'The ledger''s order key; NULL when no order is known by order_ref.';
COMMENT ON COLUMN reporting.reconciliation_drift.line_no IS 'The line of a quantity mismatch.';
COMMENT ON COLUMN reporting.reconciliation_drift.field IS 'What differs: status, ordered_value, invoiced_total, or the quantity ordered, shipped or invoiced.';
COMMENT ON COLUMN reporting.reconciliation_drift.ledger_value IS 'The ledger''s figure (crm_orders / crm_order_lines), as text; NULL when the ledger lacks it.';
COMMENT ON COLUMN reporting.reconciliation_drift.snapshot_value IS 'The snapshot''s figure, as text; NULL when the snapshot lacks it.';
COMMENT ON COLUMN reporting.reconciliation_drift.snapshot_line IS 'The line of the file the figure came from (1 = the first line, a CSV header included).';
COMMENT ON COLUMN reporting.reconciliation_drift.ledger_revision IS 'The order''s last revision in audit_trail when compared.';
COMMENT ON COLUMN reporting.reconciliation_drift.evidence IS 'The events the ledger''s figure is folded from: [{revision, eventId, type, recordedAt}] of the order, from audit_trail.';

CREATE TABLE reporting.reconciliation_malformed (
  reconciliation_id bigint  NOT NULL REFERENCES reporting.reconciliations (id) ON DELETE CASCADE,
  line              integer NOT NULL,
  field             text    NOT NULL,
  reason            text    NOT NULL,
  PRIMARY KEY (reconciliation_id, line, field)
);
ALTER TABLE reporting.reconciliation_malformed OWNER TO ledger_writer;

COMMENT ON TABLE reporting.reconciliation_malformed IS 'Rows of a snapshot left out of its comparison, by line of the file, with the field and why.';
COMMENT ON COLUMN reporting.reconciliation_malformed.reconciliation_id IS 'The report (reconciliations.id).';
COMMENT ON COLUMN reporting.reconciliation_malformed.line IS 'Line of the file (1 = the first line, a CSV header included).';
COMMENT ON COLUMN reporting.reconciliation_malformed.field IS 'The offending column, or "row" when the row as a whole cannot be read.';
COMMENT ON COLUMN reporting.reconciliation_malformed.reason IS 'Why the row was left out.';

-- Down Migration
DROP TABLE IF EXISTS reporting.reconciliation_malformed;
DROP TABLE IF EXISTS reporting.reconciliation_drift;
DROP TABLE IF EXISTS reporting.reconciliations;

-- Up Migration
-- One row per projection: how far it has applied the log, in the same
-- transaction as its rows, so a crash never applies an event twice or skips one.
CREATE TABLE reporting.projection_checkpoints (
  name              text        PRIMARY KEY,
  version           integer     NOT NULL,
  position          text        NOT NULL DEFAULT '',
  status            text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'failed')),
  error             text,
  failed_position   text,
  failed_event_id   uuid,
  events_applied    bigint      NOT NULL DEFAULT 0,
  last_recorded_at  timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE reporting.projection_checkpoints IS 'Where each projection stands in the event log. Advanced in the same transaction as the rows it writes.';
COMMENT ON COLUMN reporting.projection_checkpoints.name IS 'Projection name, e.g. orders or audit_trail (order-ledger rebuild NAME).';
COMMENT ON COLUMN reporting.projection_checkpoints.version IS 'Generation of the tables serving reads; each rebuild builds version + 1 and swaps it in.';
COMMENT ON COLUMN reporting.projection_checkpoints.position IS 'Global log position of the last applied event (fixed-width text, compares as a string); empty before the first event.';
COMMENT ON COLUMN reporting.projection_checkpoints.status IS 'running, or failed: an event could not be applied; the projection stopped there and waits for a fix.';
COMMENT ON COLUMN reporting.projection_checkpoints.error IS 'Why the projection failed (NULL while running).';
COMMENT ON COLUMN reporting.projection_checkpoints.failed_position IS 'Log position of the event that failed to apply (NULL while running).';
COMMENT ON COLUMN reporting.projection_checkpoints.failed_event_id IS 'Id of the event that failed to apply (NULL while running).';
COMMENT ON COLUMN reporting.projection_checkpoints.events_applied IS 'Events applied by this version since it was built.';
COMMENT ON COLUMN reporting.projection_checkpoints.last_recorded_at IS 'recordedAt of the last applied event: with now() it gives the lag in seconds.';
COMMENT ON COLUMN reporting.projection_checkpoints.updated_at IS 'When the row last changed.';

-- Down Migration
DROP TABLE IF EXISTS reporting.projection_checkpoints;

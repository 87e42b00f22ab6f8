-- Up Migration
-- A projection may run as several partitions, each owning the order streams
-- whose hash falls in it, with a checkpoint of its own. Existing rows become
-- partition 0 of 1: exactly what they were.
ALTER TABLE reporting.projection_checkpoints
  ADD COLUMN partition  integer NOT NULL DEFAULT 0,
  ADD COLUMN partitions integer NOT NULL DEFAULT 1,
  ADD CONSTRAINT projection_checkpoints_partition_check CHECK (partitions BETWEEN 1 AND 256 AND partition >= 0 AND partition < partitions);
ALTER TABLE reporting.projection_checkpoints DROP CONSTRAINT projection_checkpoints_pkey;
ALTER TABLE reporting.projection_checkpoints ADD PRIMARY KEY (name, partition);

COMMENT ON TABLE reporting.projection_checkpoints IS 'Where each projection (each of its partitions) stands in the event log. Advanced in the same transaction as the rows it writes.';
COMMENT ON COLUMN reporting.projection_checkpoints.partition IS 'Which share of the order streams this row tracks: streams whose md5 (first 32 bits) modulo partitions equals it.';
COMMENT ON COLUMN reporting.projection_checkpoints.partitions IS 'How many partitions the projection runs as (LEDGER_PROJECTION_PARTITIONS when built); every row of a projection has the same.';
COMMENT ON COLUMN reporting.projection_checkpoints.position IS 'Global log position up to which this partition has applied every event it owns (fixed-width text, compares as a string); empty before the first event.';

-- Down Migration
DELETE FROM reporting.projection_checkpoints WHERE partition > 0;
ALTER TABLE reporting.projection_checkpoints DROP CONSTRAINT projection_checkpoints_pkey;
ALTER TABLE reporting.projection_checkpoints ADD PRIMARY KEY (name);
ALTER TABLE reporting.projection_checkpoints DROP CONSTRAINT projection_checkpoints_partition_check, DROP COLUMN partitions, DROP COLUMN partition;

-- Up Migration
-- Every event carries its stream's bucket, computed once when it is written,
-- so that a reader of one partition of the log reads its own rows from an
-- index instead of scanning every row and hashing each stream id again.
--
-- The bucket is byte 3 of md5(stream id), 0 to 255: the first 32 bits of the
-- md5, unsigned, modulo 256 (`bucketOfStream` in src/eventstore/streamPartition.ts
-- computes the same). Partition p of N (N a power of two up to 256) owns the
-- buckets b with b % N = p. A generated column: every writer (the append
-- functions, a bulk INSERT or COPY) gets it filled, and nobody can store another
-- value. Adding it rewrites the table once, which fills it for the events already
-- stored (a rewrite, not an UPDATE: the append-only triggers do not fire).
ALTER TABLE ledger.events
  ADD COLUMN stream_bucket smallint NOT NULL GENERATED ALWAYS AS (get_byte(decode(md5(stream_id), 'hex'), 3)) STORED;

-- A partition's page: one index scan per bucket it owns, merged in log order.
CREATE INDEX events_bucket_position ON ledger.events (stream_bucket, tx_id, seq);

COMMENT ON COLUMN ledger.events.stream_bucket IS 'Byte 3 of md5(stream_id), 0-255 (the first 32 bits of the md5 modulo 256); partition p of N owns the streams whose bucket modulo N is p. Generated: filled by every writer.';

-- Down Migration
DROP INDEX IF EXISTS ledger.events_bucket_position;
ALTER TABLE ledger.events DROP COLUMN IF EXISTS stream_bucket;

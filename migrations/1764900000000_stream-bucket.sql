-- Up Migration
-- Every event carries its stream's bucket, computed once when it is written,
-- so that a reader of one partition of the log reads its own rows from an
-- index instead of scanning every row and hashing each stream id again.
--
-- The bucket is the first 32 bits of md5(stream id), unsigned, modulo 64
-- (byte 3 of the md5 modulo 64), as `bucketOfStream` in
-- src/eventstore/streamPartition.ts computes it. Partition p of N (N a power of
-- two up to 64) owns the buckets b with b % N = p. A generated column: every
-- writer (the append functions, a bulk INSERT or COPY) gets it filled, and
-- nobody can store another value. Adding it rewrites the table once, which fills
-- it for the events already stored (a rewrite, not an UPDATE: the append-only
-- triggers do not fire).
ALTER TABLE ledger.events
  ADD COLUMN stream_bucket smallint NOT NULL GENERATED ALWAYS AS (get_byte(decode(md5(stream_id), 'hex'), 3) % 64) STORED;

-- A partition's page: one index scan per bucket it owns, merged in log order.
CREATE INDEX events_bucket_position ON ledger.events (stream_bucket, tx_id, seq);

COMMENT ON COLUMN ledger.events.stream_bucket IS 'The first 32 bits of md5(stream_id) modulo 64; partition p of N (a power of two up to 64) owns the streams whose bucket modulo N is p. Generated: filled by every writer.';

-- Down Migration
DROP INDEX IF EXISTS ledger.events_bucket_position;
ALTER TABLE ledger.events DROP COLUMN IF EXISTS stream_bucket;

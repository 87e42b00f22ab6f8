-- Up Migration
-- Group commit (src/eventstore/postgres/GroupCommit.ts): appends to many
-- streams go in ONE statement (`appendBatchSql`), so concurrent callers share
-- one transaction and one WAL flush. That statement is plain set-based SQL;
-- this migration adds what it needs to chain the audit hash in SQL:
-- `ledger.chain_hash(head_hash, canonical)` OVER (… ORDER BY event) is the
-- running sha256(previous hash ‖ canonical text), starting from the stream's
-- head hash.
CREATE FUNCTION ledger.chain_step(state text, head text, canonical text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN encode(sha256(convert_to(coalesce(state, head, '') || canonical, 'UTF8')), 'hex');

CREATE AGGREGATE ledger.chain_hash(text, text) (SFUNC = ledger.chain_step, STYPE = text);
COMMENT ON AGGREGATE ledger.chain_hash(text, text) IS 'Running audit hash of a stream: sha256(previous ‖ canonical JSON), seeded with the stream head''s hash.';

-- Every append now goes through the set-based statement.
DROP FUNCTION ledger.append_events;

-- Down Migration
DROP AGGREGATE IF EXISTS ledger.chain_hash(text, text);
DROP FUNCTION IF EXISTS ledger.chain_step(text, text, text);

-- Up Migration
-- The log lives in `ledger`; the read models BI tools see live in `reporting`.
CREATE SCHEMA IF NOT EXISTS ledger;
CREATE SCHEMA IF NOT EXISTS reporting;
COMMENT ON SCHEMA ledger IS 'The order event log: append-only, hash-chained per stream.';
COMMENT ON SCHEMA reporting IS 'Read models projected from the order event log, for operations and BI tools.';

-- Down Migration
DROP SCHEMA IF EXISTS reporting CASCADE;
DROP SCHEMA IF EXISTS ledger CASCADE;

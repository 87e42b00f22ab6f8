-- Up Migration
-- A read-only role for BI tools: it sees `reporting` and nothing else. It
-- cannot log in; give a login role its rights with (see docs/reporting.md):
--   CREATE ROLE acme_bi LOGIN PASSWORD '…' IN ROLE ledger_bi;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_bi') THEN
    CREATE ROLE ledger_bi NOLOGIN;
  END IF;
END
$$;
COMMENT ON ROLE ledger_bi IS 'Read-only access to the reporting schema for BI tools (order-ledger).';
GRANT USAGE ON SCHEMA reporting TO ledger_bi;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ledger_bi;
-- Tables and views created later by the role that runs migrations and rebuilds.
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO ledger_bi;

-- Down Migration
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting REVOKE SELECT ON TABLES FROM ledger_bi;
REVOKE SELECT ON ALL TABLES IN SCHEMA reporting FROM ledger_bi;
REVOKE USAGE ON SCHEMA reporting FROM ledger_bi;
DROP ROLE IF EXISTS ledger_bi;

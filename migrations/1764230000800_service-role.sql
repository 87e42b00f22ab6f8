-- Up Migration
-- Two roles (docs/roles.md). The role that runs these migrations owns every
-- object; the running service logs in as a member of `ledger_writer`, which
-- may only read and append the log, owns nothing in `ledger`, and so cannot
-- switch off the triggers that refuse edits (only an owner or a superuser
-- can ALTER, DROP or bypass them with session_replication_role).
--
-- Read models are derived data, rebuilt from the log: `ledger_writer` owns the
-- tables and views of `reporting`, because `order-ledger rebuild` moves them
-- between schemas. A login role is given these rights with
--   CREATE ROLE ledger_service LOGIN PASSWORD '…' IN ROLE ledger_writer;
--   ALTER ROLE ledger_service SET role = 'ledger_writer';
-- (what `ensureServiceRole` does for the embedded server and LEDGER_MIGRATION_URL).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_writer') THEN
    CREATE ROLE ledger_writer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  -- The owner must act for ledger_writer to alter the read models it owns
  -- (a superuser already can).
  IF NOT pg_has_role(current_user, 'ledger_writer', 'USAGE') THEN
    EXECUTE format('GRANT ledger_writer TO %I', current_user);
  END IF;
END
$$;
COMMENT ON ROLE ledger_writer IS 'The order-ledger service: appends to and reads the log, owns the read models, runs integrations. Owns nothing in schema ledger.';

-- The log: read and append, nothing else.
GRANT USAGE ON SCHEMA ledger TO ledger_writer;
GRANT SELECT, INSERT ON ledger.events, ledger.order_aliases TO ledger_writer;
-- API keys: created, and revoked by stamping revoked_at (rows are never deleted: their acts name them).
GRANT SELECT, INSERT ON ledger.api_keys, ledger.api_key_acts TO ledger_writer;
GRANT UPDATE (revoked_at) ON ledger.api_keys TO ledger_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ledger TO ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA ledger GRANT SELECT, INSERT ON TABLES TO ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA ledger GRANT USAGE ON SEQUENCES TO ledger_writer;

-- Integrations: checkpoints, integrators and the parking queue change as they run.
GRANT USAGE ON SCHEMA integration TO ledger_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA integration TO ledger_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA integration TO ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA integration GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA integration GRANT USAGE ON SEQUENCES TO ledger_writer;

-- Read models: ledger_writer owns them (a rebuild moves tables in and out of
-- the schema), and BI keeps SELECT on whatever it creates there.
GRANT USAGE, CREATE ON SCHEMA reporting TO ledger_writer;
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p')
  LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'ALTER VIEW reporting.%I OWNER TO ledger_writer'
                                  WHEN 'm' THEN 'ALTER MATERIALIZED VIEW reporting.%I OWNER TO ledger_writer'
                                  ELSE 'ALTER TABLE reporting.%I OWNER TO ledger_writer' END, r.relname);
  END LOOP;
END
$$;
ALTER DEFAULT PRIVILEGES FOR ROLE ledger_writer IN SCHEMA reporting GRANT SELECT ON TABLES TO ledger_bi;

-- node-pg-migrate reads its table to find nothing pending when the service
-- starts with only its own URL.
GRANT SELECT ON public.pgmigrations TO ledger_writer;

-- The read-lag metric names the age of the transaction holding readers back.
DO $$
BEGIN
  GRANT pg_read_all_stats TO ledger_writer;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'ledger_writer gets no pg_read_all_stats: the read-lag age covers only its own sessions';
END
$$;

-- Down Migration
REVOKE SELECT ON public.pgmigrations FROM ledger_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE ledger_writer IN SCHEMA reporting REVOKE SELECT ON TABLES FROM ledger_bi;
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'reporting' AND c.relkind IN ('r', 'v', 'm', 'p')
  LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'ALTER VIEW reporting.%I OWNER TO %I'
                                  WHEN 'm' THEN 'ALTER MATERIALIZED VIEW reporting.%I OWNER TO %I'
                                  ELSE 'ALTER TABLE reporting.%I OWNER TO %I' END, r.relname, current_user);
  END LOOP;
END
$$;
REVOKE ALL ON SCHEMA reporting FROM ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA integration REVOKE ALL ON SEQUENCES FROM ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA integration REVOKE ALL ON TABLES FROM ledger_writer;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA integration FROM ledger_writer;
REVOKE ALL ON ALL TABLES IN SCHEMA integration FROM ledger_writer;
REVOKE ALL ON SCHEMA integration FROM ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA ledger REVOKE ALL ON SEQUENCES FROM ledger_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA ledger REVOKE ALL ON TABLES FROM ledger_writer;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA ledger FROM ledger_writer;
REVOKE ALL ON ALL TABLES IN SCHEMA ledger FROM ledger_writer;
REVOKE ALL ON SCHEMA ledger FROM ledger_writer;

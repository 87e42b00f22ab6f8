-- Up Migration
-- API keys live in the database so that every instance sees a created or
-- revoked key within one refresh (LEDGER_API_KEYS_REFRESH_MS). Only the
-- sha256 of each secret is kept; a revoked key keeps its row (revoked_at) so
-- that its acts still name it.
CREATE TABLE ledger.api_keys (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{12}$'),
  system        text NOT NULL CHECK (system IN ('CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS', 'ADMIN')),
  scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['submit', 'read', 'audit', 'admin']),
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);
COMMENT ON TABLE ledger.api_keys IS 'API keys: id, owning system, scopes and the sha256 of the secret (never the secret).';

-- Every act on a key, in order. Instances poll max(seq) to notice a change.
CREATE TABLE ledger.api_key_acts (
  seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_id  text NOT NULL REFERENCES ledger.api_keys (id),
  act     text NOT NULL CHECK (act IN ('created', 'revoked', 'imported')),
  actor   text NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ledger.api_key_acts IS 'Who created, imported or revoked which API key, and when.';

-- Down Migration
DROP TABLE IF EXISTS ledger.api_key_acts;
DROP TABLE IF EXISTS ledger.api_keys;

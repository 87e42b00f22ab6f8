-- Up Migration
-- Integrator signing secrets are stored sealed (AES-256-GCM, src/integrations/SecretBox.ts)
-- with a key the database never holds (docs/secrets.md). The database refuses
-- a plain-text secret from now on; rows written before are sealed by the
-- service at its next start (NOT VALID: the check skips them until then).
ALTER TABLE integration.integrators
  ADD CONSTRAINT integrators_secret_sealed CHECK (secret ~ '^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$') NOT VALID;
COMMENT ON COLUMN integration.integrators.secret IS 'The Standard Webhooks secret, sealed: v1.<keyId>.<iv>.<AES-256-GCM ciphertext and tag>, bound to the integrator''s name; the key is not in the database (LEDGER_SECRETS_KEY or its file). Never logged nor returned by the API.';

-- Down Migration
ALTER TABLE integration.integrators DROP CONSTRAINT IF EXISTS integrators_secret_sealed;

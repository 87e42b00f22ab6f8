-- Up Migration
-- Auditors follow one order flow across streams by its correlation id
-- (GET /v1/correlations/{id}); without this index that is a full scan.
CREATE INDEX events_correlation_id ON ledger.events ((metadata->>'correlationId'));

-- Down Migration
DROP INDEX IF EXISTS ledger.events_correlation_id;

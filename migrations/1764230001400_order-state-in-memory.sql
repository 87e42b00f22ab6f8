-- Up Migration
-- The orders projection keeps folded order states in memory (bounded) and folds
-- an order it does not hold again from its stream, which costs less than
-- writing every touched order's state as JSON with every batch. Nothing reads
-- the stored states any more.
DROP TABLE IF EXISTS reporting.order_state;

-- Down Migration
CREATE TABLE reporting.order_state (
  order_key   text        PRIMARY KEY,
  state       jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE reporting.order_state IS 'The domain OrderState of each order, folded from its events (projection orders); every other orders table is derived from it.';
COMMENT ON COLUMN reporting.order_state.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.order_state.state IS 'OrderState as the domain''s evolve() computes it (JSON).';
COMMENT ON COLUMN reporting.order_state.updated_at IS 'When the projection last wrote the row.';

-- Up Migration
-- Aliases by which source systems name an order: the ERP order number
-- (from OrderAccepted) and soldTo + customer PO (from OrderReceived). Derived
-- from the log, so it can always be rebuilt from it.
CREATE TABLE ledger.order_aliases (
  kind text NOT NULL CHECK (kind IN ('erp', 'po')),
  value text NOT NULL,
  order_key text NOT NULL,
  first_position text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX order_aliases_order_key ON ledger.order_aliases (order_key);
COMMENT ON TABLE ledger.order_aliases IS 'Alternative names of an order (ERP order number; soldTo + customer PO), derived from the log.';
COMMENT ON COLUMN ledger.order_aliases.kind IS 'erp = ERP order number; po = "<soldTo>:<customerPO>".';
COMMENT ON COLUMN ledger.order_aliases.first_position IS 'Log position of the event that first named the alias.';

-- Down Migration
DROP TABLE IF EXISTS ledger.order_aliases;

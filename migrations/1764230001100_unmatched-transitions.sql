-- Up Migration
-- Transitions that name an order by an alias no order has taken yet. They
-- wait here, outside the event log, so no reader of the log (feed, SSE,
-- webhooks, audit trail) ever sees them before they are part of an order's
-- history; once an order takes the alias they are applied to it through the
-- ordinary command path, with causation pointing at this row.
CREATE TABLE ledger.unmatched_transitions (
  id            uuid        PRIMARY KEY,
  alias_kind    text        NOT NULL CHECK (alias_kind IN ('erp', 'po')),
  alias_value   text        NOT NULL,
  source_system text        NOT NULL,
  type          text        NOT NULL,
  data          jsonb       NOT NULL,
  envelope      jsonb       NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  state         text        NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'applied', 'refused', 'discarded')),
  order_key     text,
  event_id      uuid,
  reason        text,
  resolved_at   timestamptz
);
CREATE INDEX unmatched_transitions_waiting ON ledger.unmatched_transitions (alias_kind, alias_value, received_at) WHERE state = 'waiting';

COMMENT ON TABLE ledger.unmatched_transitions IS 'Transitions naming an alias (ERP number, soldTo + PO) no order has taken yet; applied to the order that takes it, never shown in the log before then.';
COMMENT ON COLUMN ledger.unmatched_transitions.id IS 'UUIDv5 of "unmatched:" + the idempotency key: a retried submission finds its row; the causation id of the event it becomes.';
COMMENT ON COLUMN ledger.unmatched_transitions.alias_kind IS 'erp = ERP order number; po = "<soldTo>:<customerPO>".';
COMMENT ON COLUMN ledger.unmatched_transitions.source_system IS 'The system that submitted it (from its API key).';
COMMENT ON COLUMN ledger.unmatched_transitions.type IS 'The event type submitted.';
COMMENT ON COLUMN ledger.unmatched_transitions.envelope IS 'The envelope built at submission (business time, source document, idempotency key, correlation).';
COMMENT ON COLUMN ledger.unmatched_transitions.state IS 'waiting; applied (event_id is the order event it became); refused (reason, and an exception on the order); discarded (by an admin, reason).';
COMMENT ON COLUMN ledger.unmatched_transitions.order_key IS 'The order that took the alias, once one did.';
COMMENT ON COLUMN ledger.unmatched_transitions.reason IS 'Why it was refused or discarded.';

-- The service parks, applies and refuses them; no row is ever deleted.
GRANT SELECT, INSERT ON ledger.unmatched_transitions TO ledger_writer;
GRANT UPDATE (state, order_key, event_id, reason, resolved_at) ON ledger.unmatched_transitions TO ledger_writer;

-- Transitions that waited in the log before this table existed keep waiting here.
INSERT INTO ledger.unmatched_transitions (id, alias_kind, alias_value, source_system, type, data, envelope, received_at)
SELECT e.event_id, e.metadata->'unmatched'->>'kind', e.metadata->'unmatched'->>'value',
       coalesce(e.metadata->'sourceSystem'->>'kind', ''), e.type, e.data,
       e.metadata - 'unmatched' - 'orderKey', e.recorded_at
  FROM ledger.events e
 WHERE e.stream_id LIKE 'unmatched-%' AND e.metadata ? 'unmatched'
ON CONFLICT (id) DO NOTHING;

-- Down Migration
DROP TABLE IF EXISTS ledger.unmatched_transitions;

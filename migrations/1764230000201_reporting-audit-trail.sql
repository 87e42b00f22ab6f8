-- Up Migration
CREATE TABLE reporting.audit_trail (
  position        text        PRIMARY KEY,
  order_key       text,
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL,
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  source_kind     text,
  source_instance text,
  source_document text,
  actor_type      text,
  actor_id        text,
  actor_name      text,
  correlation_id  text,
  causation_id    text,
  occurred_at     timestamptz,
  received_at     timestamptz,
  recorded_at     timestamptz NOT NULL,
  hash            text        NOT NULL,
  prev_hash       text
);
CREATE INDEX audit_trail_order ON reporting.audit_trail (order_key, stream_version);
CREATE INDEX audit_trail_correlation ON reporting.audit_trail (correlation_id);

COMMENT ON TABLE reporting.audit_trail IS 'One row per event of the log: who (actor), which system, when (business and record time), correlated with what, and its audit hash. Projection audit_trail.';
COMMENT ON COLUMN reporting.audit_trail.position IS 'Global log position (fixed-width text: sorts in log order).';
COMMENT ON COLUMN reporting.audit_trail.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.audit_trail.stream_id IS 'The order''s stream, order-<orderKey>.';
COMMENT ON COLUMN reporting.audit_trail.stream_version IS 'Revision of the event in its order stream, from 0 without gaps.';
COMMENT ON COLUMN reporting.audit_trail.event_id IS 'Deterministic event id (UUIDv5 of the idempotency key).';
COMMENT ON COLUMN reporting.audit_trail.event_type IS 'Event type, e.g. ShipmentConfirmed.';
COMMENT ON COLUMN reporting.audit_trail.source_kind IS 'Kind of system that reported the event: CRM, ECOMMERCE, EDI, ERP, WMS, TMS or LEDGER.';
COMMENT ON COLUMN reporting.audit_trail.source_instance IS 'Which instance of that system (e.g. sap-prd-100).';
COMMENT ON COLUMN reporting.audit_trail.source_document IS 'Source document as type:id@revision (e.g. ASN:4711@0).';
COMMENT ON COLUMN reporting.audit_trail.actor_type IS 'USER, SYSTEM or PARTNER.';
COMMENT ON COLUMN reporting.audit_trail.actor_id IS 'Who acted, as the source system names them.';
COMMENT ON COLUMN reporting.audit_trail.actor_name IS 'Display name of the actor, when given.';
COMMENT ON COLUMN reporting.audit_trail.correlation_id IS 'Correlation id of the order flow (shared by the events one request or process caused).';
COMMENT ON COLUMN reporting.audit_trail.causation_id IS 'The event or request that caused this event.';
COMMENT ON COLUMN reporting.audit_trail.occurred_at IS 'Business time: when it happened in the source system.';
COMMENT ON COLUMN reporting.audit_trail.received_at IS 'When the ledger received the submission.';
COMMENT ON COLUMN reporting.audit_trail.recorded_at IS 'When the log recorded the event.';
COMMENT ON COLUMN reporting.audit_trail.hash IS 'sha256(prev_hash || canonical JSON of the event), hex: the tamper-evidence chain.';
COMMENT ON COLUMN reporting.audit_trail.prev_hash IS 'hash of the previous event in the same stream; NULL for the first.';

-- Down Migration
DROP TABLE IF EXISTS reporting.audit_trail;

-- Up Migration
-- Does every downstream system show what the ledger knows, and since when?
-- Two sources: the 2xx deliveries of outbound integrators (written by the
-- integrator as it delivers, so not derivable from the log) and the
-- IntegrationAcknowledged receipts consumers post (projection sync_acks).
-- The views compare them with the log as the audit trail shows it.

CREATE TABLE integration.deliveries (
  integrator    text        NOT NULL REFERENCES integration.integrators (name) ON DELETE CASCADE,
  event_id      uuid        NOT NULL,
  order_key     text,
  revision      bigint      NOT NULL,
  position      text        NOT NULL,
  event_type    text        NOT NULL,
  recorded_at   timestamptz NOT NULL,
  delivered_at  timestamptz NOT NULL,
  resent        boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (integrator, event_id)
);
CREATE INDEX deliveries_order ON integration.deliveries (order_key, integrator, revision);
CREATE INDEX deliveries_type ON integration.deliveries (event_type, recorded_at);
COMMENT ON TABLE integration.deliveries IS 'Every event an integrator delivered with a 2xx, first delivery only (a redelivery after a reset keeps the first time). Written with the checkpoint, in the same statement.';
COMMENT ON COLUMN integration.deliveries.revision IS 'Revision of the event in its order stream.';
COMMENT ON COLUMN integration.deliveries.recorded_at IS 'When the log recorded the event.';
COMMENT ON COLUMN integration.deliveries.delivered_at IS 'When the receiver answered 2xx (wall clock of the delivering instance).';
COMMENT ON COLUMN integration.deliveries.resent IS 'true: sent by an admin re-send of the order''s current state, not by the integrator''s run.';

CREATE TABLE integration.resends (
  id          bigserial   PRIMARY KEY,
  integrator  text        NOT NULL,
  order_key   text        NOT NULL,
  event_id    uuid,
  outcome     text        NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  detail      text,
  actor       text        NOT NULL,
  reason      text        NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resends_order ON integration.resends (order_key, at);
COMMENT ON TABLE integration.resends IS 'Every admin re-send of an order''s current state through an integrator: who, why, which event it sent, and what happened.';

CREATE TABLE reporting.sync_acknowledgements (
  position      text        NOT NULL,
  event_id      uuid        NOT NULL,
  ack_order_key text,
  consumer      text        NOT NULL,
  source_kind   text,
  outcome       text        NOT NULL,
  ack_at        timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (position, event_id)
);
CREATE INDEX sync_acknowledgements_event ON reporting.sync_acknowledgements (event_id, consumer);
ALTER TABLE reporting.sync_acknowledgements OWNER TO ledger_writer;
COMMENT ON TABLE reporting.sync_acknowledgements IS 'One row per event a consumer acknowledged (IntegrationAcknowledged.eventIds). Projection sync_acks.';
COMMENT ON COLUMN reporting.sync_acknowledgements.position IS 'Log position of the IntegrationAcknowledged event.';
COMMENT ON COLUMN reporting.sync_acknowledgements.event_id IS 'The ledger event acknowledged (audit_trail.event_id).';
COMMENT ON COLUMN reporting.sync_acknowledgements.ack_order_key IS 'The order whose stream holds the acknowledgement.';
COMMENT ON COLUMN reporting.sync_acknowledgements.consumer IS 'The acknowledging system, as it names itself (data.consumer): the "system" of the sync views.';
COMMENT ON COLUMN reporting.sync_acknowledgements.source_kind IS 'Kind of the system that posted it (CRM, ERP, ...); CRM ones count for the SHIPPED_NOT_IN_CRM rule.';
COMMENT ON COLUMN reporting.sync_acknowledgements.outcome IS 'ACCEPTED, REJECTED or IGNORED; REJECTED counts as failing, not as reflected.';
COMMENT ON COLUMN reporting.sync_acknowledgements.ack_at IS 'When the consumer says it took the event in (its clock).';
COMMENT ON COLUMN reporting.sync_acknowledgements.recorded_at IS 'When the log recorded the acknowledgement.';

CREATE INDEX audit_trail_event_id ON reporting.audit_trail (event_id);

-- Per system and order, what the system reflects of the ledger. One row per
-- order a system is expected to reflect: integrators every event they
-- subscribe to, consumers every order event recorded since the first event
-- they ever acknowledged.
CREATE VIEW reporting.sync_state AS
WITH acked AS (
  SELECT a.consumer, t.order_key, a.outcome, t.stream_version, a.ack_at, t.recorded_at, a.source_kind
    FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail t USING (event_id)
), consumers AS (
  SELECT consumer, min(recorded_at) AS covers_from, bool_or(source_kind = 'CRM') AS crm FROM acked GROUP BY consumer
), consumer_orders AS (
  SELECT c.consumer, t.order_key, max(t.stream_version) AS head_revision,
         max(t.recorded_at) AS head_recorded_at, c.crm
    FROM consumers c JOIN reporting.audit_trail t ON t.recorded_at >= c.covers_from
   WHERE t.order_key IS NOT NULL AND t.event_type <> 'IntegrationAcknowledged'
   GROUP BY c.consumer, t.order_key, c.crm
), consumer_acks AS (
  SELECT consumer, order_key,
         max(stream_version) FILTER (WHERE outcome <> 'REJECTED') AS revision,
         max(ack_at) FILTER (WHERE outcome <> 'REJECTED') AS at,
         max(stream_version) FILTER (WHERE outcome = 'REJECTED') AS rejected_revision
    FROM acked GROUP BY consumer, order_key
), consumer_rows AS (
  SELECT 'consumer'::text AS kind, o.consumer AS system, o.crm, o.order_key, o.head_revision, o.head_recorded_at,
         k.revision AS reflected_revision, k.at AS reflected_at,
         (SELECT min(t.recorded_at) FROM reporting.audit_trail t
           WHERE t.order_key = o.order_key AND t.stream_version > coalesce(k.revision, -1)
             AND t.event_type <> 'IntegrationAcknowledged') AS behind_since,
         CASE WHEN k.rejected_revision > coalesce(k.revision, -1) THEN 'acknowledged REJECTED' END AS error
    FROM consumer_orders o LEFT JOIN consumer_acks k USING (consumer, order_key)
), integrator_orders AS (
  SELECT i.name AS system, i.preset = 'crm-sync' AS crm, t.order_key, max(t.stream_version) AS head_revision,
         max(t.recorded_at) AS head_recorded_at,
         min(t.recorded_at) FILTER (WHERE t.position > c.position) AS behind_since
    FROM integration.integrators i JOIN integration.integrator_checkpoints c USING (name)
    JOIN reporting.audit_trail t ON t.recorded_at >= i.created_at OR t.position > c.position
   WHERE t.order_key IS NOT NULL AND (i.types IS NULL OR t.event_type = ANY (i.types))
   GROUP BY i.name, i.preset, t.order_key
), parked AS (
  SELECT p.integrator AS system, p.order_key, min(t.recorded_at) AS since, (array_agg(p.last_error ORDER BY p.parked_at DESC))[1] AS error
    FROM integration.parked_events p LEFT JOIN reporting.audit_trail t ON t.position = p.position
   WHERE p.state = 'parked' AND p.order_key IS NOT NULL GROUP BY p.integrator, p.order_key
), integrator_rows AS (
  SELECT 'integrator'::text AS kind, o.system, o.crm, o.order_key, o.head_revision, o.head_recorded_at,
         d.revision AS reflected_revision, d.at AS reflected_at,
         least(p.since, o.behind_since) AS behind_since,
         p.error
    FROM integrator_orders o
    LEFT JOIN parked p USING (system, order_key)
    LEFT JOIN LATERAL (
      SELECT max(revision) AS revision, max(delivered_at) AS at FROM integration.deliveries d
       WHERE d.integrator = o.system AND d.order_key = o.order_key) d ON true
), all_rows AS (
  SELECT * FROM integrator_rows UNION ALL SELECT * FROM consumer_rows
)
SELECT r.kind, r.system, r.crm, r.order_key,
       CASE WHEN r.error IS NOT NULL THEN 'failing'
            WHEN r.kind = 'integrator' AND r.behind_since IS NOT NULL THEN 'behind'
            WHEN r.kind = 'consumer' AND coalesce(r.reflected_revision, -1) < r.head_revision THEN 'behind'
            ELSE 'in_step' END AS state,
       r.head_revision, r.head_recorded_at, r.reflected_revision, r.reflected_at, r.behind_since,
       r.error, coalesce(o.open_value, 0) AS value_at_risk, o.currency
  FROM all_rows r LEFT JOIN reporting.crm_orders o USING (order_key);
ALTER VIEW reporting.sync_state OWNER TO ledger_writer;
COMMENT ON VIEW reporting.sync_state IS 'Per downstream system and order: the ledger''s last revision, the last one the system reflects (delivered 2xx or acknowledged), and whether it is in_step, behind or failing, as of now. Integrators are expected to reflect the events they subscribe to (from their creation, or not yet delivered); consumers every order event recorded since the first event they acknowledged.';
COMMENT ON COLUMN reporting.sync_state.kind IS 'integrator (outbound webhook, integration.integrators) or consumer (posts IntegrationAcknowledged).';
COMMENT ON COLUMN reporting.sync_state.system IS 'Integrator name, or the consumer as it names itself.';
COMMENT ON COLUMN reporting.sync_state.crm IS 'true for a crm-sync integrator or a consumer posting as a CRM: the systems the CRM rules watch.';
COMMENT ON COLUMN reporting.sync_state.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.sync_state.state IS 'in_step: reflects every event it is due; behind: some are not delivered or acknowledged yet; failing: a delivery is parked or the last acknowledgement was REJECTED.';
COMMENT ON COLUMN reporting.sync_state.head_revision IS 'Last revision of the order the system is due (integrators: of the event types they subscribe to; consumers: any but acknowledgements).';
COMMENT ON COLUMN reporting.sync_state.head_recorded_at IS 'When the log recorded that revision.';
COMMENT ON COLUMN reporting.sync_state.reflected_revision IS 'Last revision delivered with a 2xx (integrators) or acknowledged (consumers); NULL: none.';
COMMENT ON COLUMN reporting.sync_state.reflected_at IS 'When that delivery (wall clock) or acknowledgement (ackAt) happened.';
COMMENT ON COLUMN reporting.sync_state.behind_since IS 'Record time of the oldest event the system does not reflect; NULL when in step. now() - behind_since is the gap.';
COMMENT ON COLUMN reporting.sync_state.error IS 'Why it is failing: the parked delivery''s last error, or the rejection.';
COMMENT ON COLUMN reporting.sync_state.value_at_risk IS 'The order''s open value (crm_orders.open_value).';
COMMENT ON COLUMN reporting.sync_state.currency IS 'Currency of value_at_risk.';

-- Down Migration
DROP VIEW IF EXISTS reporting.sync_state;
DROP INDEX IF EXISTS reporting.audit_trail_event_id;
DROP TABLE IF EXISTS reporting.sync_acknowledgements;
DROP TABLE IF EXISTS integration.resends;
DROP TABLE IF EXISTS integration.deliveries;

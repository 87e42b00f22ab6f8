-- Up Migration
-- Sync records: events about what a downstream system was sent or says it
-- holds (IntegrationAcknowledged, IntegrationResent), never about the order.
-- No system is due one. Until now the views named the acknowledgement by
-- hand; they now ask one function, the SQL twin of `syncRecordEventTypes`
-- in src/domain/events.ts (test/integrations/syncRecordTypes.test.ts holds
-- the two lists equal), and one more for what an integrator delivers, the
-- twin of `deliveredTypes` (src/integrations/integratorConfig.ts).

CREATE FUNCTION reporting.is_sync_record(event_type text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT event_type IN ('IntegrationAcknowledged', 'IntegrationResent') $$;
COMMENT ON FUNCTION reporting.is_sync_record(text) IS 'true for the sync records (IntegrationAcknowledged, IntegrationResent): events about what a downstream system was sent or holds. They change no order and no report, and no system is due them.';

CREATE FUNCTION reporting.integrator_delivers(types text[], event_type text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN types IS NULL THEN NOT reporting.is_sync_record(event_type) ELSE event_type = ANY (types) END $$;
COMMENT ON FUNCTION reporting.integrator_delivers(text[], text) IS 'Whether an integrator with these types (integration.integrators.types) delivers the event type: the types it names, or, with none named, every type but the sync records.';

CREATE OR REPLACE VIEW reporting.sync_state AS
WITH acked AS (
  SELECT a.consumer, t.order_key, a.outcome, t.stream_version, a.ack_at, t.recorded_at, a.source_kind
    FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail t USING (event_id)
), consumers AS (
  SELECT consumer, min(recorded_at) AS covers_from, bool_or(source_kind = 'CRM') AS crm FROM acked GROUP BY consumer
), consumer_orders AS (
  SELECT c.consumer, t.order_key, max(t.stream_version) AS head_revision,
         max(t.recorded_at) AS head_recorded_at, c.crm
    FROM consumers c JOIN reporting.audit_trail t ON t.recorded_at >= c.covers_from
   WHERE t.order_key IS NOT NULL AND NOT reporting.is_sync_record(t.event_type)
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
             AND NOT reporting.is_sync_record(t.event_type)) AS behind_since,
         CASE WHEN k.rejected_revision > coalesce(k.revision, -1) THEN 'acknowledged REJECTED' END AS error
    FROM consumer_orders o LEFT JOIN consumer_acks k USING (consumer, order_key)
), integrator_orders AS (
  SELECT i.name AS system, i.preset = 'crm-sync' AS crm, t.order_key, max(t.stream_version) AS head_revision,
         max(t.recorded_at) AS head_recorded_at,
         min(t.recorded_at) FILTER (WHERE t.position > c.position) AS behind_since
    FROM integration.integrators i JOIN integration.integrator_checkpoints c USING (name)
    JOIN reporting.audit_trail t ON t.recorded_at >= i.created_at OR t.position > c.position
   WHERE t.order_key IS NOT NULL AND reporting.integrator_delivers(i.types, t.event_type)
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
COMMENT ON COLUMN reporting.sync_state.head_revision IS 'Last revision of the order the system is due (integrators: of the event types they deliver, reporting.integrator_delivers; consumers: any but sync records, reporting.is_sync_record).';

CREATE OR REPLACE VIEW reporting.propagation_kpi_daily AS
WITH consumers AS (
  SELECT a.consumer, min(t.recorded_at) AS covers_from
    FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail t USING (event_id) GROUP BY a.consumer
), news AS (
  SELECT t.order_key, t.event_id, t.stream_version, t.recorded_at,
         CASE t.event_type WHEN 'ShipmentConfirmed' THEN 'SHIPMENT_PROPAGATION' ELSE 'INVOICE_SYNC' END AS metric,
         t.event_type
    FROM reporting.audit_trail t WHERE t.event_type IN ('ShipmentConfirmed', 'InvoicePosted')
), reached AS (
  -- A crm-sync body is the whole view: any later revision delivered carries the news too.
  SELECT n.metric, 'integrator'::text AS kind, i.name AS system, n.recorded_at,
         (SELECT min(d.delivered_at) FROM integration.deliveries d
           WHERE d.integrator = i.name AND d.order_key = n.order_key
             AND (d.event_id = n.event_id OR i.preset = 'crm-sync' AND d.revision >= n.stream_version)) AS reached_at
    FROM integration.integrators i JOIN news n ON n.recorded_at >= i.created_at AND reporting.integrator_delivers(i.types, n.event_type)
  UNION ALL
  SELECT n.metric, 'consumer', c.consumer, n.recorded_at,
         (SELECT min(a.ack_at) FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail k USING (event_id)
           WHERE a.consumer = c.consumer AND a.outcome <> 'REJECTED' AND k.order_key = n.order_key AND k.stream_version >= n.stream_version)
    FROM consumers c JOIN news n ON n.recorded_at >= c.covers_from
), targets AS (
  SELECT CASE rule WHEN 'SHIPPED_NOT_IN_CRM' THEN 'SHIPMENT_PROPAGATION' WHEN 'INVOICED_NOT_SYNCED' THEN 'INVOICE_SYNC'
                   ELSE 'ORDER_ACCEPTANCE' END AS metric, threshold
    FROM reporting.sla_rules WHERE rule IN ('SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED', 'RECEIVED_NOT_ACCEPTED')
), samples AS (
  SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, metric, kind, system,
         extract(epoch FROM reached_at - recorded_at) AS seconds
    FROM reached
  UNION ALL
  SELECT day, 'ORDER_ACCEPTANCE', 'channel', coalesce(channel, ''), acceptance_latency_seconds
    FROM reporting.order_kpis WHERE day IS NOT NULL
  UNION ALL
  SELECT (raised_at AT TIME ZONE 'UTC')::date, 'EXCEPTION_RESOLUTION', 'exception', coalesce(code, ''), extract(epoch FROM resolved_at - raised_at)
    FROM reporting.exceptions WHERE raised_at IS NOT NULL
)
SELECT s.day, s.metric, s.kind, s.system, count(*)::integer AS due, count(s.seconds)::integer AS reached,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.seconds) AS p50_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY s.seconds) AS p95_seconds,
       CASE WHEN max(g.threshold) IS NOT NULL THEN (count(*) FILTER (WHERE s.seconds <= extract(epoch FROM g.threshold)))::integer END AS within_target,
       CASE WHEN max(g.threshold) IS NOT NULL THEN round((count(*) FILTER (WHERE s.seconds <= extract(epoch FROM g.threshold)))::numeric / count(*), 4) END AS within_target_rate
  FROM samples s LEFT JOIN targets g USING (metric)
 GROUP BY s.day, s.metric, s.kind, s.system;

-- Re-sends are IntegrationResent events of their order now: the order's
-- history is their one record. The rows written before are kept, frozen.
ALTER TABLE integration.resends RENAME TO resends_before_events;
ALTER INDEX integration.resends_order RENAME TO resends_before_events_order;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON integration.resends_before_events FROM ledger_writer;
COMMENT ON TABLE integration.resends_before_events IS 'Admin re-sends recorded before re-sends became IntegrationResent events of the order''s stream; nothing writes here any more.';

-- Down Migration
COMMENT ON TABLE integration.resends_before_events IS 'Every admin re-send of an order''s current state through an integrator: who, why, which event it sent, and what happened.';
GRANT SELECT, INSERT, UPDATE, DELETE ON integration.resends_before_events TO ledger_writer;
ALTER INDEX integration.resends_before_events_order RENAME TO resends_order;
ALTER TABLE integration.resends_before_events RENAME TO resends;
CREATE OR REPLACE VIEW reporting.propagation_kpi_daily AS
WITH consumers AS (
  SELECT a.consumer, min(t.recorded_at) AS covers_from
    FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail t USING (event_id) GROUP BY a.consumer
), news AS (
  SELECT t.order_key, t.event_id, t.stream_version, t.recorded_at,
         CASE t.event_type WHEN 'ShipmentConfirmed' THEN 'SHIPMENT_PROPAGATION' ELSE 'INVOICE_SYNC' END AS metric,
         t.event_type
    FROM reporting.audit_trail t WHERE t.event_type IN ('ShipmentConfirmed', 'InvoicePosted')
), reached AS (
  -- A crm-sync body is the whole view: any later revision delivered carries the news too.
  SELECT n.metric, 'integrator'::text AS kind, i.name AS system, n.recorded_at,
         (SELECT min(d.delivered_at) FROM integration.deliveries d
           WHERE d.integrator = i.name AND d.order_key = n.order_key
             AND (d.event_id = n.event_id OR i.preset = 'crm-sync' AND d.revision >= n.stream_version)) AS reached_at
    FROM integration.integrators i JOIN news n ON n.recorded_at >= i.created_at AND (i.types IS NULL OR n.event_type = ANY (i.types))
  UNION ALL
  SELECT n.metric, 'consumer', c.consumer, n.recorded_at,
         (SELECT min(a.ack_at) FROM reporting.sync_acknowledgements a JOIN reporting.audit_trail k USING (event_id)
           WHERE a.consumer = c.consumer AND a.outcome <> 'REJECTED' AND k.order_key = n.order_key AND k.stream_version >= n.stream_version)
    FROM consumers c JOIN news n ON n.recorded_at >= c.covers_from
), targets AS (
  SELECT CASE rule WHEN 'SHIPPED_NOT_IN_CRM' THEN 'SHIPMENT_PROPAGATION' WHEN 'INVOICED_NOT_SYNCED' THEN 'INVOICE_SYNC'
                   ELSE 'ORDER_ACCEPTANCE' END AS metric, threshold
    FROM reporting.sla_rules WHERE rule IN ('SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED', 'RECEIVED_NOT_ACCEPTED')
), samples AS (
  SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, metric, kind, system,
         extract(epoch FROM reached_at - recorded_at) AS seconds
    FROM reached
  UNION ALL
  SELECT day, 'ORDER_ACCEPTANCE', 'channel', coalesce(channel, ''), acceptance_latency_seconds
    FROM reporting.order_kpis WHERE day IS NOT NULL
  UNION ALL
  SELECT (raised_at AT TIME ZONE 'UTC')::date, 'EXCEPTION_RESOLUTION', 'exception', coalesce(code, ''), extract(epoch FROM resolved_at - raised_at)
    FROM reporting.exceptions WHERE raised_at IS NOT NULL
)
SELECT s.day, s.metric, s.kind, s.system, count(*)::integer AS due, count(s.seconds)::integer AS reached,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.seconds) AS p50_seconds,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY s.seconds) AS p95_seconds,
       CASE WHEN max(g.threshold) IS NOT NULL THEN (count(*) FILTER (WHERE s.seconds <= extract(epoch FROM g.threshold)))::integer END AS within_target,
       CASE WHEN max(g.threshold) IS NOT NULL THEN round((count(*) FILTER (WHERE s.seconds <= extract(epoch FROM g.threshold)))::numeric / count(*), 4) END AS within_target_rate
  FROM samples s LEFT JOIN targets g USING (metric)
 GROUP BY s.day, s.metric, s.kind, s.system;
CREATE OR REPLACE VIEW reporting.sync_state AS
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
COMMENT ON COLUMN reporting.sync_state.head_revision IS 'Last revision of the order the system is due (integrators: of the event types they subscribe to; consumers: any but acknowledgements).';
DROP FUNCTION IF EXISTS reporting.integrator_delivers(text[], text);
DROP FUNCTION IF EXISTS reporting.is_sync_record(text);

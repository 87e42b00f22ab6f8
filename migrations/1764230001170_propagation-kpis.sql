-- Up Migration
-- How long the ledger's news takes to reach each downstream system, per day:
-- shipment propagation and invoice synchronisation (recorded in the ledger ->
-- delivered 2xx or acknowledged), beside order acceptance latency per channel
-- and exception resolution time per code, so one view answers "how fast".
CREATE VIEW reporting.propagation_kpi_daily AS
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
ALTER VIEW reporting.propagation_kpi_daily OWNER TO ledger_writer;
COMMENT ON VIEW reporting.propagation_kpi_daily IS 'Propagation KPIs by day and system (docs/domain.md §4): shipment propagation and invoice synchronisation per downstream system (ledger record time -> first 2xx delivery or acknowledgement), order acceptance latency per channel, exception resolution time per code. Days are UTC dates of the ledger event (acceptance: of the order; exceptions: raised).';
COMMENT ON COLUMN reporting.propagation_kpi_daily.day IS 'UTC day of the shipment or invoice record time (acceptance: order day; exceptions: raised day).';
COMMENT ON COLUMN reporting.propagation_kpi_daily.metric IS 'SHIPMENT_PROPAGATION, INVOICE_SYNC, ORDER_ACCEPTANCE or EXCEPTION_RESOLUTION.';
COMMENT ON COLUMN reporting.propagation_kpi_daily.kind IS 'integrator or consumer (propagation), channel (acceptance), exception (resolution).';
COMMENT ON COLUMN reporting.propagation_kpi_daily.system IS 'The downstream system, the sales channel, or the exception code.';
COMMENT ON COLUMN reporting.propagation_kpi_daily.due IS 'Shipments or invoices the system was due that day (orders received; exceptions raised).';
COMMENT ON COLUMN reporting.propagation_kpi_daily.reached IS 'How many of them reached it so far (accepted; resolved).';
COMMENT ON COLUMN reporting.propagation_kpi_daily.p50_seconds IS 'Median time to reach, over those that reached it.';
COMMENT ON COLUMN reporting.propagation_kpi_daily.p95_seconds IS '95th percentile time to reach, over those that reached it.';
COMMENT ON COLUMN reporting.propagation_kpi_daily.within_target IS 'How many reached it within the rule''s threshold (SHIPPED_NOT_IN_CRM, INVOICED_NOT_SYNCED, RECEIVED_NOT_ACCEPTED); NULL for exceptions.';
COMMENT ON COLUMN reporting.propagation_kpi_daily.within_target_rate IS 'within_target / due: for invoices, the synchronisation accuracy (share in step within 1 h by default).';

-- Down Migration
DROP VIEW IF EXISTS reporting.propagation_kpi_daily;

-- Up Migration
-- Propagation rules beside the stuck-order ones: what the ledger knows that a
-- downstream system does not show yet (reporting.sync_state), and deliveries
-- an integrator gave up on. Thresholds are tunable in sla_rules like the others.
INSERT INTO reporting.sla_rules (rule, threshold, description) VALUES
  ('SHIPPED_NOT_IN_CRM', interval '15 minutes', 'A shipment recorded in the ledger that a CRM system (crm-sync integrator or CRM consumer) does not reflect yet; detail = the system.'),
  ('INVOICED_NOT_SYNCED', interval '1 hour', 'An invoice recorded in the ledger that a CRM system does not reflect yet; detail = the system.'),
  ('PARKED_EVENT', interval '1 hour', 'An integrator parked a delivery it could not make and nobody retried or discarded it; detail = integrator: event type.');

CREATE OR REPLACE VIEW reporting.sla_breaches AS
WITH rules AS (SELECT rule, threshold FROM reporting.sla_rules),
conditions AS (
  SELECT 'RECEIVED_NOT_ACCEPTED' AS rule, o.order_key, NULL::integer AS line_no, o.sold_to, o.received_at AS since,
         o.open_value AS value_at_risk, o.currency, o.channel_order_id AS detail
    FROM reporting.crm_orders o WHERE o.status = 'RECEIVED'
  UNION ALL
  SELECT 'CREDIT_HOLD', o.order_key, NULL, o.sold_to, (h->>'since')::timestamptz, o.open_value, o.currency, h->>'id'
    FROM reporting.crm_orders o CROSS JOIN LATERAL jsonb_array_elements(o.active_holds) h
   WHERE h->>'type' = 'CREDIT' AND (h->>'blocking')::boolean AND o.status NOT IN ('REJECTED', 'CANCELLED', 'CLOSED')
  UNION ALL
  SELECT 'OPEN_WITHOUT_ETA', b.order_key, b.line_no, b.sold_to, b.accepted_at, b.open_value, b.currency, b.sku
    FROM reporting.backlog b JOIN reporting.crm_order_lines l USING (order_key, line_no)
   WHERE l.status = 'OPEN' AND b.accepted_at IS NOT NULL AND l.promised_ship_date IS NULL AND l.backorder_eta IS NULL
  UNION ALL
  SELECT 'PAST_PROMISED_SHIP_DATE', b.order_key, b.line_no, b.sold_to, (b.promised_ship_date + 1)::timestamptz, b.open_value, b.currency, b.sku
    FROM reporting.backlog b WHERE b.promised_ship_date IS NOT NULL
  UNION ALL
  SELECT 'DELIVERED_NOT_INVOICED', l.order_key, l.line_no, o.sold_to, l.delivered_at,
         greatest(l.shipped - l.invoiced, 0) * coalesce(l.unit_net_price, 0), o.currency, l.sku
    FROM reporting.crm_order_lines l JOIN reporting.crm_orders o USING (order_key)
   WHERE l.delivered > 0 AND l.invoiced < l.shipped AND l.delivered_at IS NOT NULL AND o.status <> 'CLOSED'
  UNION ALL
  SELECT 'RETURN_NOT_RECEIVED', o.order_key, NULL, o.sold_to, o.open_ra_since, 0, o.currency, NULL
    FROM reporting.crm_orders o WHERE o.open_return_qty > 0 AND o.open_ra_since IS NOT NULL
  UNION ALL
  SELECT 'OPEN_EXCEPTION', e.order_key, NULL, e.sold_to, e.raised_at, e.priority, e.currency, e.code
    FROM reporting.exceptions e WHERE e.status = 'OPEN' AND e.raised_at IS NOT NULL
  UNION ALL
  -- The earliest shipment (invoice) of the order a CRM system does not reflect yet.
  SELECT 'SHIPPED_NOT_IN_CRM', s.order_key, NULL, o.sold_to, min(t.recorded_at), max(o.ordered_value), max(o.currency), s.system
    FROM reporting.sync_state s JOIN reporting.audit_trail t ON t.order_key = s.order_key
    LEFT JOIN reporting.crm_orders o ON o.order_key = s.order_key
   WHERE s.crm AND t.event_type = 'ShipmentConfirmed' AND t.stream_version > coalesce(s.reflected_revision, -1)
   GROUP BY s.system, s.order_key, o.sold_to
  UNION ALL
  SELECT 'INVOICED_NOT_SYNCED', s.order_key, NULL, o.sold_to, min(t.recorded_at), max(o.invoiced_total), max(o.currency), s.system
    FROM reporting.sync_state s JOIN reporting.audit_trail t ON t.order_key = s.order_key
    LEFT JOIN reporting.crm_orders o ON o.order_key = s.order_key
   WHERE s.crm AND t.event_type = 'InvoicePosted' AND t.stream_version > coalesce(s.reflected_revision, -1)
   GROUP BY s.system, s.order_key, o.sold_to
  UNION ALL
  SELECT 'PARKED_EVENT', p.order_key, NULL, o.sold_to, p.parked_at, p.priority, p.currency, p.integrator || ': ' || p.event_type
    FROM integration.parked_events p LEFT JOIN reporting.crm_orders o ON o.order_key = p.order_key
   WHERE p.state = 'parked'
)
SELECT c.rule, c.order_key, c.line_no, c.sold_to, c.since, c.since + r.threshold AS breached_at,
       now() - c.since AS age, c.value_at_risk, c.currency, c.detail
  FROM conditions c JOIN rules r USING (rule)
 WHERE c.since + r.threshold < now();
COMMENT ON VIEW reporting.sla_breaches IS 'Stuck orders and lines (docs/domain.md §4) and propagation gaps as of now(), one row per breached rule; rank by value_at_risk. Thresholds in reporting.sla_rules.';
COMMENT ON COLUMN reporting.sla_breaches.value_at_risk IS 'Open value concerned, in currency (exceptions: their priority; SHIPPED_NOT_IN_CRM: the order''s ordered value; INVOICED_NOT_SYNCED: its invoiced total; PARKED_EVENT: the parking priority).';
COMMENT ON COLUMN reporting.sla_breaches.detail IS 'Hold id, SKU, exception code, channel order id or downstream system, depending on the rule.';

-- Down Migration
CREATE OR REPLACE VIEW reporting.sla_breaches AS
WITH rules AS (SELECT rule, threshold FROM reporting.sla_rules),
conditions AS (
  SELECT 'RECEIVED_NOT_ACCEPTED' AS rule, o.order_key, NULL::integer AS line_no, o.sold_to, o.received_at AS since,
         o.open_value AS value_at_risk, o.currency, o.channel_order_id AS detail
    FROM reporting.crm_orders o WHERE o.status = 'RECEIVED'
  UNION ALL
  SELECT 'CREDIT_HOLD', o.order_key, NULL, o.sold_to, (h->>'since')::timestamptz, o.open_value, o.currency, h->>'id'
    FROM reporting.crm_orders o CROSS JOIN LATERAL jsonb_array_elements(o.active_holds) h
   WHERE h->>'type' = 'CREDIT' AND (h->>'blocking')::boolean AND o.status NOT IN ('REJECTED', 'CANCELLED', 'CLOSED')
  UNION ALL
  SELECT 'OPEN_WITHOUT_ETA', b.order_key, b.line_no, b.sold_to, b.accepted_at, b.open_value, b.currency, b.sku
    FROM reporting.backlog b JOIN reporting.crm_order_lines l USING (order_key, line_no)
   WHERE l.status = 'OPEN' AND b.accepted_at IS NOT NULL AND l.promised_ship_date IS NULL AND l.backorder_eta IS NULL
  UNION ALL
  SELECT 'PAST_PROMISED_SHIP_DATE', b.order_key, b.line_no, b.sold_to, (b.promised_ship_date + 1)::timestamptz, b.open_value, b.currency, b.sku
    FROM reporting.backlog b WHERE b.promised_ship_date IS NOT NULL
  UNION ALL
  SELECT 'DELIVERED_NOT_INVOICED', l.order_key, l.line_no, o.sold_to, l.delivered_at,
         greatest(l.shipped - l.invoiced, 0) * coalesce(l.unit_net_price, 0), o.currency, l.sku
    FROM reporting.crm_order_lines l JOIN reporting.crm_orders o USING (order_key)
   WHERE l.delivered > 0 AND l.invoiced < l.shipped AND l.delivered_at IS NOT NULL AND o.status <> 'CLOSED'
  UNION ALL
  SELECT 'RETURN_NOT_RECEIVED', o.order_key, NULL, o.sold_to, o.open_ra_since, 0, o.currency, NULL
    FROM reporting.crm_orders o WHERE o.open_return_qty > 0 AND o.open_ra_since IS NOT NULL
  UNION ALL
  SELECT 'OPEN_EXCEPTION', e.order_key, NULL, e.sold_to, e.raised_at, e.priority, e.currency, e.code
    FROM reporting.exceptions e WHERE e.status = 'OPEN' AND e.raised_at IS NOT NULL
)
SELECT c.rule, c.order_key, c.line_no, c.sold_to, c.since, c.since + r.threshold AS breached_at,
       now() - c.since AS age, c.value_at_risk, c.currency, c.detail
  FROM conditions c JOIN rules r USING (rule)
 WHERE c.since + r.threshold < now();
COMMENT ON VIEW reporting.sla_breaches IS 'Stuck orders and lines (docs/domain.md §4) as of now(), one row per breached rule; rank by value_at_risk. Thresholds in reporting.sla_rules. Not covered yet: missing CRM acknowledgement and unmatched events (they live outside the order streams).';
DELETE FROM reporting.sla_rules WHERE rule IN ('SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED', 'PARKED_EVENT');

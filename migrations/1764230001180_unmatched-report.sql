-- Up Migration
-- The unmatched queue, visible: what waits per alias, for people and BI, and
-- the rule that flags an alias waiting too long. Discards record who did it.
ALTER TABLE ledger.unmatched_transitions ADD COLUMN resolved_by text;
COMMENT ON COLUMN ledger.unmatched_transitions.resolved_by IS 'Who discarded it (the API key as SYSTEM:keyId); NULL when the ledger applied or refused it.';
GRANT UPDATE (resolved_by) ON ledger.unmatched_transitions TO ledger_writer;

CREATE VIEW reporting.unmatched_waiting AS
SELECT alias_kind, alias_value, alias_kind || ':' || alias_value AS alias,
       count(*)::integer AS transitions, array_agg(DISTINCT source_system ORDER BY source_system) AS source_systems,
       array_agg(DISTINCT type ORDER BY type) AS types, min(received_at) AS waiting_since, max(received_at) AS last_received_at
  FROM ledger.unmatched_transitions WHERE state = 'waiting'
 GROUP BY alias_kind, alias_value;
ALTER VIEW reporting.unmatched_waiting OWNER TO ledger_writer;
COMMENT ON VIEW reporting.unmatched_waiting IS 'The unmatched queue as of now: one row per alias (ERP number, soldTo:PO) that transitions name but no order has taken yet.';
COMMENT ON COLUMN reporting.unmatched_waiting.alias_kind IS 'erp = ERP order number; po = "<soldTo>:<customerPO>".';
COMMENT ON COLUMN reporting.unmatched_waiting.alias_value IS 'The alias as submitted.';
COMMENT ON COLUMN reporting.unmatched_waiting.alias IS 'kind:value, as the API addresses it (erp:4500012345).';
COMMENT ON COLUMN reporting.unmatched_waiting.transitions IS 'Transitions waiting under it.';
COMMENT ON COLUMN reporting.unmatched_waiting.source_systems IS 'Systems that submitted them.';
COMMENT ON COLUMN reporting.unmatched_waiting.types IS 'Their event types.';
COMMENT ON COLUMN reporting.unmatched_waiting.waiting_since IS 'When the oldest of them arrived.';
COMMENT ON COLUMN reporting.unmatched_waiting.last_received_at IS 'When the newest arrived.';

INSERT INTO reporting.sla_rules (rule, threshold, description) VALUES
  ('UNMATCHED_WAITING', interval '1 hour', 'Transitions name an alias no order has taken; detail = the alias and how many wait.');

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
  UNION ALL
  SELECT 'UNMATCHED_WAITING', NULL, NULL, CASE WHEN u.alias_kind = 'po' THEN split_part(u.alias_value, ':', 1) END, u.waiting_since,
         0, NULL, u.alias || ' (' || u.transitions || ' waiting)'
    FROM reporting.unmatched_waiting u
)
SELECT c.rule, c.order_key, c.line_no, c.sold_to, c.since, c.since + r.threshold AS breached_at,
       now() - c.since AS age, c.value_at_risk, c.currency, c.detail
  FROM conditions c JOIN rules r USING (rule)
 WHERE c.since + r.threshold < now();

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
DELETE FROM reporting.sla_rules WHERE rule = 'UNMATCHED_WAITING';
DROP VIEW IF EXISTS reporting.unmatched_waiting;
ALTER TABLE ledger.unmatched_transitions DROP COLUMN IF EXISTS resolved_by;

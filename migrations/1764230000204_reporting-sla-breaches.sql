-- Up Migration
-- Stuck-order rules of docs/domain.md §4. Thresholds are configuration: operators
-- change them with UPDATE reporting.sla_rules, no deploy needed.
CREATE TABLE reporting.sla_rules (
  rule        text      PRIMARY KEY,
  threshold   interval  NOT NULL,
  description text      NOT NULL
);
COMMENT ON TABLE reporting.sla_rules IS 'Thresholds of the stuck-order rules (docs/domain.md §4), read by reporting.sla_breaches. Edit to tune.';
COMMENT ON COLUMN reporting.sla_rules.rule IS 'Rule code, as in sla_breaches.rule.';
COMMENT ON COLUMN reporting.sla_rules.threshold IS 'How long the condition may last before it is a breach.';
COMMENT ON COLUMN reporting.sla_rules.description IS 'What the rule watches.';
INSERT INTO reporting.sla_rules (rule, threshold, description) VALUES
  ('RECEIVED_NOT_ACCEPTED', interval '30 minutes', 'Order still RECEIVED: the ERP has not accepted or rejected it.'),
  ('CREDIT_HOLD', interval '4 hours', 'A blocking credit hold is still active (wall-clock hours; business hours are not modelled yet).'),
  ('OPEN_WITHOUT_ETA', interval '24 hours', 'Accepted line still OPEN with neither a promised ship date nor a backorder ETA.'),
  ('PAST_PROMISED_SHIP_DATE', interval '0', 'Open quantity on a line whose promised ship date has passed.'),
  ('DELIVERED_NOT_INVOICED', interval '24 hours', 'Delivered line not fully invoiced.'),
  ('RETURN_NOT_RECEIVED', interval '30 days', 'Return authorised but not received.'),
  ('OPEN_EXCEPTION', interval '0', 'An exception raised by the ledger is not resolved.');

CREATE VIEW reporting.sla_breaches AS
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
COMMENT ON COLUMN reporting.sla_breaches.rule IS 'Rule code (reporting.sla_rules.rule).';
COMMENT ON COLUMN reporting.sla_breaches.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.sla_breaches.line_no IS 'Line concerned; NULL for order-level rules.';
COMMENT ON COLUMN reporting.sla_breaches.sold_to IS 'Sold-to account id.';
COMMENT ON COLUMN reporting.sla_breaches.since IS 'When the condition started.';
COMMENT ON COLUMN reporting.sla_breaches.breached_at IS 'since + threshold: when it became a breach.';
COMMENT ON COLUMN reporting.sla_breaches.age IS 'How long the condition has lasted.';
COMMENT ON COLUMN reporting.sla_breaches.value_at_risk IS 'Open value concerned, in currency (exceptions: their priority).';
COMMENT ON COLUMN reporting.sla_breaches.currency IS 'Currency of value_at_risk.';
COMMENT ON COLUMN reporting.sla_breaches.detail IS 'Hold id, SKU, exception code or channel order id, depending on the rule.';

-- Down Migration
DROP VIEW IF EXISTS reporting.sla_breaches;
DROP TABLE IF EXISTS reporting.sla_rules;

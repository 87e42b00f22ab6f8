-- Up Migration
-- Per-line and per-order facts of the `orders` projection, and the views
-- that aggregate them by day (docs/domain.md §4). Aggregating in views keeps
-- every daily number an exact function of rows the fold produced.

CREATE TABLE reporting.fill_rate_lines (
  order_key           text        NOT NULL,
  line_no             integer     NOT NULL,
  day                 date        NOT NULL,
  sold_to             text,
  warehouse           text,
  channel             text,
  net_qty             numeric     NOT NULL,
  first_shipment_qty  numeric     NOT NULL,
  filled_first_time   boolean     NOT NULL,
  delivered_qty       numeric     NOT NULL,
  delivered_at        timestamptz,
  commit_date         date,
  otif                boolean     NOT NULL,
  otif_estimated      boolean     NOT NULL,
  PRIMARY KEY (order_key, line_no)
);
CREATE INDEX fill_rate_lines_day ON reporting.fill_rate_lines (day);
COMMENT ON TABLE reporting.fill_rate_lines IS 'Fill rate and OTIF facts of each shipped line with net > 0 (docs/domain.md §4), dated by its first shipment. Aggregated by reporting.fill_rate_daily. Projection orders.';
COMMENT ON COLUMN reporting.fill_rate_lines.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.fill_rate_lines.line_no IS 'Line number.';
COMMENT ON COLUMN reporting.fill_rate_lines.day IS 'UTC date of the line''s first shipment.';
COMMENT ON COLUMN reporting.fill_rate_lines.sold_to IS 'Sold-to account id (the customer).';
COMMENT ON COLUMN reporting.fill_rate_lines.warehouse IS 'Warehouse of the line (ship-from).';
COMMENT ON COLUMN reporting.fill_rate_lines.channel IS 'Sales channel.';
COMMENT ON COLUMN reporting.fill_rate_lines.net_qty IS 'net = ordered − cancelled (cancellations are excluded from fill rates).';
COMMENT ON COLUMN reporting.fill_rate_lines.first_shipment_qty IS 'Quantity of the first shipment.';
COMMENT ON COLUMN reporting.fill_rate_lines.filled_first_time IS 'first_shipment_qty >= net_qty.';
COMMENT ON COLUMN reporting.fill_rate_lines.delivered_qty IS 'Delivered quantity (shipped quantity when the delivery is estimated).';
COMMENT ON COLUMN reporting.fill_rate_lines.delivered_at IS 'Latest delivery; estimated as first shipment + standard transit days without proof of delivery.';
COMMENT ON COLUMN reporting.fill_rate_lines.commit_date IS 'The date delivery was committed for (the projection''s commitDate setting: latest promised ship date by default).';
COMMENT ON COLUMN reporting.fill_rate_lines.otif IS 'On time in full: delivered_qty >= net × (1 − tolerance) and delivered_at on or before commit_date.';
COMMENT ON COLUMN reporting.fill_rate_lines.otif_estimated IS 'True when delivered_at is estimated (no proof of delivery yet).';

CREATE VIEW reporting.fill_rate_daily AS
WITH orders AS (
  SELECT order_key, bool_and(filled_first_time) AS filled, bool_and(otif) AS otif
    FROM reporting.fill_rate_lines GROUP BY order_key
)
SELECT l.day, l.sold_to, l.warehouse, l.channel,
       count(*)::integer AS lines,
       (count(*) FILTER (WHERE l.filled_first_time))::integer AS lines_filled,
       round(avg(l.filled_first_time::int), 4) AS line_fill_rate,
       round(sum(least(l.first_shipment_qty, l.net_qty)) / nullif(sum(l.net_qty), 0), 4) AS unit_fill_rate,
       count(DISTINCT l.order_key)::integer AS orders,
       (count(DISTINCT l.order_key) FILTER (WHERE o.filled))::integer AS orders_filled,
       round((count(DISTINCT l.order_key) FILTER (WHERE o.filled))::numeric / count(DISTINCT l.order_key), 4) AS order_fill_rate,
       round(avg(l.otif::int), 4) AS line_otif_rate,
       round((count(DISTINCT l.order_key) FILTER (WHERE o.otif))::numeric / count(DISTINCT l.order_key), 4) AS order_otif_rate,
       bool_or(l.otif_estimated) AS includes_estimates
  FROM reporting.fill_rate_lines l JOIN orders o USING (order_key)
 GROUP BY l.day, l.sold_to, l.warehouse, l.channel;
COMMENT ON VIEW reporting.fill_rate_daily IS 'Line, unit and order fill rate (first shipment) and OTIF by day, customer, warehouse and channel (docs/domain.md §4). An order counts as filled/OTIF only when all its shipped lines are.';
COMMENT ON COLUMN reporting.fill_rate_daily.day IS 'UTC date of first shipment.';
COMMENT ON COLUMN reporting.fill_rate_daily.sold_to IS 'Customer (sold-to account).';
COMMENT ON COLUMN reporting.fill_rate_daily.warehouse IS 'Ship-from warehouse.';
COMMENT ON COLUMN reporting.fill_rate_daily.channel IS 'Sales channel.';
COMMENT ON COLUMN reporting.fill_rate_daily.lines IS 'Lines measured.';
COMMENT ON COLUMN reporting.fill_rate_daily.lines_filled IS 'Lines whose first shipment covered net.';
COMMENT ON COLUMN reporting.fill_rate_daily.line_fill_rate IS 'LFR = lines_filled ÷ lines.';
COMMENT ON COLUMN reporting.fill_rate_daily.unit_fill_rate IS 'UFR = Σ first shipment qty (capped at net) ÷ Σ net.';
COMMENT ON COLUMN reporting.fill_rate_daily.orders IS 'Orders with a line in the group.';
COMMENT ON COLUMN reporting.fill_rate_daily.orders_filled IS 'Of those, orders whose every line was filled first time.';
COMMENT ON COLUMN reporting.fill_rate_daily.order_fill_rate IS 'OFR = orders_filled ÷ orders.';
COMMENT ON COLUMN reporting.fill_rate_daily.line_otif_rate IS 'Share of lines on time in full.';
COMMENT ON COLUMN reporting.fill_rate_daily.order_otif_rate IS 'Share of orders whose every line is OTIF.';
COMMENT ON COLUMN reporting.fill_rate_daily.includes_estimates IS 'True when some delivery times are estimated (no proof of delivery).';

CREATE TABLE reporting.order_kpis (
  order_key                   text        PRIMARY KEY,
  day                         date,
  sold_to                     text,
  customer_po                 text,
  channel                     text,
  received_at                 timestamptz,
  accepted_at                 timestamptz,
  acceptance_latency_seconds  numeric,
  delivered_at                timestamptz,
  cycle_time_seconds          numeric
);
CREATE INDEX order_kpis_po ON reporting.order_kpis (sold_to, customer_po);
COMMENT ON TABLE reporting.order_kpis IS 'Per-order timing facts behind reporting.kpi_daily (docs/domain.md §4). Projection orders.';
COMMENT ON COLUMN reporting.order_kpis.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.order_kpis.day IS 'UTC date the order was received.';
COMMENT ON COLUMN reporting.order_kpis.sold_to IS 'Sold-to account id.';
COMMENT ON COLUMN reporting.order_kpis.customer_po IS 'Customer PO (duplicate detection: same sold_to and PO).';
COMMENT ON COLUMN reporting.order_kpis.channel IS 'Sales channel.';
COMMENT ON COLUMN reporting.order_kpis.received_at IS 'OrderReceived business time.';
COMMENT ON COLUMN reporting.order_kpis.accepted_at IS 'OrderAccepted business time.';
COMMENT ON COLUMN reporting.order_kpis.acceptance_latency_seconds IS 'accepted_at − received_at, in seconds.';
COMMENT ON COLUMN reporting.order_kpis.delivered_at IS 'Latest line delivery, once every line with net > 0 is fully delivered.';
COMMENT ON COLUMN reporting.order_kpis.cycle_time_seconds IS 'Order cycle time = delivered_at − received_at, in seconds.';

CREATE TABLE reporting.exceptions (
  exception_id  uuid        NOT NULL,
  order_key     text        NOT NULL,
  code          text,
  priority      numeric     NOT NULL,
  currency      text,
  sold_to       text,
  line_nos      integer[]   NOT NULL,
  event_id      uuid,
  raised_at     timestamptz,
  resolved_at   timestamptz,
  status        text        NOT NULL,
  PRIMARY KEY (order_key, exception_id)
);
CREATE INDEX exceptions_open ON reporting.exceptions (status, priority DESC);
COMMENT ON TABLE reporting.exceptions IS 'Exceptions the ledger raised on orders (ExceptionRaised/ExceptionResolved), ranked by value at risk. Projection orders.';
COMMENT ON COLUMN reporting.exceptions.exception_id IS 'The exception id (the ExceptionRaised event''s id).';
COMMENT ON COLUMN reporting.exceptions.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.exceptions.code IS 'Exception code, e.g. OVERSHIPPED, INVOICE_BEFORE_SHIPMENT, ACTED_WHILE_HELD.';
COMMENT ON COLUMN reporting.exceptions.priority IS 'Open value at risk when raised, in currency: the queue ranks by it.';
COMMENT ON COLUMN reporting.exceptions.currency IS 'Currency of priority (the order''s).';
COMMENT ON COLUMN reporting.exceptions.sold_to IS 'Sold-to account id.';
COMMENT ON COLUMN reporting.exceptions.line_nos IS 'Lines concerned (empty: the whole order).';
COMMENT ON COLUMN reporting.exceptions.event_id IS 'The fact that triggered the exception.';
COMMENT ON COLUMN reporting.exceptions.raised_at IS 'When it was raised (business time).';
COMMENT ON COLUMN reporting.exceptions.resolved_at IS 'When it was resolved; NULL while open.';
COMMENT ON COLUMN reporting.exceptions.status IS 'OPEN or RESOLVED.';

CREATE VIEW reporting.kpi_daily AS
WITH orders AS (
  SELECT k.*, EXISTS (
           SELECT 1 FROM reporting.order_kpis d
            WHERE d.sold_to = k.sold_to AND d.customer_po = k.customer_po AND d.order_key <> k.order_key
              AND (d.received_at, d.order_key) < (k.received_at, k.order_key)) AS duplicate
    FROM reporting.order_kpis k WHERE k.day IS NOT NULL
), resolutions AS (
  SELECT raised_at::date AS day,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at)) AS p50,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at)) AS p95,
         count(*)::integer AS resolved
    FROM reporting.exceptions WHERE resolved_at IS NOT NULL AND raised_at IS NOT NULL GROUP BY 1
), by_day AS (
  SELECT day, count(*)::integer AS orders,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY acceptance_latency_seconds) AS acceptance_latency_p50_seconds,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY acceptance_latency_seconds) AS acceptance_latency_p95_seconds,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_seconds) AS cycle_time_p50_seconds,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_time_seconds) AS cycle_time_p90_seconds,
         (count(*) FILTER (WHERE duplicate))::integer AS duplicate_orders
    FROM orders GROUP BY day
)
SELECT coalesce(d.day, r.day) AS day, coalesce(d.orders, 0) AS orders,
       d.acceptance_latency_p50_seconds, d.acceptance_latency_p95_seconds,
       d.cycle_time_p50_seconds, d.cycle_time_p90_seconds,
       coalesce(d.duplicate_orders, 0) AS duplicate_orders,
       round(coalesce(d.duplicate_orders, 0)::numeric / nullif(d.orders, 0), 4) AS duplicate_order_rate,
       coalesce(r.resolved, 0) AS exceptions_resolved,
       r.p50 AS exception_resolution_p50_seconds, r.p95 AS exception_resolution_p95_seconds
  FROM by_day d FULL JOIN resolutions r USING (day);
COMMENT ON VIEW reporting.kpi_daily IS 'Executive KPIs by day (docs/domain.md §4): acceptance latency p50/p95, order cycle time p50/p90, business duplicate order rate, exception resolution time p50/p95.';
COMMENT ON COLUMN reporting.kpi_daily.day IS 'UTC date orders were received (exceptions: date raised).';
COMMENT ON COLUMN reporting.kpi_daily.orders IS 'Orders received that day.';
COMMENT ON COLUMN reporting.kpi_daily.acceptance_latency_p50_seconds IS 'Median OrderAccepted − OrderReceived, seconds.';
COMMENT ON COLUMN reporting.kpi_daily.acceptance_latency_p95_seconds IS '95th percentile acceptance latency, seconds.';
COMMENT ON COLUMN reporting.kpi_daily.cycle_time_p50_seconds IS 'Median order cycle time (delivered − received) of fully delivered orders, seconds.';
COMMENT ON COLUMN reporting.kpi_daily.cycle_time_p90_seconds IS '90th percentile order cycle time, seconds.';
COMMENT ON COLUMN reporting.kpi_daily.duplicate_orders IS 'Orders that repeat an earlier order''s sold-to and customer PO (business duplicates).';
COMMENT ON COLUMN reporting.kpi_daily.duplicate_order_rate IS 'duplicate_orders ÷ orders.';
COMMENT ON COLUMN reporting.kpi_daily.exceptions_resolved IS 'Exceptions raised that day and since resolved.';
COMMENT ON COLUMN reporting.kpi_daily.exception_resolution_p50_seconds IS 'Median resolvedAt − raisedAt, seconds.';
COMMENT ON COLUMN reporting.kpi_daily.exception_resolution_p95_seconds IS '95th percentile resolution time, seconds.';

-- Down Migration
DROP VIEW IF EXISTS reporting.kpi_daily;
DROP TABLE IF EXISTS reporting.exceptions;
DROP TABLE IF EXISTS reporting.order_kpis;
DROP VIEW IF EXISTS reporting.fill_rate_daily;
DROP TABLE IF EXISTS reporting.fill_rate_lines;

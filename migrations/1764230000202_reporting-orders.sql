-- Up Migration
-- The `orders` projection: every table below is derived from one folded
-- OrderState per order (the domain's own evolve), at one checkpoint, so the
-- CRM view, the backlog, fill rates, exceptions and KPIs always agree.

CREATE TABLE reporting.order_state (
  order_key   text        PRIMARY KEY,
  state       jsonb       NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE reporting.order_state IS 'The domain OrderState of each order, folded from its events (projection orders); every other orders table is derived from it.';
COMMENT ON COLUMN reporting.order_state.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.order_state.state IS 'OrderState as the domain''s evolve() computes it (JSON).';
COMMENT ON COLUMN reporting.order_state.updated_at IS 'When the projection last wrote the row.';

CREATE TABLE reporting.crm_orders (
  order_key           text        PRIMARY KEY,
  sold_to             text,
  ship_to             text,
  channel             text,
  channel_order_id    text,
  customer_po         text,
  erp_order_number    text,
  currency            text,
  status              text        NOT NULL,
  display_status      text        NOT NULL,
  active_holds        jsonb       NOT NULL,
  requested_ship_date date,
  promised_ship_date  date,
  expected_ship_date  date,
  last_milestone      text,
  last_milestone_at   timestamptz,
  ordered_value       numeric     NOT NULL,
  open_value          numeric     NOT NULL,
  line_count          integer     NOT NULL,
  backordered_lines   jsonb       NOT NULL,
  shipments           jsonb       NOT NULL,
  tracking            jsonb       NOT NULL,
  invoices            jsonb       NOT NULL,
  invoiced_total      numeric     NOT NULL,
  credited_total      numeric     NOT NULL,
  open_return_qty     numeric     NOT NULL,
  open_ra_since       timestamptz,
  open_exceptions     integer     NOT NULL,
  received_at         timestamptz,
  accepted_at         timestamptz,
  first_shipped_at    timestamptz,
  delivered_at        timestamptz,
  closed_at           timestamptz,
  last_event_at       timestamptz
);
CREATE INDEX crm_orders_sold_to ON reporting.crm_orders (sold_to, received_at DESC);
COMMENT ON TABLE reporting.crm_orders IS 'CRM order view (docs/domain.md §5), one row per order: status, holds, dates, milestones, value, shipments, invoices, returns. Projection orders.';
COMMENT ON COLUMN reporting.crm_orders.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.crm_orders.sold_to IS 'Sold-to account id (the CRM account).';
COMMENT ON COLUMN reporting.crm_orders.ship_to IS 'Ship-to party id.';
COMMENT ON COLUMN reporting.crm_orders.channel IS 'Sales channel: ECOMMERCE, MARKETPLACE, INSIDE_SALES, FIELD_SALES or EDI.';
COMMENT ON COLUMN reporting.crm_orders.channel_order_id IS 'The order number in the sales channel.';
COMMENT ON COLUMN reporting.crm_orders.customer_po IS 'Customer purchase order number.';
COMMENT ON COLUMN reporting.crm_orders.erp_order_number IS 'ERP sales order number (from OrderAccepted/OrderRejected).';
COMMENT ON COLUMN reporting.crm_orders.currency IS 'Order currency (ISO 4217); every value column is in it.';
COMMENT ON COLUMN reporting.crm_orders.status IS 'Order status (docs/domain.md §1): RECEIVED, ACCEPTED, REJECTED, a line roll-up such as PARTIALLY_SHIPPED, CANCELLED or CLOSED; NONE when only facts arrived so far.';
COMMENT ON COLUMN reporting.crm_orders.display_status IS 'What the CRM shows: ON_HOLD(type) while a blocking hold is active and nothing shipped, else status.';
COMMENT ON COLUMN reporting.crm_orders.active_holds IS 'Active holds as [{id, type, blocking, since}].';
COMMENT ON COLUMN reporting.crm_orders.requested_ship_date IS 'Requested ship date of the order header.';
COMMENT ON COLUMN reporting.crm_orders.promised_ship_date IS 'Earliest promised ship date among lines still open.';
COMMENT ON COLUMN reporting.crm_orders.expected_ship_date IS 'Latest of the open lines'' promised ship date and backorder availability date: when the order should be complete.';
COMMENT ON COLUMN reporting.crm_orders.last_milestone IS 'Furthest milestone reached: RECEIVED, ACCEPTED, REJECTED, SHIPPED, DELIVERED or CLOSED.';
COMMENT ON COLUMN reporting.crm_orders.last_milestone_at IS 'Business time of last_milestone.';
COMMENT ON COLUMN reporting.crm_orders.ordered_value IS 'Σ net quantity × unit net price.';
COMMENT ON COLUMN reporting.crm_orders.open_value IS 'Σ open quantity × unit net price (open = net − shipped).';
COMMENT ON COLUMN reporting.crm_orders.line_count IS 'Number of lines known for the order.';
COMMENT ON COLUMN reporting.crm_orders.backordered_lines IS 'Backordered lines as [{lineNo, sku, qty, eta}].';
COMMENT ON COLUMN reporting.crm_orders.shipments IS 'Shipments as [{shipmentId, shippedAt, qty}] (ship documents at their latest revision).';
COMMENT ON COLUMN reporting.crm_orders.tracking IS 'Carrier tracking as [{trackingNumber, statusCode, eta, delivered}].';
COMMENT ON COLUMN reporting.crm_orders.invoices IS 'Invoices as [{invoiceNumber, total, cancelled}].';
COMMENT ON COLUMN reporting.crm_orders.invoiced_total IS 'Invoice totals net of cancellations.';
COMMENT ON COLUMN reporting.crm_orders.credited_total IS 'Credit memo totals.';
COMMENT ON COLUMN reporting.crm_orders.open_return_qty IS 'Σ returnAuthorized − returned over lines: return authorisations not yet received.';
COMMENT ON COLUMN reporting.crm_orders.open_ra_since IS 'Business time of the earliest return authorisation while some RA quantity is unreceived.';
COMMENT ON COLUMN reporting.crm_orders.open_exceptions IS 'Exceptions raised on the order and not resolved.';
COMMENT ON COLUMN reporting.crm_orders.received_at IS 'OrderReceived business time.';
COMMENT ON COLUMN reporting.crm_orders.accepted_at IS 'OrderAccepted business time.';
COMMENT ON COLUMN reporting.crm_orders.first_shipped_at IS 'Earliest shipment of any line.';
COMMENT ON COLUMN reporting.crm_orders.delivered_at IS 'Latest delivery of any line.';
COMMENT ON COLUMN reporting.crm_orders.closed_at IS 'OrderClosed business time.';
COMMENT ON COLUMN reporting.crm_orders.last_event_at IS 'recordedAt of the newest event applied to this order; now() minus it is the staleness.';

CREATE TABLE reporting.crm_order_lines (
  order_key          text     NOT NULL,
  line_no            integer  NOT NULL,
  sku                text,
  uom                text,
  status             text     NOT NULL,
  ordered            numeric  NOT NULL,
  cancelled          numeric  NOT NULL,
  net                numeric  NOT NULL,
  allocated          numeric  NOT NULL,
  backordered        numeric  NOT NULL,
  shipped            numeric  NOT NULL,
  delivered          numeric  NOT NULL,
  invoiced           numeric  NOT NULL,
  return_authorized  numeric  NOT NULL,
  returned           numeric  NOT NULL,
  open               numeric  NOT NULL,
  unit_net_price     numeric,
  open_value         numeric  NOT NULL,
  requested_date     date,
  promised_ship_date date,
  ship_from          text,
  backorder_eta      date,
  released           boolean  NOT NULL,
  first_shipped_at   timestamptz,
  delivered_at       timestamptz,
  PRIMARY KEY (order_key, line_no)
);
COMMENT ON TABLE reporting.crm_order_lines IS 'CRM order view, one row per order line: quantity buckets and line status (docs/domain.md §1). Projection orders.';
COMMENT ON COLUMN reporting.crm_order_lines.order_key IS 'The ledger''s order key (crm_orders.order_key).';
COMMENT ON COLUMN reporting.crm_order_lines.line_no IS 'Line number, unique per order.';
COMMENT ON COLUMN reporting.crm_order_lines.sku IS 'Item (SKU).';
COMMENT ON COLUMN reporting.crm_order_lines.uom IS 'Unit of measure of every quantity of the line.';
COMMENT ON COLUMN reporting.crm_order_lines.status IS 'Line status (docs/domain.md §1 rules 1–12): OPEN, BACKORDERED, PARTIALLY_ALLOCATED, ALLOCATED, PARTIALLY_SHIPPED, SHIPPED, DELIVERED, INVOICED, PARTIALLY_RETURNED, RETURNED, CANCELLED, CLOSED.';
COMMENT ON COLUMN reporting.crm_order_lines.ordered IS 'Ordered quantity (latest change).';
COMMENT ON COLUMN reporting.crm_order_lines.cancelled IS 'Cancelled quantity.';
COMMENT ON COLUMN reporting.crm_order_lines.net IS 'ordered − cancelled.';
COMMENT ON COLUMN reporting.crm_order_lines.allocated IS 'Open reservation (allocated and not yet shipped).';
COMMENT ON COLUMN reporting.crm_order_lines.backordered IS 'Backordered quantity.';
COMMENT ON COLUMN reporting.crm_order_lines.shipped IS 'Shipped quantity, net of reversals.';
COMMENT ON COLUMN reporting.crm_order_lines.delivered IS 'Delivered quantity.';
COMMENT ON COLUMN reporting.crm_order_lines.invoiced IS 'Invoiced quantity, net of cancelled invoices.';
COMMENT ON COLUMN reporting.crm_order_lines.return_authorized IS 'Quantity authorised for return (RA).';
COMMENT ON COLUMN reporting.crm_order_lines.returned IS 'Quantity received back.';
COMMENT ON COLUMN reporting.crm_order_lines.open IS 'net − shipped: still to ship.';
COMMENT ON COLUMN reporting.crm_order_lines.unit_net_price IS 'Unit net price in the order currency (latest).';
COMMENT ON COLUMN reporting.crm_order_lines.open_value IS 'open × unit net price.';
COMMENT ON COLUMN reporting.crm_order_lines.requested_date IS 'Requested date of the line (or of the order).';
COMMENT ON COLUMN reporting.crm_order_lines.promised_ship_date IS 'Latest promised ship date.';
COMMENT ON COLUMN reporting.crm_order_lines.ship_from IS 'Warehouse the line ships from.';
COMMENT ON COLUMN reporting.crm_order_lines.backorder_eta IS 'Availability date of the latest backorder.';
COMMENT ON COLUMN reporting.crm_order_lines.released IS 'True once released to the warehouse.';
COMMENT ON COLUMN reporting.crm_order_lines.first_shipped_at IS 'When the line first shipped.';
COMMENT ON COLUMN reporting.crm_order_lines.delivered_at IS 'Latest delivery of the line.';

CREATE TABLE reporting.backlog (
  order_key          text        NOT NULL,
  line_no            integer     NOT NULL,
  sold_to            text,
  channel            text,
  warehouse          text,
  sku                text,
  stage              text        NOT NULL,
  open_qty           numeric     NOT NULL,
  open_value         numeric     NOT NULL,
  currency           text,
  accepted_at        timestamptz,
  received_at        timestamptz,
  promised_ship_date date,
  PRIMARY KEY (order_key, line_no)
);
CREATE INDEX backlog_stage ON reporting.backlog (stage);
COMMENT ON TABLE reporting.backlog IS 'Backlog (docs/domain.md §4): one row per line with open > 0 on an order that is not REJECTED, CANCELLED or CLOSED. Age buckets and past due depend on now(): see view reporting.backlog_summary. Projection orders.';
COMMENT ON COLUMN reporting.backlog.order_key IS 'The ledger''s order key.';
COMMENT ON COLUMN reporting.backlog.line_no IS 'Line number.';
COMMENT ON COLUMN reporting.backlog.sold_to IS 'Sold-to account id.';
COMMENT ON COLUMN reporting.backlog.channel IS 'Sales channel.';
COMMENT ON COLUMN reporting.backlog.warehouse IS 'Ship-from warehouse (NULL until the ERP names one).';
COMMENT ON COLUMN reporting.backlog.sku IS 'Item (SKU).';
COMMENT ON COLUMN reporting.backlog.stage IS 'ON_HOLD (a blocking hold covers the line), RELEASED (allocated and released to the warehouse), ALLOCATED (allocated covers open, or part of it), BACKORDERED, or OPEN.';
COMMENT ON COLUMN reporting.backlog.open_qty IS 'Open quantity (net − shipped).';
COMMENT ON COLUMN reporting.backlog.open_value IS 'open_qty × unit net price, in currency.';
COMMENT ON COLUMN reporting.backlog.currency IS 'Order currency.';
COMMENT ON COLUMN reporting.backlog.accepted_at IS 'When the ERP accepted the order; age is measured from it (from received_at before acceptance).';
COMMENT ON COLUMN reporting.backlog.received_at IS 'When the order was received.';
COMMENT ON COLUMN reporting.backlog.promised_ship_date IS 'Promised ship date; the line is past due once it is before today.';

CREATE VIEW reporting.backlog_summary AS
SELECT b.stage,
       CASE
         WHEN now() - coalesce(b.accepted_at, b.received_at) <= interval '2 days' THEN '0-2'
         WHEN now() - coalesce(b.accepted_at, b.received_at) <= interval '7 days' THEN '3-7'
         WHEN now() - coalesce(b.accepted_at, b.received_at) <= interval '14 days' THEN '8-14'
         WHEN now() - coalesce(b.accepted_at, b.received_at) <= interval '30 days' THEN '15-30'
         ELSE '>30'
       END AS age_bucket,
       b.currency,
       count(*)::integer AS lines,
       sum(b.open_qty) AS open_qty,
       sum(b.open_value) AS open_value,
       (count(*) FILTER (WHERE b.promised_ship_date < current_date))::integer AS past_due_lines,
       coalesce(sum(b.open_value) FILTER (WHERE b.promised_ship_date < current_date), 0) AS past_due_value
  FROM reporting.backlog b
 GROUP BY 1, 2, 3;
COMMENT ON VIEW reporting.backlog_summary IS 'Backlog by stage and age bucket (0-2, 3-7, 8-14, 15-30, >30 days since acceptance, as of now()), with value and past-due lines.';
COMMENT ON COLUMN reporting.backlog_summary.stage IS 'Backlog stage (see reporting.backlog.stage).';
COMMENT ON COLUMN reporting.backlog_summary.age_bucket IS 'Days since acceptance: 0-2, 3-7, 8-14, 15-30 or >30.';
COMMENT ON COLUMN reporting.backlog_summary.currency IS 'Currency of the values.';
COMMENT ON COLUMN reporting.backlog_summary.lines IS 'Open lines.';
COMMENT ON COLUMN reporting.backlog_summary.open_qty IS 'Σ open quantity (mixed units of measure: use per SKU for physical totals).';
COMMENT ON COLUMN reporting.backlog_summary.open_value IS 'Σ open value.';
COMMENT ON COLUMN reporting.backlog_summary.past_due_lines IS 'Lines whose promised ship date is before today.';
COMMENT ON COLUMN reporting.backlog_summary.past_due_value IS 'Open value of the past-due lines.';

-- Down Migration
DROP VIEW IF EXISTS reporting.backlog_summary;
DROP TABLE IF EXISTS reporting.backlog;
DROP TABLE IF EXISTS reporting.crm_order_lines;
DROP TABLE IF EXISTS reporting.crm_orders;
DROP TABLE IF EXISTS reporting.order_state;

import type { DomainEvent } from '../domain/events.js';
import type { OrderState } from '../domain/orderState.js';
import { activeHolds, displayStatus, orderStatus, statusOfLine } from '../domain/orderStatus.js';
import { openValue } from './orderValueAtRisk.js';

interface Shipment {
  shipmentId: string;
  shippedAt: string;
  shipFrom: string;
  carrier: string | null;
  service: string | null;
  trackingNumbers: string[];
  /** From the carrier's latest status (X12 214). */
  lastStatusCode: string | null;
  eta: string | null;
  delivered: boolean;
  deliveredAt: string | null;
  reversed: boolean;
}

interface Invoice { invoiceNumber: string; invoiceDate: string; total: number; currency: string; cancelled: boolean }

/** What a CRM shows of one order (docs/domain.md §5 "CRM view"), as of one event. */
export interface CrmOrderView {
  orderKey: string | null;
  erpOrderNumber: string | null;
  channel: string | null;
  channelOrderId: string | null;
  customerPO: string | null;
  soldTo: string | null;
  status: string;
  displayStatus: string;
  holds: { id: string; type: string; blocking: boolean; since: string | null }[];
  dates: { requested: string | null; promised: string | null; expected: string | null };
  milestones: OrderState['milestones'];
  lastMilestone: { type: string; at: string } | null;
  openValue: { amount: number; currency: string | null };
  lines: { lineNo: number; sku: string | null; uom: string | null; ordered: number; open: number; shipped: number; status: string; backorderEta: string | null }[];
  shipments: Shipment[];
  invoices: Invoice[];
  openReturns: { raNumber: string; authorized: number; received: number }[];
}

const milestoneTypes = new Set([
  'OrderReceived', 'OrderAccepted', 'OrderRejected', 'HoldApplied', 'HoldReleased', 'InventoryAllocated', 'LineBackordered',
  'ReleasedToWarehouse', 'Picked', 'Packed', 'ShipmentConfirmed', 'CarrierStatusUpdated', 'DeliveryConfirmed',
  'InvoicePosted', 'LineCancelled', 'ReturnAuthorized', 'ReturnReceived', 'CreditMemoIssued', 'OrderClosed',
]);

/** The CRM view of an order from its folded state and its events (shipments, invoices and returns come from the facts). */
export function crmOrderView(state: OrderState, events: readonly DomainEvent[]): CrmOrderView {
  const lines = Object.values(state.lines).sort((a, b) => a.lineNo - b.lineNo);
  const promised = lines.map((l) => l.promisedShipDate).filter((d): d is string => d !== null).sort();
  const etas = lines.map((l) => l.backorderEta).filter((d): d is string => d !== null).sort();
  return {
    orderKey: state.orderKey,
    erpOrderNumber: state.decision?.erpOrderNumber ?? null,
    channel: state.header?.channel ?? null,
    channelOrderId: state.header?.channelOrderId ?? null,
    customerPO: state.header?.customerPO ?? null,
    soldTo: state.header?.soldTo ?? null,
    status: orderStatus(state),
    displayStatus: displayStatus(state),
    holds: activeHolds(state).map((h) => ({ id: h.id, type: h.type, blocking: h.blocking, since: h.appliedAt })),
    dates: { requested: state.header?.requestedShipDate ?? null, promised: promised[0] ?? null, expected: etas[etas.length - 1] ?? promised[0] ?? null },
    milestones: state.milestones,
    lastMilestone: lastMilestone(events),
    openValue: { amount: openValue(state), currency: state.header?.currency ?? null },
    lines: lines.map((l) => ({
      lineNo: l.lineNo, sku: l.sku, uom: l.uom, ordered: l.buckets.net, open: l.buckets.open, shipped: l.buckets.shipped,
      status: statusOfLine(l), backorderEta: l.buckets.backordered > 0 ? l.backorderEta : null,
    })),
    shipments: shipmentsOf(state, events),
    invoices: invoicesOf(events),
    openReturns: returnsOf(events),
  };
}

function lastMilestone(events: readonly DomainEvent[]): { type: string; at: string } | null {
  let last: { type: string; at: string } | null = null;
  for (const e of events) {
    if (milestoneTypes.has(e.type) && (!last || Date.parse(e.envelope.occurredAt) >= Date.parse(last.at))) {
      last = { type: e.type, at: e.envelope.occurredAt };
    }
  }
  return last;
}

function shipmentsOf(state: OrderState, events: readonly DomainEvent[]): Shipment[] {
  const shipments = new Map<string, Shipment>();
  for (const e of events) {
    if (e.type === 'ShipmentConfirmed') {
      const d = e.data;
      shipments.set(d.shipmentId, {
        shipmentId: d.shipmentId, shippedAt: d.shippedAt, shipFrom: d.shipFrom, carrier: d.carrier?.scac ?? null,
        service: d.carrier?.service ?? null, trackingNumbers: d.trackingNumbers ?? [], lastStatusCode: null, eta: null,
        delivered: false, deliveredAt: null, reversed: shipments.get(d.shipmentId)?.reversed ?? false,
      });
    } else if (e.type === 'ShipmentReversed') {
      const s = shipments.get(e.data.shipmentId);
      if (s) s.reversed = true;
    } else if (e.type === 'DeliveryConfirmed' && e.data.shipmentId) {
      const s = shipments.get(e.data.shipmentId);
      if (s) Object.assign(s, { delivered: true, deliveredAt: e.data.deliveredAt });
    }
  }
  for (const s of shipments.values()) {
    const track = s.trackingNumbers.map((t) => state.carrier[t]).find((t) => t !== undefined);
    if (track) Object.assign(s, { lastStatusCode: track.lastStatusCode, eta: track.eta, delivered: s.delivered || track.delivered });
  }
  return [...shipments.values()];
}

function invoicesOf(events: readonly DomainEvent[]): Invoice[] {
  const invoices = new Map<string, Invoice>();
  for (const e of events) {
    if (e.type === 'InvoicePosted' || e.type === 'InvoiceCancelled') {
      const d = e.data;
      const cancelled = e.type === 'InvoiceCancelled' || (invoices.get(d.invoiceNumber)?.cancelled ?? false);
      invoices.set(d.invoiceNumber, { invoiceNumber: d.invoiceNumber, invoiceDate: d.invoiceDate, total: d.total.amount, currency: d.currency, cancelled });
    }
  }
  return [...invoices.values()];
}

function returnsOf(events: readonly DomainEvent[]): { raNumber: string; authorized: number; received: number }[] {
  const returns = new Map<string, { raNumber: string; authorized: number; received: number }>();
  const entry = (raNumber: string) => returns.get(raNumber) ?? returns.set(raNumber, { raNumber, authorized: 0, received: 0 }).get(raNumber)!;
  for (const e of events) {
    if (e.type === 'ReturnAuthorized') entry(e.data.raNumber).authorized += e.data.lines.reduce((s, l) => s + l.qty, 0);
    if (e.type === 'ReturnReceived') entry(e.data.raNumber).received += e.data.lines.reduce((s, l) => s + l.qty, 0);
  }
  return [...returns.values()].filter((r) => r.received < r.authorized);
}

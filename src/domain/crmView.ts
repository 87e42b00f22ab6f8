import { tidyQuantity } from './deriveLines.js';
import type { Buckets, DocumentContribution, ExceptionEntry, LineState, OrderState } from './orderState.js';
import { activeHolds, displayStatus, orderStatus, statusOfLine, type DisplayStatus, type OrderStatus } from './orderStatus.js';
import { lineOpenValue, lineOrderedValue, openValue, orderedValue, roundMoney } from './orderValue.js';

/**
 * What a CRM shows of one order: the single answer behind `reporting.crm_orders`,
 * `reporting.crm_order_lines`, `GET /v1/orders/{ref}` and the CRM sync webhook.
 * A pure function of the folded state, so every reader that folded the same
 * events shows the same figures. The rules are written out in docs/domain.md §5.
 */
export interface CrmView {
  readonly orderKey: string | null;
  readonly soldTo: string | null;
  readonly shipTo: string | null;
  readonly channel: string | null;
  readonly channelOrderId: string | null;
  readonly customerPO: string | null;
  readonly erpOrderNumber: string | null;
  readonly currency: string | null;
  readonly status: OrderStatus;
  readonly displayStatus: DisplayStatus;
  readonly holds: readonly { id: string; type: string; blocking: boolean; lineNos: readonly number[] | null; since: string | null }[];
  readonly dates: { readonly requested: string | null; readonly promised: string | null; readonly expected: string | null };
  readonly lastMilestone: { readonly type: Milestone; readonly at: string } | null;
  readonly milestones: OrderState['milestones'];
  readonly orderedValue: number;
  readonly openValue: number;
  readonly lines: readonly CrmLine[];
  readonly shipments: readonly CrmShipment[];
  readonly tracking: readonly { trackingNumber: string; statusCode: string; eta: string | null; delivered: boolean }[];
  readonly invoices: readonly { invoiceNumber: string; invoiceDate: string | null; total: number; cancelled: boolean }[];
  readonly invoicedTotal: number;
  readonly creditedTotal: number;
  readonly openReturnQty: number;
  readonly openRaSince: string | null;
  /** Raised and not yet resolved. */
  readonly openExceptions: readonly ExceptionEntry[];
}

export interface CrmLine {
  readonly lineNo: number;
  readonly sku: string | null;
  readonly uom: string | null;
  readonly status: string;
  readonly quantities: Buckets;
  readonly unitNetPrice: number | null;
  readonly orderedValue: number;
  readonly openValue: number;
  readonly requestedDate: string | null;
  readonly promisedShipDate: string | null;
  readonly shipFrom: string | null;
  /** Only while some of the line is backordered. */
  readonly backorderEta: string | null;
  readonly released: boolean;
  readonly firstShippedAt: string | null;
  readonly deliveredAt: string | null;
}

export interface CrmShipment {
  readonly shipmentId: string;
  readonly shippedAt: string | null;
  readonly shipFrom: string | null;
  readonly carrier: string | null;
  readonly service: string | null;
  readonly trackingNumbers: readonly string[];
  readonly qty: number;
  readonly reversed: boolean;
  readonly deliveredAt: string | null;
}

export type Milestone = 'RECEIVED' | 'ACCEPTED' | 'REJECTED' | 'SHIPPED' | 'DELIVERED' | 'CLOSED';

// Several read models show one order's view from the same fold; build it once per state.
const built = new WeakMap<OrderState, CrmView>();

export function crmView(state: OrderState): CrmView {
  let view = built.get(state);
  if (!view) built.set(state, (view = buildView(state)));
  return view;
}

function buildView(state: OrderState): CrmView {
  const lines = Object.values(state.lines).sort((a, b) => a.lineNo - b.lineNo);
  const open = lines.filter((l) => l.buckets.open > 0);
  const h = state.header;
  const openReturnQty = tidyQuantity(lines.reduce((sum, l) => sum + Math.max(0, l.buckets.returnAuthorized - l.buckets.returned), 0));
  return {
    orderKey: state.orderKey, soldTo: h?.soldTo ?? null, shipTo: h?.shipTo ?? null, channel: h?.channel ?? null,
    channelOrderId: h?.channelOrderId ?? null, customerPO: h?.customerPO ?? null,
    erpOrderNumber: state.decision?.erpOrderNumber ?? null, currency: h?.currency ?? null,
    status: orderStatus(state), displayStatus: displayStatus(state),
    holds: activeHolds(state).map((hold) => ({ id: hold.id, type: hold.type, blocking: hold.blocking, lineNos: hold.lineNos, since: hold.appliedAt })),
    dates: {
      requested: h?.requestedShipDate ?? null,
      promised: earliest(open.map((l) => l.promisedShipDate)),
      expected: latest(open.map((l) => (l.buckets.backordered > 0 ? l.backorderEta : null) ?? l.promisedShipDate)),
    },
    lastMilestone: lastMilestone(state),
    milestones: state.milestones,
    orderedValue: orderedValue(state),
    openValue: openValue(state),
    lines: lines.map((line) => crmLine(state, line)),
    shipments: shipmentsOf(state),
    tracking: Object.keys(state.carrier).sort().map((trackingNumber) => {
      const t = state.carrier[trackingNumber]!;
      return { trackingNumber, statusCode: t.lastStatusCode, eta: t.eta, delivered: t.delivered };
    }),
    invoices: invoicesOf(state),
    invoicedTotal: roundMoney(state.totals.invoiced),
    creditedTotal: roundMoney(state.totals.credited),
    openReturnQty,
    openRaSince: openReturnQty > 0 ? earliest(documentsOf(state, 'ra').map(([, d]) => d.occurredAt)) : null,
    openExceptions: Object.values(state.exceptions).filter((e) => e.raisedAt !== null && e.resolvedAt === null).sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

function crmLine(state: OrderState, line: LineState): CrmLine {
  return {
    lineNo: line.lineNo,
    sku: line.sku ?? line.reportedAs?.sku ?? null,
    uom: line.uom ?? line.reportedAs?.uom ?? null,
    status: statusOfLine(line),
    quantities: line.buckets,
    unitNetPrice: line.unitNetPrice,
    orderedValue: lineOrderedValue(line),
    openValue: lineOpenValue(state, line),
    requestedDate: line.requestedDate,
    promisedShipDate: line.promisedShipDate,
    shipFrom: line.shipFrom,
    backorderEta: line.buckets.backordered > 0 ? line.backorderEta : null,
    released: line.released,
    firstShippedAt: line.firstShipment?.at ?? null,
    deliveredAt: line.deliveredAt,
  };
}

/** The furthest milestone reached; holds are not milestones (they show in the display status). */
function lastMilestone(state: OrderState): CrmView['lastMilestone'] {
  const m = state.milestones;
  const ladder: [Milestone, string | null][] = [
    ['CLOSED', m.closedAt], ['DELIVERED', m.deliveredAt], ['SHIPPED', m.firstShippedAt],
    ['REJECTED', m.rejectedAt], ['ACCEPTED', m.acceptedAt], ['RECEIVED', m.receivedAt],
  ];
  const found = ladder.find(([, at]) => at !== null);
  return found ? { type: found[0], at: found[1]! } : null;
}

function shipmentsOf(state: OrderState): CrmShipment[] {
  const reversed = new Set(documentsOf(state, 'reverse').map(([, d]) => d.shipment?.shipmentId));
  const deliveredAt = new Map<string, string>();
  for (const [, d] of documentsOf(state, 'deliver')) {
    const id = d.shipment?.shipmentId;
    const at = latest(Object.values(d.lines).map((l) => l.date));
    if (id !== undefined && at !== null && (deliveredAt.get(id) ?? '') < at) deliveredAt.set(id, at);
  }
  return documentsOf(state, 'ship').map(([key, d]) => {
    const s = d.shipment;
    const shipmentId = s?.shipmentId ?? docIdOf(key);
    const trackingNumbers = s?.trackingNumbers ?? [];
    const tracked = trackingNumbers.some((t) => state.carrier[t]?.delivered === true);
    const entries = Object.values(d.lines);
    return {
      shipmentId, shippedAt: entries[0]?.date ?? null, shipFrom: s?.shipFrom ?? null, carrier: s?.carrier ?? null,
      service: s?.service ?? null, trackingNumbers, qty: tidyQuantity(entries.reduce((sum, e) => sum + e.qty, 0)),
      reversed: reversed.has(shipmentId),
      deliveredAt: deliveredAt.get(shipmentId) ?? (tracked ? state.milestones.deliveredAt : null),
    };
  });
}

/** Invoices by number; one is cancelled once any cancellation names it, whichever arrived first. */
function invoicesOf(state: OrderState): CrmView['invoices'] {
  const cancelled = new Set(documentsOf(state, 'invoiceCancel').map(([key, d]) => d.invoice?.invoiceNumber ?? docIdOf(key)));
  return documentsOf(state, 'invoice').map(([key, d]) => {
    const invoiceNumber = d.invoice?.invoiceNumber ?? docIdOf(key);
    return { invoiceNumber, invoiceDate: d.invoice?.invoiceDate ?? null, total: roundMoney(d.total), cancelled: cancelled.has(invoiceNumber) };
  });
}

/** The document id of a contribution key `kind|docType|docId` (states folded before details were kept). */
function docIdOf(key: string): string {
  return key.split('|').slice(2).join('|');
}

/** Documents of one kind, by key in sorted order (keys are `kind|docType|docId`). */
function documentsOf(state: OrderState, kind: DocumentContribution['kind']): [string, DocumentContribution][] {
  return Object.keys(state.documents).filter((k) => state.documents[k]!.kind === kind).sort().map((k) => [k, state.documents[k]!]);
}

function earliest(dates: readonly (string | null)[]): string | null {
  return dates.reduce<string | null>((min, d) => (d !== null && (min === null || d < min) ? d : min), null);
}

function latest(dates: readonly (string | null)[]): string | null {
  return dates.reduce<string | null>((max, d) => (d !== null && (max === null || d > max) ? d : max), null);
}

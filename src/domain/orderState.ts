import { Map as PersistentMap } from 'immutable';
import type { HoldType } from './orderEvents.js';

/** The quantity buckets of one line (docs/domain.md §1); `net` and `open` are derived. */
export interface Buckets {
  readonly ordered: number;
  readonly cancelled: number;
  readonly allocated: number;
  readonly backordered: number;
  readonly shipped: number;
  readonly delivered: number;
  readonly invoiced: number;
  readonly returnAuthorized: number;
  readonly returned: number;
  /** ordered − cancelled, never below 0. */
  readonly net: number;
  /** net − shipped, never below 0. */
  readonly open: number;
}

export const bucketNames = [
  'ordered', 'cancelled', 'allocated', 'backordered', 'shipped', 'delivered', 'invoiced',
  'returnAuthorized', 'returned', 'net', 'open',
] as const satisfies readonly (keyof Buckets)[];

export const emptyBuckets: Buckets = {
  ordered: 0, cancelled: 0, allocated: 0, backordered: 0, shipped: 0, delivered: 0, invoiced: 0,
  returnAuthorized: 0, returned: 0, net: 0, open: 0,
};

/** Orders concurrent writes of the same value: business time first, event id to break ties. */
export interface Stamp {
  readonly ms: number;
  readonly id: string;
}

/** What an order's own events say about a line (price per unit, in the order currency). */
export interface LineTerms {
  readonly sku: string | null;
  readonly uom: string | null;
  readonly qty: number;
  readonly unitListPrice: number | null;
  readonly unitNetPrice: number | null;
  readonly taxCode: string | null;
  readonly requestedDate: string | null;
  readonly promisedShipDate: string | null;
  readonly shipFrom: string | null;
}

export interface TermPatch {
  readonly stamp: Stamp;
  readonly patch: Partial<LineTerms>;
}

export interface LineState extends LineTerms {
  readonly lineNo: number;
  /** True when the order itself (received or a change adding it) names this line. */
  readonly known: boolean;
  /** Order events that set terms, by event id; `terms` is their fold in stamp order. */
  readonly termPatches: Readonly<Record<string, TermPatch>>;
  /** sku/uom first reported by a fact, for lines the order does not (yet) name. */
  readonly reportedAs: { readonly sku: string; readonly uom: string; readonly stamp: Stamp } | null;
  readonly buckets: Buckets;
  readonly invoicedAmount: number;
  readonly backorderEta: string | null;
  readonly released: boolean;
  readonly picked: boolean;
  readonly packed: boolean;
  /** The earliest shipment of this line (for fill rates). */
  readonly firstShipment: { readonly at: string; readonly qty: number } | null;
  readonly deliveredAt: string | null;
  readonly closed: boolean;
}

export type ContributionKind =
  | 'cancel' | 'alloc' | 'dealloc' | 'backorder' | 'release' | 'pick' | 'pack' | 'ship' | 'reverse'
  | 'deliver' | 'invoice' | 'invoiceCancel' | 'ra' | 'return' | 'credit';

/** One source document's contribution at its highest revision seen. */
export interface DocumentContribution {
  readonly kind: ContributionKind;
  readonly revision: number;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly lines: Readonly<Record<string, { readonly qty: number; readonly amount: number; readonly date: string | null }>>;
  /** Document total (invoice and credit memo totals), 0 otherwise. */
  readonly total: number;
  /** For shipments, reversals and deliveries: the shipment they concern (and, for a shipment, how it left). */
  readonly shipment?: ShipmentDetail;
  /** For invoices and their cancellations: which invoice, and its date. */
  readonly invoice?: { readonly invoiceNumber: string; readonly invoiceDate: string };
}

export interface ShipmentDetail {
  readonly shipmentId: string;
  readonly shipFrom?: string;
  readonly carrier?: string;
  readonly service?: string;
  readonly trackingNumbers?: readonly string[];
}

export interface Hold {
  readonly id: string;
  readonly type: HoldType;
  readonly blocking: boolean;
  readonly lineNos: readonly number[] | null;
  readonly appliedAt: string | null;
  readonly appliedStamp: Stamp | null;
  readonly releasedAt: string | null;
}

export interface ExceptionEntry {
  readonly id: string;
  readonly code: string | null;
  readonly priority: number;
  readonly eventId: string | null;
  readonly lineNos: readonly number[];
  readonly raisedAt: string | null;
  readonly resolvedAt: string | null;
}

export interface OrderHeader {
  readonly channel: string;
  readonly channelOrderId: string;
  readonly customerPO: string | null;
  readonly soldTo: string;
  readonly shipTo: string;
  readonly billTo: string;
  readonly currency: string;
  readonly requestedShipDate: string | null;
  readonly requestedDeliveryDate: string | null;
}

export interface CarrierTrack {
  readonly lastStatusCode: string;
  readonly lastStatusStamp: Stamp;
  readonly eta: string | null;
  readonly delivered: boolean;
}

/** Everything the decider knows about one order, folded from its stream. */
export interface OrderState {
  readonly orderKey: string | null;
  readonly header: OrderHeader | null;
  readonly headerStamp: Stamp | null;
  readonly decision: {
    readonly outcome: 'ACCEPTED' | 'REJECTED';
    readonly stamp: Stamp;
    readonly erpOrderNumber: string | null;
    readonly reason: string | null;
  } | null;
  readonly lines: Readonly<Record<string, LineState>>;
  readonly documents: Readonly<Record<string, DocumentContribution>>;
  readonly holds: Readonly<Record<string, Hold>>;
  readonly exceptions: Readonly<Record<string, ExceptionEntry>>;
  readonly carrier: Readonly<Record<string, CarrierTrack>>;
  readonly closed: { readonly reason: string; readonly stamp: Stamp } | null;
  readonly milestones: {
    readonly receivedAt: string | null;
    readonly acceptedAt: string | null;
    readonly rejectedAt: string | null;
    readonly firstShippedAt: string | null;
    readonly deliveredAt: string | null;
    readonly closedAt: string | null;
  };
  /** Invoice totals net of cancellations, and credit memo totals, in the order currency. */
  readonly totals: { readonly invoiced: number; readonly credited: number };
  /** I4: idempotency key -> the event it produced and a digest of its payload. */
  readonly processed: ProcessedMemo;
}

/** What the idempotency memo holds for one key. */
export interface Processed {
  readonly eventId: string;
  readonly payloadSha256: string;
}

/**
 * The idempotency memo: a persistent map, so that a state with one more key
 * shares all but a few small nodes with the state before it. It holds one
 * entry per submission the order took, so a copy per fold would cost what
 * the order's whole history costs.
 */
export type ProcessedMemo = PersistentMap<string, Processed>;

export const initialOrderState: OrderState = {
  orderKey: null,
  header: null,
  headerStamp: null,
  decision: null,
  lines: {},
  documents: {},
  holds: {},
  exceptions: {},
  carrier: {},
  closed: null,
  milestones: {
    receivedAt: null, acceptedAt: null, rejectedAt: null, firstShippedAt: null, deliveredAt: null, closedAt: null,
  },
  totals: { invoiced: 0, credited: 0 },
  processed: PersistentMap(),
};

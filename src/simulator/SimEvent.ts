import type { SourceSystemKind } from '../domain/sourceSystems.js';
import type { SalesChannel } from './channelMix.js';

/** Why an event deviates from the tidy lifecycle: the mess of real integrations. */
export type MessKind =
  /** The same body sent again (a retry after a timeout). */
  | 'retry'
  /** Sent before the fact that usually precedes it (carrier scan before the ASN, invoice before shipment). */
  | 'out-of-order'
  /** Names `erp:<number>` before the ERP's acceptance made that number known. */
  | 'early-alias'
  /** Names an ERP number no order will ever carry. */
  | 'unknown-alias';

/** The body of a submission, as the source system sends it. */
export interface SimBody {
  readonly occurredAt: string;
  readonly sourceDocument: { readonly type: string; readonly id: string; readonly revision: number };
  readonly data: Record<string, unknown>;
}

/** One submission of the simulated day. */
export interface SimEvent {
  /** The ledger key of the order it belongs to (bookkeeping; the request may name an alias). */
  readonly orderKey: string;
  /** Whose API key submits it. */
  readonly system: SourceSystemKind;
  readonly type: string;
  /** How the request names the order: the key, `erp:<n>` or `po:<soldTo>:<po>`; null for OrderReceived. */
  readonly ref: string | null;
  readonly body: SimBody;
  readonly mess?: MessKind;
}

/** One order's submissions, in the order its systems send them. */
export interface SimOrder {
  readonly orderKey: string;
  readonly channel: SalesChannel;
  readonly lineCount: number;
  readonly events: readonly SimEvent[];
}

/** The HTTP request of a submission: POST to `path` with `json`. */
export function requestOf(event: SimEvent): { path: string; json: Record<string, unknown> } {
  if (event.ref === null) return { path: '/v1/orders', json: { orderKey: event.orderKey, ...event.body } };
  return { path: `/v1/orders/${encodeURIComponent(event.ref)}/events`, json: { type: event.type, ...event.body } };
}

import type { z } from 'zod';
import type { Envelope } from './envelope.js';
import {
  holdAppliedData, holdReleasedData, lineCancelledData, orderAcceptedData, orderClosedData,
  orderLineChangedData, orderReceivedData, orderRejectedData,
} from './orderEvents.js';
import {
  carrierStatusUpdatedData, deliveryConfirmedData, inventoryAllocatedData, inventoryDeallocatedData,
  lineBackorderedData, packedData, pickedData, releasedToWarehouseData, shipmentConfirmedData,
  shipmentReversedData,
} from './fulfillmentEvents.js';
import {
  creditMemoIssuedData, invoiceCancelledData, invoicePostedData, returnAuthorizedData, returnReceivedData,
} from './billingEvents.js';
import { exceptionRaisedData, exceptionResolvedData, integrationAcknowledgedData, integrationResentData } from './ledgerEvents.js';

/** The event catalogue of docs/domain.md §2: one zod schema per event type's payload. */
export const eventDataSchemas = {
  OrderReceived: orderReceivedData,
  OrderAccepted: orderAcceptedData,
  OrderRejected: orderRejectedData,
  OrderLineChanged: orderLineChangedData,
  HoldApplied: holdAppliedData,
  HoldReleased: holdReleasedData,
  InventoryAllocated: inventoryAllocatedData,
  InventoryDeallocated: inventoryDeallocatedData,
  LineBackordered: lineBackorderedData,
  ReleasedToWarehouse: releasedToWarehouseData,
  Picked: pickedData,
  Packed: packedData,
  ShipmentConfirmed: shipmentConfirmedData,
  ShipmentReversed: shipmentReversedData,
  CarrierStatusUpdated: carrierStatusUpdatedData,
  DeliveryConfirmed: deliveryConfirmedData,
  InvoicePosted: invoicePostedData,
  InvoiceCancelled: invoiceCancelledData,
  LineCancelled: lineCancelledData,
  ReturnAuthorized: returnAuthorizedData,
  ReturnReceived: returnReceivedData,
  CreditMemoIssued: creditMemoIssuedData,
  OrderClosed: orderClosedData,
  IntegrationAcknowledged: integrationAcknowledgedData,
  ExceptionRaised: exceptionRaisedData,
  ExceptionResolved: exceptionResolvedData,
  IntegrationResent: integrationResentData,
} as const satisfies Record<string, z.ZodType>;

export type OrderEventType = keyof typeof eventDataSchemas;

export const orderEventTypes = Object.freeze(Object.keys(eventDataSchemas)) as readonly OrderEventType[];

export function isOrderEventType(value: unknown): value is OrderEventType {
  return typeof value === 'string' && Object.hasOwn(eventDataSchemas, value);
}

/** The payload type of one event type. */
export type EventData<T extends OrderEventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** An event of the catalogue: `{type, data}`, discriminated on `type`. */
export type OrderEvent = { [T in OrderEventType]: { readonly type: T; readonly data: EventData<T> } }[OrderEventType];

/**
 * An event with its envelope: what `decide` emits and `evolve` folds. `id` is
 * the id the log holds for an event read from it (`domainEventOf`), so the
 * fold does not derive it again; a new event has none, and `eventIdOf`
 * derives it from the idempotency key (which the stored id was derived from).
 */
export type DomainEvent = OrderEvent & { readonly envelope: Envelope; readonly id?: string };

/** One member of the DomainEvent union. */
export type DomainEventOf<T extends OrderEventType> = Extract<DomainEvent, { type: T }>;

/** Events only the ledger emits; never accepted from outside. */
export const ledgerOnlyEventTypes = ['ExceptionRaised', 'ExceptionResolved', 'IntegrationResent'] as const satisfies readonly OrderEventType[];
export type LedgerOnlyEventType = (typeof ledgerOnlyEventTypes)[number];

/** Why no system may submit them: stated where they are refused and in the API document. */
export const ledgerOnlyReason = 'the ledger records those itself. It raises an exception when a fact it records breaks a soft invariant, '
  + 'resolves one by its own command, and records each re-send of an order an admin has an integrator make, with its outcome, '
  + 'so that the exception queue holds what the ledger found and the order\'s history what the ledger sent, never what a system says it found, fixed or was sent.';

export function isLedgerOnly(type: OrderEventType): type is LedgerOnlyEventType {
  return (ledgerOnlyEventTypes as readonly string[]).includes(type);
}

/**
 * Sync records: events about what a downstream system was sent or says it
 * holds, never about the order itself. They change no order state and no
 * report (`evolve` folds them to the same state, the `orders` projection
 * skips them), an order's history shows them, and no system is due them: a
 * sync report's head is the order's last event of another type, and an
 * integrator subscribed to every type (no `types`) is not sent them.
 * `reporting.is_sync_record` in SQL lists the same types (a test holds them equal).
 */
export const syncRecordEventTypes = ['IntegrationAcknowledged', 'IntegrationResent'] as const satisfies readonly OrderEventType[];
export type SyncRecordEventType = (typeof syncRecordEventTypes)[number];

export function isSyncRecord(type: string): type is SyncRecordEventType {
  return (syncRecordEventTypes as readonly string[]).includes(type);
}

/** `isSyncRecord` of an event, narrowing it (and, when false, the union without them). */
export function isSyncRecordEvent<E extends { readonly type: OrderEventType }>(event: E): event is Extract<E, { readonly type: SyncRecordEventType }> {
  return isSyncRecord(event.type);
}

/** The lines an event carries (none for header-level events). */
export function eventLines(event: OrderEvent): readonly { lineNo: number; sku: string; uom: string; qty: number }[] {
  return 'lines' in event.data ? (event.data.lines ?? []) : [];
}

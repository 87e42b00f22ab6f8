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
import { exceptionRaisedData, exceptionResolvedData, integrationAcknowledgedData } from './ledgerEvents.js';

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

/** An event with its envelope: what `decide` emits and `evolve` folds. */
export type DomainEvent = OrderEvent & { readonly envelope: Envelope };

/** One member of the DomainEvent union. */
export type DomainEventOf<T extends OrderEventType> = Extract<DomainEvent, { type: T }>;

/** Events only the ledger emits; never accepted from outside. */
export const ledgerOnlyEventTypes = ['ExceptionRaised', 'ExceptionResolved'] as const satisfies readonly OrderEventType[];

/** Why no system may submit them: stated where they are refused and in the API document. */
export const ledgerOnlyReason = 'the ledger records those itself. It raises an exception when a fact it records breaks a soft invariant, and '
  + 'resolves one by its own command, so that the exception queue holds what the ledger found, never what a system says it found or fixed.';

export function isLedgerOnly(type: OrderEventType): type is (typeof ledgerOnlyEventTypes)[number] {
  return (ledgerOnlyEventTypes as readonly string[]).includes(type);
}

/** The lines an event carries (none for header-level events). */
export function eventLines(event: OrderEvent): readonly { lineNo: number; sku: string; uom: string; qty: number }[] {
  return 'lines' in event.data ? (event.data.lines ?? []) : [];
}

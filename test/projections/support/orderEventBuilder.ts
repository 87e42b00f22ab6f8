import { envelopeSchema, type Envelope } from '../../../src/domain/envelope.js';
import { eventDataSchemas, type DomainEvent, type EventData, type OrderEventType } from '../../../src/domain/events.js';
import { idempotencyKey } from '../../../src/domain/idempotency.js';
import type { EmitterKind } from '../../../src/domain/sourceSystems.js';
import type { EventToAppend } from '../../../src/eventstore/EventStore.js';
import { toEventToAppend } from '../../../src/eventstore/orderEventCodec.js';

/** Which system reports each event type in the fixtures (the ownership policy's usual owner). */
const emitter: Record<OrderEventType, EmitterKind> = {
  OrderReceived: 'CRM', OrderAccepted: 'ERP', OrderRejected: 'ERP', OrderLineChanged: 'CRM', HoldApplied: 'ERP',
  HoldReleased: 'ERP', InventoryAllocated: 'ERP', InventoryDeallocated: 'ERP', LineBackordered: 'ERP',
  ReleasedToWarehouse: 'ERP', Picked: 'WMS', Packed: 'WMS', ShipmentConfirmed: 'WMS', ShipmentReversed: 'ERP',
  CarrierStatusUpdated: 'TMS', DeliveryConfirmed: 'TMS', InvoicePosted: 'ERP', InvoiceCancelled: 'ERP',
  LineCancelled: 'CRM', ReturnAuthorized: 'CRM', ReturnReceived: 'WMS', CreditMemoIssued: 'ERP', OrderClosed: 'ERP',
  IntegrationAcknowledged: 'CRM', ExceptionRaised: 'LEDGER', ExceptionResolved: 'LEDGER', IntegrationResent: 'LEDGER',
};

export interface EventOptions {
  /** Business time (occurredAt). */
  readonly at: string;
  /** Source document id; defaults to a fresh one per event. */
  readonly docId?: string;
  readonly revision?: number;
}

/**
 * Builds one order's events, each validated by the domain's own schemas
 * (payload and envelope), ready for the real event store's `append`.
 */
export class OrderEventBuilder {
  private counter = 0;
  readonly events: DomainEvent[] = [];

  constructor(readonly orderKey: string) {}

  add<T extends OrderEventType>(type: T, data: EventData<T>, options: EventOptions): DomainEvent {
    const parsed = eventDataSchemas[type].parse(data);
    const docId = options.docId ?? `${this.orderKey}-${type}-${this.counter++}`;
    const revision = options.revision ?? 0;
    const kind = emitter[type];
    const envelope: Envelope = envelopeSchema.parse({
      sourceSystem: { kind, instance: `${kind.toLowerCase()}-1` },
      sourceDocument: { type, id: docId, revision },
      idempotencyKey: idempotencyKey({ instance: `${kind.toLowerCase()}-1`, docType: type, docId, revision, eventType: type }),
      correlationId: `corr-${this.orderKey}`,
      occurredAt: options.at,
      receivedAt: options.at,
      actor: { type: 'SYSTEM', id: `${kind.toLowerCase()}-bot` },
      schemaVersion: 1,
    });
    const event = { type, data: parsed, envelope } as DomainEvent;
    this.events.push(event);
    return event;
  }

  /** The events as the store takes them: deterministic id, envelope and orderKey in metadata. */
  toAppend(events: readonly DomainEvent[] = this.events): EventToAppend[] {
    return events.map((event) => toAppend(this.orderKey, event));
  }
}

export function toAppend(orderKey: string, event: DomainEvent): EventToAppend {
  return toEventToAppend(event, orderKey);
}

/** A money amount in USD. */
export const usd = (amount: number) => ({ amount, currency: 'USD' });

/** An ISO time `hours` after a fixed base day. */
export function hoursAfter(base: string, hours: number): string {
  return new Date(Date.parse(base) + hours * 3_600_000).toISOString();
}

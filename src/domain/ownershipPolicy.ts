import { z } from 'zod';
import { domainError, type DomainError } from './errors.js';
import { ledgerOnlyEventTypes, orderEventTypes, type OrderEventType } from './events.js';
import { sourceSystemKinds, type EmitterKind, type SourceSystemKind } from './sourceSystems.js';

/** Which systems may submit each event type. */
export type OwnershipPolicy = Readonly<Record<OrderEventType, readonly EmitterKind[]>>;

const all = sourceSystemKinds;

/** docs/domain.md §1: the emitters named beside each transition. */
export const defaultOwnership: OwnershipPolicy = {
  OrderReceived: ['CRM', 'ECOMMERCE', 'EDI'],
  OrderAccepted: ['ERP', 'EDI'],
  OrderRejected: ['ERP', 'EDI'],
  OrderLineChanged: ['CRM', 'ERP', 'EDI'],
  HoldApplied: ['ERP', 'CRM'],
  HoldReleased: ['ERP', 'CRM'],
  InventoryAllocated: ['ERP', 'WMS'],
  InventoryDeallocated: ['ERP', 'WMS'],
  LineBackordered: ['ERP'],
  ReleasedToWarehouse: ['ERP', 'EDI', 'WMS'],
  Picked: ['WMS'],
  Packed: ['WMS'],
  ShipmentConfirmed: ['WMS', 'ERP', 'EDI'],
  ShipmentReversed: ['ERP'],
  CarrierStatusUpdated: ['TMS', 'EDI'],
  DeliveryConfirmed: ['TMS', 'EDI'],
  InvoicePosted: ['ERP', 'EDI'],
  InvoiceCancelled: ['ERP', 'EDI'],
  LineCancelled: ['CRM', 'ERP', 'EDI'],
  ReturnAuthorized: ['CRM', 'ERP', 'EDI'],
  ReturnReceived: ['WMS'],
  CreditMemoIssued: ['ERP'],
  OrderClosed: ['ERP'],
  IntegrationAcknowledged: all,
  ExceptionRaised: ['LEDGER'],
  ExceptionResolved: ['LEDGER'],
  IntegrationResent: ['LEDGER'],
};

const submittable = orderEventTypes.filter(
  (type) => !(ledgerOnlyEventTypes as readonly string[]).includes(type),
) as [OrderEventType, ...OrderEventType[]];

/** Configuration overrides: event type -> the systems that own it (replaces the default). */
export const ownershipOverridesSchema = z.partialRecord(
  z.enum(submittable),
  z.array(z.enum(sourceSystemKinds)).min(1),
);
export type OwnershipOverrides = z.infer<typeof ownershipOverridesSchema>;

/**
 * The default table with configured overrides applied. Throws on a bad
 * override: configuration is read once at start-up, and a wrong table must
 * stop it. Ledger-only events cannot be reassigned.
 */
export function ownershipPolicyFrom(overrides?: unknown): OwnershipPolicy {
  const parsed = ownershipOverridesSchema.safeParse(overrides ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid ownership overrides: ${detail}`);
  }
  return { ...defaultOwnership, ...parsed.data } as OwnershipPolicy;
}

/** Null when `system` may submit `type`; a NOT_OWNER error naming the owners otherwise. */
export function checkOwnership(
  policy: OwnershipPolicy,
  system: EmitterKind | SourceSystemKind,
  type: OrderEventType,
): DomainError | null {
  const owners = policy[type];
  if (owners.includes(system)) return null;
  return domainError(
    'NOT_OWNER',
    `${type} is owned by ${owners.join(', ')}; a ${system} system may not submit it.`,
    'envelope.sourceSystem.kind',
  );
}

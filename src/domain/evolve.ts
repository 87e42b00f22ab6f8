import { applyOrderClosed, applyOrderDecision, applyOrderLineChanged, applyOrderReceived } from './applyOrderEvents.js';
import { applyCarrierStatus, applyException, applyHold } from './applyOverlays.js';
import { contributionOf } from './contributionOf.js';
import { deriveLines } from './deriveLines.js';
import { eventLines, type DomainEvent } from './events.js';
import { submissionDigest } from './idempotency.js';
import { reportLine } from './lineRecords.js';
import type { OrderState, Stamp } from './orderState.js';
import { stampOf } from './stamp.js';

/** Folds one event into the state. Pure; facts fold commutatively (DOMAIN.md §3). */
export function evolve(state: OrderState, event: DomainEvent): OrderState {
  const stamp = stampOf(event);
  const remembered: OrderState = {
    ...state,
    processed: {
      ...state.processed,
      [event.envelope.idempotencyKey]: { eventId: stamp.id, payloadSha256: submissionDigest(event.type, event.data) },
    },
  };
  return apply(remembered, event, stamp);
}

function apply(state: OrderState, event: DomainEvent, stamp: Stamp): OrderState {
  switch (event.type) {
    case 'OrderReceived': return deriveLines(applyOrderReceived(state, event, stamp));
    case 'OrderAccepted':
    case 'OrderRejected': return deriveLines(applyOrderDecision(state, event, stamp));
    case 'OrderLineChanged': return deriveLines(applyOrderLineChanged(state, event, stamp));
    case 'OrderClosed': return deriveLines(applyOrderClosed(state, event, stamp));
    case 'HoldApplied':
    case 'HoldReleased': return applyHold(state, event, stamp);
    case 'CarrierStatusUpdated': return applyCarrierStatus(state, event, stamp);
    case 'ExceptionRaised':
    case 'ExceptionResolved': return applyException(state, event);
    case 'IntegrationAcknowledged': return state;
    case 'LineCancelled':
    case 'InventoryAllocated':
    case 'InventoryDeallocated':
    case 'LineBackordered':
    case 'ReleasedToWarehouse':
    case 'Picked':
    case 'Packed':
    case 'ShipmentConfirmed':
    case 'ShipmentReversed':
    case 'DeliveryConfirmed':
    case 'InvoicePosted':
    case 'InvoiceCancelled':
    case 'ReturnAuthorized':
    case 'ReturnReceived':
    case 'CreditMemoIssued': return deriveLines(applyDocument(state, event, stamp));
    default: return assertNever(event);
  }
}

/** Keeps each source document at its highest revision (event id breaks ties). */
function applyDocument(state: OrderState, event: DomainEvent, stamp: Stamp): OrderState {
  const found = contributionOf(event, stamp.id);
  if (!found) return state;
  let next = state;
  for (const line of eventLines(event)) next = reportLine(next, line, stamp);
  const current = next.documents[found.key];
  const newer = !current
    || found.contribution.revision > current.revision
    || (found.contribution.revision === current.revision && found.contribution.eventId > current.eventId);
  return newer ? { ...next, documents: { ...next.documents, [found.key]: found.contribution } } : next;
}

function assertNever(event: never): never {
  throw new Error(`Unhandled event type: ${JSON.stringify(event)}`);
}

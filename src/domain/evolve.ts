import { applyOrderClosed, applyOrderDecision, applyOrderLineChanged, applyOrderReceived } from './applyOrderEvents.js';
import { applyCarrierStatus, applyException, applyHold } from './applyOverlays.js';
import { contributionOf } from './contributionOf.js';
import { deriveLinesSince } from './deriveLines.js';
import { eventLines, isSyncRecordEvent, type DomainEvent } from './events.js';
import { submissionDigest } from './idempotency.js';
import { reportLine, withLines } from './lineRecords.js';
import type { OrderState, Stamp } from './orderState.js';
import { stampOf } from './stamp.js';

/** Folds one event into the state. Pure; facts fold commutatively (docs/domain.md §3). */
export function evolve(state: OrderState, event: DomainEvent): OrderState {
  const next = record(state, event);
  return changesLines(event) ? deriveLinesSince(state, next) : next;
}

/**
 * Folds many events, deriving the lines once at the end rather than after
 * each event: the derived buckets are a pure function of the recorded
 * documents and terms, which no `apply*` step reads. Either way only the
 * lines the events touched are derived again (`deriveLinesSince`).
 */
export function evolveAll(state: OrderState, events: Iterable<DomainEvent>, options: FoldOptions = {}): OrderState {
  let next = state;
  let derive = false;
  for (const event of events) {
    next = options.memo === false ? apply(next, event, stampOf(event)) : record(next, event);
    derive ||= changesLines(event);
  }
  return derive ? deriveLinesSince(state, next) : next;
}

export interface FoldOptions {
  /** false: leave `processed` (the idempotency memo) as it is; only `decide` reads it (default true). */
  readonly memo?: boolean;
}

/** Records the event (documents, terms, overlays, idempotency memo) without deriving the lines. */
function record(state: OrderState, event: DomainEvent): OrderState {
  const stamp = stampOf(event);
  // decide() stamps the digest on the envelope; older or hand-built events get it computed here.
  const payloadSha256 = event.envelope.payloadSha256 ?? submissionDigest(event.type, event.data);
  const remembered: OrderState = {
    ...state,
    processed: { ...state.processed, [event.envelope.idempotencyKey]: { eventId: stamp.id, payloadSha256 } },
  };
  return apply(remembered, event, stamp);
}

function changesLines(event: DomainEvent): boolean {
  if (isSyncRecordEvent(event)) return false;
  switch (event.type) {
    case 'HoldApplied':
    case 'HoldReleased':
    case 'CarrierStatusUpdated':
    case 'ExceptionRaised':
    case 'ExceptionResolved': return false;
    default: return true;
  }
}

function apply(state: OrderState, event: DomainEvent, stamp: Stamp): OrderState {
  // What a downstream system was sent or holds is no fact about the order.
  if (isSyncRecordEvent(event)) return state;
  switch (event.type) {
    case 'OrderReceived': return applyOrderReceived(state, event, stamp);
    case 'OrderAccepted':
    case 'OrderRejected': return applyOrderDecision(state, event, stamp);
    case 'OrderLineChanged': return applyOrderLineChanged(state, event, stamp);
    case 'OrderClosed': return applyOrderClosed(state, event, stamp);
    case 'HoldApplied':
    case 'HoldReleased': return applyHold(state, event, stamp);
    case 'CarrierStatusUpdated': return applyCarrierStatus(state, event, stamp);
    case 'ExceptionRaised':
    case 'ExceptionResolved': return applyException(state, event);
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
    case 'CreditMemoIssued': return applyDocument(state, event, stamp);
    default: return assertNever(event);
  }
}

/** Keeps each source document at its highest revision (event id breaks ties). */
function applyDocument(state: OrderState, event: DomainEvent, stamp: Stamp): OrderState {
  const found = contributionOf(event, stamp.id);
  if (!found) return state;
  const next = withLines(state, (lines) => {
    for (const line of eventLines(event)) reportLine(lines, line, stamp);
  });
  const current = next.documents[found.key];
  const newer = !current
    || found.contribution.revision > current.revision
    || (found.contribution.revision === current.revision && found.contribution.eventId > current.eventId);
  return newer ? { ...next, documents: { ...next.documents, [found.key]: found.contribution } } : next;
}

function assertNever(event: never): never {
  throw new Error(`Unhandled event type: ${JSON.stringify(event)}`);
}

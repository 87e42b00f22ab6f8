import { applyOrderClosed, applyOrderDecision, applyOrderLineChanged, applyOrderReceived } from './applyOrderEvents.js';
import { applyCarrierStatus, applyException, applyHold } from './applyOverlays.js';
import { contributionOf } from './contributionOf.js';
import { deriveChanges } from './deriveLines.js';
import { eventLines, isSyncRecordEvent, type DomainEvent } from './events.js';
import { submissionDigest } from './idempotency.js';
import { OrderDraft } from './orderDraft.js';
import type { OrderState, Stamp } from './orderState.js';
import { stampOf } from './stamp.js';

/** Folds one event into the state. Pure; facts fold commutatively (docs/domain.md §3). */
export function evolve(state: OrderState, event: DomainEvent): OrderState {
  return evolveAll(state, [event]);
}

/**
 * Folds many events into one copy of the state (`OrderDraft`): each map the
 * events write is copied once for the run, not once per event, and the lines
 * are derived once at the end rather than after each event (the derived
 * buckets are a pure function of the recorded documents and terms, which no
 * `apply*` step reads), and only for the lines the events touched. The same
 * state as `evolve` one event at a time; `state` itself is left as it is.
 */
export function evolveAll(state: OrderState, events: Iterable<DomainEvent>, options: FoldOptions = {}): OrderState {
  const draft = new OrderDraft(state);
  const memo = options.memo !== false;
  for (const event of events) {
    const stamp = stampOf(event);
    if (memo) remember(draft, event, stamp);
    apply(draft, event, stamp);
  }
  return deriveChanges(draft);
}

export interface FoldOptions {
  /** false: leave `processed` (the idempotency memo) as it is; only `decide` reads it (default true). */
  readonly memo?: boolean;
}

/** Notes the event in the idempotency memo (I4). */
function remember(draft: OrderDraft, event: DomainEvent, stamp: Stamp): void {
  // decide() stamps the digest on the envelope; older or hand-built events get it computed here.
  const payloadSha256 = event.envelope.payloadSha256 ?? submissionDigest(event.type, event.data);
  draft.remember(event.envelope.idempotencyKey, { eventId: stamp.id, payloadSha256 });
}

function apply(draft: OrderDraft, event: DomainEvent, stamp: Stamp): void {
  // What a downstream system was sent or holds is no fact about the order.
  if (isSyncRecordEvent(event)) return;
  switch (event.type) {
    case 'OrderReceived': return applyOrderReceived(draft, event, stamp);
    case 'OrderAccepted':
    case 'OrderRejected': return applyOrderDecision(draft, event, stamp);
    case 'OrderLineChanged': return applyOrderLineChanged(draft, event, stamp);
    case 'OrderClosed': return applyOrderClosed(draft, event, stamp);
    case 'HoldApplied':
    case 'HoldReleased': return applyHold(draft, event, stamp);
    case 'CarrierStatusUpdated': return applyCarrierStatus(draft, event, stamp);
    case 'ExceptionRaised':
    case 'ExceptionResolved': return applyException(draft, event);
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
    case 'CreditMemoIssued': return applyDocument(draft, event, stamp);
    default: return assertNever(event);
  }
}

/** Keeps each source document at its highest revision (event id breaks ties). */
function applyDocument(draft: OrderDraft, event: DomainEvent, stamp: Stamp): void {
  const found = contributionOf(event, stamp.id);
  if (!found) return;
  for (const line of eventLines(event)) draft.reportLine(line, stamp);
  const current = draft.state.documents[found.key];
  const newer = !current
    || found.contribution.revision > current.revision
    || (found.contribution.revision === current.revision && found.contribution.eventId > current.eventId);
  if (newer) draft.setDocument(found.key, found.contribution);
}

function assertNever(event: never): never {
  throw new Error(`Unhandled event type: ${JSON.stringify(event)}`);
}

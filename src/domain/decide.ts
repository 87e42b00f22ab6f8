import type { Command, FactEvent } from './commands.js';
import { defaultDomainPolicy, type DomainPolicy } from './domainPolicy.js';
import type { DomainError } from './errors.js';
import { domainError } from './errors.js';
import type { DomainEvent } from './events.js';
import { evolve, evolveAll } from './evolve.js';
import { exceptionEvents } from './exceptionEvents.js';
import { hardInvariantError } from './hardInvariants.js';
import { submissionDigest } from './idempotency.js';
import { initialOrderState, type OrderState, type Processed } from './orderState.js';
import { checkOwnership } from './ownershipPolicy.js';
import { quantityBreaches } from './quantityBreaches.js';
import { cancelLineError, changeOrderLineError, placeOrderError, resolveExceptionError } from './requestChecks.js';
import { sequenceBreaches } from './sequenceBreaches.js';
import { eventIdOf } from './stamp.js';

/**
 * The decider's answer. A retry of an already-recorded submission (I4) is
 * `ok` with no new events and `duplicateOf` naming the original event.
 * `state` is the order once the events are folded in (equal to
 * `events.reduce(evolve, state)`), so a caller need not fold them again.
 */
export type Decision =
  | { readonly ok: true; readonly events: readonly DomainEvent[]; readonly duplicateOf: string | null; readonly state: OrderState }
  | { readonly ok: false; readonly error: DomainError };

/**
 * Requests are refused when they break a hard invariant or the order's state;
 * facts are always recorded, plus one ExceptionRaised per soft breach.
 * Ownership, I4 and I1–I3 apply to both.
 */
export function decide(command: Command, state: OrderState, policy: DomainPolicy = defaultDomainPolicy): Decision {
  const event = eventOf(command);
  const seen = state.processed.get(command.envelope.idempotencyKey);
  const early = checkOwnership(policy.ownership, command.envelope.sourceSystem.kind, event.type)
    ?? idempotencyError(event, seen);
  if (early) return refuse(early);
  if (seen) return { ok: true, events: [], duplicateOf: seen.eventId, state };
  const hard = hardInvariantError(event, state);
  if (hard) return refuse(hard);
  switch (command.type) {
    case 'PlaceOrder': return settle(placeOrderError(command, state), event, state);
    case 'ChangeOrderLine': return settle(changeOrderLineError(command, state), event, state);
    case 'CancelLine': return settle(cancelLineError(command, state), event, state);
    case 'ResolveException': return settle(resolveExceptionError(command, state), event, state);
    case 'RecordFact': return recordFact(command.fact, event, state, policy);
    case 'RecordResend': return settle(null, event, state);
    default: return assertNever(command);
  }
}

/**
 * The checks that need no order state (ownership, I1–I3 within the payload):
 * what a transition must pass before it may wait under an alias no order has
 * taken, so that nothing kept there is refused later for a reason known now.
 */
export function statelessError(command: Command, policy: DomainPolicy = defaultDomainPolicy): DomainError | null {
  const event = eventOf(command);
  return checkOwnership(policy.ownership, command.envelope.sourceSystem.kind, event.type) ?? hardInvariantError(event, initialOrderState);
}

/** The event a command records, its envelope stamped with the payload digest evolve() remembers (I4). */
function eventOf(command: Command): DomainEvent {
  const event = unstampedEventOf(command);
  return { ...event, envelope: { ...event.envelope, payloadSha256: submissionDigest(event.type, event.data) } } as DomainEvent;
}

function unstampedEventOf(command: Command): DomainEvent {
  const { envelope } = command;
  switch (command.type) {
    case 'PlaceOrder':
      return { type: 'OrderReceived', envelope, data: { ...command.data, orderKey: command.data.orderKey ?? command.orderKey } };
    case 'ChangeOrderLine': return { type: 'OrderLineChanged', envelope, data: command.data };
    case 'CancelLine': return { type: 'LineCancelled', envelope, data: command.data };
    case 'ResolveException': return { type: 'ExceptionResolved', envelope, data: command.data };
    case 'RecordFact': return { ...command.fact, envelope } as DomainEvent;
    case 'RecordResend': return { type: 'IntegrationResent', envelope, data: command.data };
    default: return assertNever(command);
  }
}

/** I4: a known key must carry the same submission it carried first. */
function idempotencyError(event: DomainEvent, seen: Processed | undefined): DomainError | null {
  if (!seen || seen.payloadSha256 === event.envelope.payloadSha256) return null;
  return domainError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency key ${event.envelope.idempotencyKey} was already used for a different ${event.type} (event ${seen.eventId}); a new document revision needs a new key.`,
    'envelope.idempotencyKey',
  );
}

function recordFact(fact: FactEvent, event: DomainEvent, state: OrderState, policy: DomainPolicy): Decision {
  const after = evolve(state, event);
  const breaches = [...sequenceBreaches(fact, state, policy), ...quantityBreaches(fact, state, after, policy)];
  const raised = exceptionEvents(event, eventIdOf(event), breaches, after);
  return { ok: true, events: [event, ...raised], duplicateOf: null, state: evolveAll(after, raised) };
}

function settle(error: DomainError | null, event: DomainEvent, state: OrderState): Decision {
  return error ? refuse(error) : { ok: true, events: [event], duplicateOf: null, state: evolve(state, event) };
}

function refuse(error: DomainError): Decision {
  return { ok: false, error };
}

function assertNever(command: never): never {
  throw new Error(`Unhandled command: ${JSON.stringify(command)}`);
}

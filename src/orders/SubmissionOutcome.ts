import type { DomainError } from '../domain/errors.js';
import type { DomainEvent, OrderEventType } from '../domain/events.js';
import { displayStatus, orderStatus } from '../domain/orderStatus.js';
import type { OrderState } from '../domain/orderState.js';
import { eventIdOf } from '../domain/stamp.js';
import type { Position } from '../eventstore/EventStore.js';

/** The answer to one accepted (or replayed) submission; a replay answers the same body. */
export interface AcceptedBody {
  orderKey: string;
  eventId: string;
  type: OrderEventType;
  revision: number;
  position: Position;
  status: string;
  displayStatus: string;
  exceptions: { eventId: string; code: string; priority: number }[];
}

export interface UnmatchedBody {
  status: 'UNMATCHED';
  alias: string;
  /** The waiting entry's id; the event it becomes names it as its causation. */
  eventId: string;
  waitingSince: string;
  detail: string;
}

export type RefusalCode = DomainError['code'] | 'VALIDATION_FAILED' | 'CONCURRENT_UPDATE';

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  readonly field?: string;
}

/** What became of one submission, whichever way it arrived (single, batch, redrive). */
export type SubmissionOutcome =
  | { readonly kind: 'accepted' | 'duplicate'; readonly body: AcceptedBody }
  /** `replayed`: a retry of a transition already waiting (nothing kept anew). */
  | { readonly kind: 'unmatched'; readonly body: UnmatchedBody; readonly replayed: boolean }
  | { readonly kind: 'refused'; readonly error: Refusal; readonly issues?: readonly { path: string; message: string }[] };

export function refused(error: Refusal, issues?: { path: string; message: string }[]): SubmissionOutcome {
  return issues && issues.length > 0 ? { kind: 'refused', error, issues } : { kind: 'refused', error };
}

/** The body for the events one submission recorded: its own event first, then the exceptions it raised. */
export function acceptedBody(orderKey: string, events: readonly DomainEvent[], lastRevision: bigint, position: Position, state: OrderState): AcceptedBody {
  const [first, ...rest] = events;
  return {
    orderKey,
    eventId: eventIdOf(first!),
    type: first!.type,
    revision: Number(lastRevision) - rest.length,
    position,
    status: orderStatus(state),
    displayStatus: displayStatus(state),
    exceptions: rest.flatMap((e) => (e.type === 'ExceptionRaised' ? [{ eventId: eventIdOf(e), code: e.data.code, priority: e.data.priority }] : [])),
  };
}

import type { DomainEventOf } from './events.js';
import type { ExceptionEntry, Hold, OrderState, Stamp } from './orderState.js';
import { isLater, latest } from './stamp.js';

export function applyHold(
  state: OrderState,
  event: DomainEventOf<'HoldApplied'> | DomainEventOf<'HoldReleased'>,
  stamp: Stamp,
): OrderState {
  const { data } = event;
  const current: Hold = state.holds[data.holdId] ?? {
    id: data.holdId, type: data.holdType, blocking: false, lineNos: null,
    appliedAt: null, appliedStamp: null, releasedAt: null,
  };
  let hold = current;
  if (event.type === 'HoldReleased') {
    hold = { ...current, releasedAt: latest(current.releasedAt, event.envelope.occurredAt) };
  } else if (isLater(stamp, current.appliedStamp)) {
    hold = {
      ...current,
      type: event.data.holdType,
      blocking: event.data.blocking,
      lineNos: event.data.lineNos ?? null,
      appliedAt: event.envelope.occurredAt,
      appliedStamp: stamp,
    };
  }
  return { ...state, holds: { ...state.holds, [data.holdId]: hold } };
}

export function applyException(
  state: OrderState,
  event: DomainEventOf<'ExceptionRaised'> | DomainEventOf<'ExceptionResolved'>,
): OrderState {
  const id = event.data.exceptionId;
  const current: ExceptionEntry = state.exceptions[id] ?? {
    id, code: null, priority: 0, eventId: null, lineNos: [], raisedAt: null, resolvedAt: null,
  };
  const entry: ExceptionEntry = event.type === 'ExceptionRaised'
    ? {
        ...current,
        code: event.data.code,
        priority: event.data.priority,
        eventId: event.data.eventId,
        lineNos: event.data.lineNos,
        raisedAt: event.envelope.occurredAt,
      }
    : { ...current, resolvedAt: event.envelope.occurredAt };
  return { ...state, exceptions: { ...state.exceptions, [id]: entry } };
}

/** X12 214 AT7 code for "delivered". */
export const deliveredStatusCode = 'D1';

/**
 * Last status wins by business time, except that nothing overrides "delivered"
 * (I13: a late "in transit" after delivery stays in history only). A total
 * order on (delivered, stamp), so arrival order does not matter.
 */
export function applyCarrierStatus(state: OrderState, event: DomainEventOf<'CarrierStatusUpdated'>, stamp: Stamp): OrderState {
  const key = event.data.trackingNumber;
  const current = state.carrier[key];
  const incomingDelivered = event.data.statusCode === deliveredStatusCode;
  const wins = !current
    || (incomingDelivered && !current.delivered)
    || (incomingDelivered === current.delivered && isLater(stamp, current.lastStatusStamp));
  if (!wins) return state;
  const track = { lastStatusCode: event.data.statusCode, lastStatusStamp: stamp, eta: event.data.eta ?? null, delivered: incomingDelivered };
  return { ...state, carrier: { ...state.carrier, [key]: track } };
}

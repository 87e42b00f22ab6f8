import type { DomainEventOf } from './events.js';
import type { OrderDraft } from './orderDraft.js';
import type { ExceptionEntry, Hold, Stamp } from './orderState.js';
import { isLater, latest } from './stamp.js';

export function applyHold(
  draft: OrderDraft,
  event: DomainEventOf<'HoldApplied'> | DomainEventOf<'HoldReleased'>,
  stamp: Stamp,
): void {
  const { data } = event;
  const current: Hold = draft.state.holds[data.holdId] ?? {
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
  draft.map('holds')[data.holdId] = hold;
}

export function applyException(
  draft: OrderDraft,
  event: DomainEventOf<'ExceptionRaised'> | DomainEventOf<'ExceptionResolved'>,
): void {
  const id = event.data.exceptionId;
  const current: ExceptionEntry = draft.state.exceptions[id] ?? {
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
  draft.map('exceptions')[id] = entry;
}

/** X12 214 AT7 code for "delivered". */
export const deliveredStatusCode = 'D1';

/**
 * Last status wins by business time, except that nothing overrides "delivered"
 * (I13: a late "in transit" after delivery stays in history only). A total
 * order on (delivered, stamp), so arrival order does not matter.
 */
export function applyCarrierStatus(draft: OrderDraft, event: DomainEventOf<'CarrierStatusUpdated'>, stamp: Stamp): void {
  const key = event.data.trackingNumber;
  const current = draft.state.carrier[key];
  const incomingDelivered = event.data.statusCode === deliveredStatusCode;
  const wins = !current
    || (incomingDelivered && !current.delivered)
    || (incomingDelivered === current.delivered && isLater(stamp, current.lastStatusStamp));
  if (!wins) return;
  draft.map('carrier')[key] = { lastStatusCode: event.data.statusCode, lastStatusStamp: stamp, eta: event.data.eta ?? null, delivered: incomingDelivered };
}

import type { DomainEventOf } from './events.js';
import { definedOnly, patchLine, reportLine, withLines } from './lineRecords.js';
import type { OrderState, Stamp } from './orderState.js';
import { isLater, latest } from './stamp.js';

export function applyOrderReceived(state: OrderState, event: DomainEventOf<'OrderReceived'>, stamp: Stamp): OrderState {
  const { data } = event;
  let next: OrderState = state;
  if (isLater(stamp, state.headerStamp)) {
    next = {
      ...state,
      orderKey: data.orderKey ?? state.orderKey,
      headerStamp: stamp,
      header: {
        channel: data.channel,
        channelOrderId: data.channelOrderId,
        customerPO: data.customerPO ?? null,
        soldTo: data.soldTo.id,
        shipTo: data.shipTo.id,
        billTo: data.billTo.id,
        currency: data.currency,
        requestedShipDate: data.requestedShipDate ?? null,
        requestedDeliveryDate: data.requestedDeliveryDate ?? null,
      },
      milestones: { ...state.milestones, receivedAt: event.envelope.occurredAt },
    };
  }
  return withLines(next, (lines) => {
    for (const line of data.lines) {
      const patch = definedOnly({
        sku: line.sku,
        uom: line.uom,
        qty: line.qty,
        unitListPrice: line.unitListPrice?.amount,
        unitNetPrice: line.unitNetPrice.amount,
        taxCode: line.taxCode,
        requestedDate: line.requestedDate ?? data.requestedShipDate,
      });
      patchLine(lines, line.lineNo, stamp.id, { stamp, patch }, true);
    }
  });
}

export function applyOrderDecision(
  state: OrderState,
  event: DomainEventOf<'OrderAccepted'> | DomainEventOf<'OrderRejected'>,
  stamp: Stamp,
): OrderState {
  const accepted = event.type === 'OrderAccepted';
  const at = event.envelope.occurredAt;
  const { milestones } = state;
  // Every answer keeps its own milestone, not only the latest answer: a late-arriving
  // earlier acceptance must leave the same acceptedAt as one that arrived in time.
  let next: OrderState = {
    ...state,
    milestones: accepted
      ? { ...milestones, acceptedAt: latest(milestones.acceptedAt, at) }
      : { ...milestones, rejectedAt: latest(milestones.rejectedAt, at) },
  };
  if (isLater(stamp, state.decision?.stamp ?? null)) {
    next = {
      ...next,
      decision: {
        outcome: accepted ? 'ACCEPTED' : 'REJECTED',
        stamp,
        erpOrderNumber: event.data.erpOrderNumber ?? null,
        reason: accepted ? null : event.data.reason,
      },
    };
  }
  if (event.type === 'OrderRejected') return next;
  return withLines(next, (lines) => {
    for (const line of event.data.lines) {
      const patch = definedOnly({
        unitNetPrice: line.confirmedPrice?.amount,
        promisedShipDate: line.promisedShipDate,
        shipFrom: line.shipFrom,
      });
      reportLine(lines, line, stamp);
      patchLine(lines, line.lineNo, stamp.id, { stamp, patch }, false);
    }
  });
}

export function applyOrderLineChanged(state: OrderState, event: DomainEventOf<'OrderLineChanged'>, stamp: Stamp): OrderState {
  return withLines(state, (lines) => {
    for (const line of event.data.lines) {
      const patch = definedOnly({
        sku: line.sku,
        uom: line.uom,
        qty: line.qty,
        unitNetPrice: line.after.unitNetPrice?.amount,
        requestedDate: line.after.requestedDate,
        promisedShipDate: line.after.promisedShipDate,
        shipFrom: line.after.shipFrom,
      });
      patchLine(lines, line.lineNo, stamp.id, { stamp, patch }, true);
    }
  });
}

export function applyOrderClosed(state: OrderState, event: DomainEventOf<'OrderClosed'>, stamp: Stamp): OrderState {
  if (!isLater(stamp, state.closed?.stamp ?? null)) return state;
  return {
    ...state,
    closed: { reason: event.data.reason, stamp },
    milestones: { ...state.milestones, closedAt: event.envelope.occurredAt },
  };
}

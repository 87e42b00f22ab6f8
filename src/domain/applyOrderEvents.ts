import type { DomainEventOf } from './events.js';
import { definedOnly } from './lineRecords.js';
import type { OrderDraft } from './orderDraft.js';
import type { Stamp } from './orderState.js';
import { isLater, latest } from './stamp.js';

export function applyOrderReceived(draft: OrderDraft, event: DomainEventOf<'OrderReceived'>, stamp: Stamp): void {
  const { data } = event;
  const { state } = draft;
  if (isLater(stamp, state.headerStamp)) {
    draft.set({
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
    });
  }
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
    draft.patchLine(line.lineNo, stamp.id, { stamp, patch }, true);
  }
}

export function applyOrderDecision(
  draft: OrderDraft,
  event: DomainEventOf<'OrderAccepted'> | DomainEventOf<'OrderRejected'>,
  stamp: Stamp,
): void {
  const accepted = event.type === 'OrderAccepted';
  const at = event.envelope.occurredAt;
  const { milestones, decision } = draft.state;
  // Every answer keeps its own milestone, not only the latest answer: a late-arriving
  // earlier acceptance must leave the same acceptedAt as one that arrived in time.
  draft.set({
    milestones: accepted
      ? { ...milestones, acceptedAt: latest(milestones.acceptedAt, at) }
      : { ...milestones, rejectedAt: latest(milestones.rejectedAt, at) },
  });
  if (isLater(stamp, decision?.stamp ?? null)) {
    draft.set({
      decision: {
        outcome: accepted ? 'ACCEPTED' : 'REJECTED',
        stamp,
        erpOrderNumber: event.data.erpOrderNumber ?? null,
        reason: accepted ? null : event.data.reason,
      },
    });
  }
  if (event.type === 'OrderRejected') return;
  for (const line of event.data.lines) {
    const patch = definedOnly({
      unitNetPrice: line.confirmedPrice?.amount,
      promisedShipDate: line.promisedShipDate,
      shipFrom: line.shipFrom,
    });
    draft.reportLine(line, stamp);
    draft.patchLine(line.lineNo, stamp.id, { stamp, patch }, false);
  }
}

export function applyOrderLineChanged(draft: OrderDraft, event: DomainEventOf<'OrderLineChanged'>, stamp: Stamp): void {
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
    draft.patchLine(line.lineNo, stamp.id, { stamp, patch }, true);
  }
}

export function applyOrderClosed(draft: OrderDraft, event: DomainEventOf<'OrderClosed'>, stamp: Stamp): void {
  const { state } = draft;
  if (!isLater(stamp, state.closed?.stamp ?? null)) return;
  draft.set({
    closed: { reason: event.data.reason, stamp },
    milestones: { ...state.milestones, closedAt: event.envelope.occurredAt },
  });
}

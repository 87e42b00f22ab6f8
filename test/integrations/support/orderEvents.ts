import { randomUUID } from 'node:crypto';
import { eventIdFor } from '../../../src/domain/idempotency.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../../src/eventstore/streams.js';
import { untilReadable } from '../../support/untilReadable.js';

let clock = Date.parse('2026-03-02T08:00:00Z');

/** One domain event as the store takes it: the payload, and the envelope plus orderKey as metadata. */
export function ledgerEvent(orderKey: string, type: string, data: unknown, system: { kind: string; instance: string } = { kind: 'ERP', instance: 'erp-1' }): EventToAppend {
  const idempotencyKey = randomUUID();
  clock += 60_000;
  const at = new Date(clock).toISOString();
  return {
    id: eventIdFor(idempotencyKey),
    type,
    data,
    metadata: {
      orderKey,
      sourceSystem: system,
      sourceDocument: { type: type, id: randomUUID(), revision: 0 },
      idempotencyKey,
      correlationId: `corr-${orderKey}`,
      occurredAt: at,
      receivedAt: at,
      actor: { type: 'SYSTEM', id: system.instance },
      schemaVersion: 1,
    },
  };
}

const usd = (amount: number) => ({ amount, currency: 'USD' });

export function orderReceived(orderKey: string, lines: { lineNo: number; qty: number; price: number }[], currency = 'USD'): EventToAppend {
  return ledgerEvent(orderKey, 'OrderReceived', {
    orderKey,
    channel: 'ECOMMERCE',
    channelOrderId: `web-${orderKey}`,
    customerPO: `PO-${orderKey}`,
    soldTo: { id: 'C-1' },
    shipTo: { id: 'C-1-S' },
    billTo: { id: 'C-1' },
    currency,
    requestedShipDate: '2026-03-05',
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: `SKU-${l.lineNo}`, uom: 'EA', qty: l.qty, unitNetPrice: { amount: l.price, currency } })),
  }, { kind: 'ECOMMERCE', instance: 'shop-1' });
}

export function orderAccepted(orderKey: string, lines: { lineNo: number; qty: number }[]): EventToAppend {
  return ledgerEvent(orderKey, 'OrderAccepted', {
    erpOrderNumber: `SO-${orderKey}`,
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: `SKU-${l.lineNo}`, uom: 'EA', qty: l.qty, promisedShipDate: '2026-03-06' })),
  });
}

export function shipmentConfirmed(orderKey: string, shipmentId: string, lines: { lineNo: number; qty: number }[]): EventToAppend {
  return ledgerEvent(orderKey, 'ShipmentConfirmed', {
    shipmentId,
    shipFrom: 'WH-1',
    shippedAt: '2026-03-06T10:00:00Z',
    carrier: { scac: 'UPSN', service: 'GROUND' },
    trackingNumbers: [`1Z${shipmentId}`],
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: `SKU-${l.lineNo}`, uom: 'EA', qty: l.qty })),
  }, { kind: 'WMS', instance: 'wms-1' });
}

export function carrierStatusUpdated(orderKey: string, trackingNumber: string, statusCode: string, eta?: string): EventToAppend {
  return ledgerEvent(orderKey, 'CarrierStatusUpdated', { trackingNumber, statusCode, ...(eta ? { eta } : {}) }, { kind: 'TMS', instance: 'tms-1' });
}

export function holdApplied(orderKey: string): EventToAppend {
  return ledgerEvent(orderKey, 'HoldApplied', { holdId: `H-${orderKey}`, holdType: 'CREDIT', blocking: true, reason: 'over limit' });
}

export function invoicePosted(orderKey: string, invoiceNumber: string, lines: { lineNo: number; qty: number; amount: number }[]): EventToAppend {
  const total = lines.reduce((s, l) => s + l.amount, 0);
  return ledgerEvent(orderKey, 'InvoicePosted', {
    invoiceNumber,
    invoiceDate: '2026-03-07',
    currency: 'USD',
    lines: lines.map((l) => ({ lineNo: l.lineNo, sku: `SKU-${l.lineNo}`, uom: 'EA', qty: l.qty, amount: usd(l.amount) })),
    total: usd(total),
  });
}

/** Appends to the order's stream (after whatever it holds) and returns the recorded events. */
export async function appendToOrder(store: EventStore, orderKey: string, events: readonly EventToAppend[]): Promise<RecordedEvent[]> {
  const streamId = orderStreamId(orderKey);
  const { position } = await store.append(streamId, events, { expectedRevision: 'any' });
  await untilReadable(store, position);
  const ids = new Set(events.map((e) => e.id));
  const recorded: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) if (ids.has(event.id)) recorded.push(event);
  return recorded;
}

/** A small order of `count` events (received, accepted, then holds) in one stream. */
export async function anOrder(store: EventStore, orderKey: string, count = 3): Promise<RecordedEvent[]> {
  const lines = [{ lineNo: 1, qty: 10, price: 12.5 }, { lineNo: 2, qty: 4, price: 100 }];
  const events = [orderReceived(orderKey, lines), orderAccepted(orderKey, lines)];
  while (events.length < count) events.push(holdApplied(`${orderKey}`));
  return appendToOrder(store, orderKey, events.slice(0, count));
}

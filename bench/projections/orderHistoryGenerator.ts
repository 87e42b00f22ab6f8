import type { Envelope } from '../../src/domain/envelope.js';
import type { OrderEventType } from '../../src/domain/events.js';
import { eventIdFor, submissionDigest } from '../../src/domain/idempotency.js';
import type { EventToAppend } from '../../src/eventstore/EventStore.js';

/** docs/domain.md §6 channel mix: share of orders and mean lines per order. */
const channels = [
  { channel: 'ECOMMERCE', share: 0.4, lines: 2.5, kind: 'ECOMMERCE' },
  { channel: 'MARKETPLACE', share: 0.15, lines: 1.5, kind: 'ECOMMERCE' },
  { channel: 'INSIDE_SALES', share: 0.25, lines: 4, kind: 'CRM' },
  { channel: 'FIELD_SALES', share: 0.12, lines: 6, kind: 'CRM' },
  { channel: 'EDI', share: 0.08, lines: 15, kind: 'EDI' },
] as const;

const ownerOf: Partial<Record<OrderEventType, string>> = {
  Picked: 'WMS', Packed: 'WMS', ShipmentConfirmed: 'WMS', ReturnReceived: 'WMS', CarrierStatusUpdated: 'TMS', DeliveryConfirmed: 'TMS',
};

/** A seeded PRNG (mulberry32), so every run generates the same log. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An order's events in phases (intake, warehouse, transit, billing), so a loader can interleave orders realistically. */
export interface GeneratedOrder {
  readonly orderKey: string;
  readonly phases: EventToAppend[][];
}

type Line = { lineNo: number; sku: string; uom: string; qty: number };

/**
 * One realistic order (≈17 events on average across the mix), received at `receivedMs`.
 * `lineScale` multiplies the mean lines per order of every channel (more lines, the same events).
 */
export function generateOrder(index: number, receivedMs: number, random: () => number, lineScale = 1): GeneratedOrder {
  const orderKey = `B${index}`;
  const pick = random();
  let acc = 0;
  const mix = channels.find((c) => (acc += c.share) >= pick) ?? channels[0];
  const lineCount = Math.max(1, Math.min(500, Math.round(-Math.log(1 - random()) * mix.lines * lineScale)));
  const lines: Line[] = Array.from({ length: lineCount }, (_, i) => ({ lineNo: i + 1, sku: `SKU-${Math.floor(random() * 5000)}`, uom: 'EA', qty: 1 + Math.floor(random() * 20) }));
  const soldTo = `C${Math.floor(random() * 2000)}`;
  const warehouse = `WH${1 + Math.floor(random() * 4)}`;
  const at = (hours: number) => new Date(receivedMs + hours * 3_600_000).toISOString();
  const day = (hours: number) => at(hours).slice(0, 10);
  let n = 0;
  const ev = (type: OrderEventType, data: unknown, hours: number): EventToAppend => {
    const kind = ownerOf[type] ?? (type === 'OrderReceived' || type === 'OrderLineChanged' || type === 'LineCancelled' ? mix.kind : 'ERP');
    const docId = `${orderKey}-${n++}`;
    const key = `${kind}|${type}|${docId}`;
    const envelope: Envelope = {
      sourceSystem: { kind: kind as Envelope['sourceSystem']['kind'], instance: `${kind.toLowerCase()}-1` },
      sourceDocument: { type, id: docId, revision: 0 }, idempotencyKey: key, correlationId: `corr-${orderKey}`,
      occurredAt: at(hours), receivedAt: at(hours), actor: { type: 'SYSTEM', id: `${kind.toLowerCase()}-bot` }, schemaVersion: 1,
      // As decide() stamps every envelope the service appends.
      payloadSha256: submissionDigest(type, data),
    };
    return { id: eventIdFor(key), type, data, metadata: { ...envelope, orderKey } };
  };
  const intake: EventToAppend[] = [
    ev('OrderReceived', {
      orderKey, channel: mix.channel, channelOrderId: `${mix.channel}-${index}`, customerPO: `PO-${index}`, soldTo: { id: soldTo },
      shipTo: { id: soldTo }, billTo: { id: soldTo }, currency: 'USD',
      lines: lines.map((l) => ({ ...l, unitNetPrice: { amount: 1 + Math.floor(random() * 200), currency: 'USD' } })),
    }, 0),
  ];
  if (random() < 0.04) intake.push(ev('HoldApplied', { holdId: `H-${index}`, holdType: 'CREDIT', blocking: true, reason: 'limit' }, 0.1));
  intake.push(ev('OrderAccepted', { erpOrderNumber: `ERP-${index}`, lines: lines.map((l) => ({ ...l, promisedShipDate: day(48), shipFrom: warehouse })) }, 0.3));
  if (intake.length === 3) intake.push(ev('HoldReleased', { holdId: `H-${index}`, holdType: 'CREDIT', reason: 'ok', releasedBy: 'credit' }, 2));
  if (random() < 0.3) intake.push(ev('OrderLineChanged', { reason: 'buyer', lines: [{ ...lines[0]!, before: { qty: lines[0]!.qty }, after: {} }] }, 1));
  const backordered = lines.filter(() => random() < 0.05);
  const shippable = lines.filter((l) => !backordered.includes(l));
  intake.push(ev('InventoryAllocated', { lines: (shippable.length ? shippable : lines).map((l) => ({ ...l, warehouse })) }, 3));
  if (random() < 0.2) intake.push(ev('InventoryAllocated', { lines: [{ ...lines[0]!, qty: 0, warehouse }] }, 4));
  if (backordered.length) intake.push(ev('LineBackordered', { lines: backordered.map((l) => ({ ...l, availableDate: day(24 * 10) })) }, 3));
  if (random() < 0.08) intake.push(ev('LineCancelled', { reason: 'CUSTOMER', initiator: 'buyer', lines: [{ ...lines[lineCount - 1]!, qty: 1 }] }, 5));
  const split = random() < 0.2 && shippable.length > 1 ? [shippable.slice(0, 1), shippable.slice(1)] : [shippable.length ? shippable : lines];
  const warehouseEvents: EventToAppend[] = [];
  const transit: EventToAppend[] = [];
  const billing: EventToAppend[] = [];
  split.forEach((ship, s) => {
    const h = 20 + s * 30;
    const shipmentId = `SH-${index}-${s}`;
    warehouseEvents.push(ev('ReleasedToWarehouse', { warehouse, lines: ship }, h - 6), ev('Picked', { warehouse, lines: ship }, h - 3),
      ev('Packed', { warehouse, lines: ship }, h - 1), ev('ShipmentConfirmed', { shipmentId, shipFrom: warehouse, shippedAt: at(h), trackingNumbers: [`1Z${index}${s}`], lines: ship }, h));
    for (const [k, code] of ['AF', 'X6', 'D1'].entries()) {
      transit.push(ev('CarrierStatusUpdated', { shipmentId, trackingNumber: `1Z${index}${s}`, statusCode: code, eta: at(h + 30) }, h + 8 + k * 12));
    }
    transit.push(ev('DeliveryConfirmed', { shipmentId, deliveredAt: at(h + 32), damaged: false, lines: ship }, h + 32));
    const amounts = ship.map((l) => ({ ...l, amount: { amount: l.qty * 10, currency: 'USD' } }));
    const total = amounts.reduce((sum, l) => sum + l.amount.amount, 0);
    billing.push(ev('InvoicePosted', { invoiceNumber: `INV-${index}-${s}`, invoiceDate: day(h + 1), currency: 'USD', lines: amounts, total: { amount: total, currency: 'USD' } }, h + 1));
  });
  if (random() < 0.09) {
    const l = shippable[0] ?? lines[0]!;
    billing.push(ev('ReturnAuthorized', { raNumber: `RA-${index}`, reason: 'DAMAGED', lines: [{ ...l, qty: 1 }] }, 200),
      ev('ReturnReceived', { raNumber: `RA-${index}`, lines: [{ ...l, qty: 1, condition: 'DAMAGED', disposition: 'scrap' }] }, 260));
  }
  billing.push(ev('OrderClosed', { reason: 'COMPLETE' }, 300));
  return { orderKey, phases: [intake, warehouseEvents, transit, billing] };
}

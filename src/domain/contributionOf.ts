import type { DomainEvent } from './events.js';
import type { ContributionKind, DocumentContribution, ShipmentDetail } from './orderState.js';

type Line = { readonly lineNo: number; readonly qty: number; readonly amount?: { readonly amount: number } };

/**
 * The bucket contribution a fact makes, keyed by its source document and
 * kind: a newer revision of the same document replaces the older one, and
 * each bucket sums over documents (docs/domain.md §3, out-of-order item 2).
 */
export function contributionOf(
  event: DomainEvent,
  eventId: string,
): { readonly key: string; readonly contribution: DocumentContribution } | null {
  const shape = shapeOf(event);
  if (!shape) return null;
  const doc = event.envelope.sourceDocument;
  const lines: Record<string, { qty: number; amount: number; date: string | null }> = {};
  for (const line of shape.lines) {
    const prior = lines[String(line.lineNo)];
    lines[String(line.lineNo)] = {
      qty: (prior?.qty ?? 0) + line.qty,
      amount: (prior?.amount ?? 0) + (line.amount?.amount ?? 0),
      date: shape.dateOf(line),
    };
  }
  return {
    key: `${shape.kind}|${doc.type}|${doc.id}`,
    contribution: {
      kind: shape.kind, revision: doc.revision, eventId, occurredAt: event.envelope.occurredAt, lines, total: shape.total,
      ...(shape.shipment ? { shipment: shape.shipment } : {}),
      ...(shape.invoice ? { invoice: shape.invoice } : {}),
    },
  };
}

interface Shape {
  readonly kind: ContributionKind;
  readonly lines: readonly Line[];
  readonly total: number;
  readonly dateOf: (line: Line) => string | null;
  readonly shipment?: ShipmentDetail;
  readonly invoice?: DocumentContribution['invoice'];
}

const noDate = () => null;

function shapeOf(event: DomainEvent): Shape | null {
  const plain = (kind: ContributionKind, lines: readonly Line[]): Shape => ({ kind, lines, total: 0, dateOf: noDate });
  switch (event.type) {
    case 'LineCancelled': return plain('cancel', event.data.lines);
    case 'InventoryAllocated': return plain('alloc', event.data.lines);
    case 'InventoryDeallocated': return plain('dealloc', event.data.lines);
    case 'ReleasedToWarehouse': return plain('release', event.data.lines);
    case 'Picked': return plain('pick', event.data.lines);
    case 'Packed': return plain('pack', event.data.lines);
    case 'ShipmentReversed': return { ...plain('reverse', event.data.lines), shipment: { shipmentId: event.data.shipmentId } };
    case 'ReturnAuthorized': return plain('ra', event.data.lines);
    case 'ReturnReceived': return plain('return', event.data.lines);
    case 'LineBackordered': {
      const dates = new Map(event.data.lines.map((l) => [l.lineNo, l.availableDate ?? null]));
      return { kind: 'backorder', lines: event.data.lines, total: 0, dateOf: (l) => dates.get(l.lineNo) ?? null };
    }
    case 'ShipmentConfirmed': {
      const d = event.data;
      const shipment: ShipmentDetail = {
        shipmentId: d.shipmentId, shipFrom: d.shipFrom,
        ...(d.carrier ? { carrier: d.carrier.scac, ...(d.carrier.service ? { service: d.carrier.service } : {}) } : {}),
        ...(d.trackingNumbers ? { trackingNumbers: d.trackingNumbers } : {}),
      };
      return { kind: 'ship', lines: d.lines, total: 0, dateOf: () => d.shippedAt, shipment };
    }
    case 'DeliveryConfirmed': {
      const d = event.data;
      return { kind: 'deliver', lines: d.lines, total: 0, dateOf: () => d.deliveredAt, ...(d.shipmentId ? { shipment: { shipmentId: d.shipmentId } } : {}) };
    }
    case 'InvoicePosted':
    case 'InvoiceCancelled': {
      const d = event.data;
      const kind = event.type === 'InvoicePosted' ? 'invoice' : 'invoiceCancel';
      return { kind, lines: d.lines, total: d.total.amount, dateOf: noDate, invoice: { invoiceNumber: d.invoiceNumber, invoiceDate: d.invoiceDate } };
    }
    case 'CreditMemoIssued':
      return { kind: 'credit', lines: event.data.lines ?? [], total: event.data.total.amount, dateOf: noDate };
    default:
      return null;
  }
}

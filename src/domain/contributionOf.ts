import type { DomainEvent } from './events.js';
import type { ContributionKind, DocumentContribution } from './orderState.js';

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
    },
  };
}

interface Shape {
  readonly kind: ContributionKind;
  readonly lines: readonly Line[];
  readonly total: number;
  readonly dateOf: (line: Line) => string | null;
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
    case 'ShipmentReversed': return plain('reverse', event.data.lines);
    case 'ReturnAuthorized': return plain('ra', event.data.lines);
    case 'ReturnReceived': return plain('return', event.data.lines);
    case 'LineBackordered': {
      const dates = new Map(event.data.lines.map((l) => [l.lineNo, l.availableDate ?? null]));
      return { kind: 'backorder', lines: event.data.lines, total: 0, dateOf: (l) => dates.get(l.lineNo) ?? null };
    }
    case 'ShipmentConfirmed': {
      const at = event.data.shippedAt;
      return { kind: 'ship', lines: event.data.lines, total: 0, dateOf: () => at };
    }
    case 'DeliveryConfirmed': {
      const at = event.data.deliveredAt;
      return { kind: 'deliver', lines: event.data.lines, total: 0, dateOf: () => at };
    }
    case 'InvoicePosted':
      return { kind: 'invoice', lines: event.data.lines, total: event.data.total.amount, dateOf: noDate };
    case 'InvoiceCancelled':
      return { kind: 'invoiceCancel', lines: event.data.lines, total: event.data.total.amount, dateOf: noDate };
    case 'CreditMemoIssued':
      return { kind: 'credit', lines: event.data.lines ?? [], total: event.data.total.amount, dateOf: noDate };
    default:
      return null;
  }
}

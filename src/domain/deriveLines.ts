import { OrderDraft, type LineDraft } from './orderDraft.js';
import type { ContributionKind, DocumentContribution, OrderState } from './orderState.js';
import { earliest, latest } from './stamp.js';

type Sums = Record<ContributionKind, number>;

interface LineFacts {
  sums: Sums;
  invoicedAmount: number;
  backorder: { at: string; eventId: string; date: string | null } | null;
  firstShipment: { at: string; qty: number; eventId: string } | null;
  deliveredAt: string | null;
}

const zeroSums = (): Sums => ({
  cancel: 0, alloc: 0, dealloc: 0, backorder: 0, release: 0, pick: 0, pack: 0, ship: 0, reverse: 0,
  deliver: 0, invoice: 0, invoiceCancel: 0, ra: 0, return: 0, credit: 0,
});

/** Quantities rounded to 6 decimals: float noise never depends on the order they were added in. */
export const tidyQuantity = (x: number): number => Math.round(x * 1e6) / 1e6;
const tidy = tidyQuantity;
const pos = (x: number): number => Math.max(0, tidy(x));

/**
 * Recomputes every line's buckets, and the order's totals and milestones,
 * from the documents at their highest revision. A pure function of the set
 * of documents, which is what makes folding facts commutative.
 */
export function deriveLines(state: OrderState): OrderState {
  const draft = new OrderDraft(state);
  derive(draft, null);
  return draft.finish();
}

/**
 * Ends a fold with what `deriveLines` would give its state, recomputing only
 * what the fold changed (its base being derived): the lines it wrote and the
 * lines a document it added or replaced names (at either revision), every
 * line when the order closed or reopened (their `closed` flag). The others
 * keep their derived values, which depend on nothing else; so do the totals
 * unless an invoice or credit document changed, and the shipped and delivered
 * milestones unless a line's first shipment or delivery moved.
 */
export function deriveChanges(draft: OrderDraft): OrderState {
  draft.foldStaleTerms();
  if (draft.base.closed !== draft.state.closed) derive(draft, null);
  else if (draft.touchedLines.size > 0 || draft.changedDocuments.length > 0) {
    const touched = new Set(draft.touchedLines);
    for (const doc of draft.changedDocuments) for (const lineNo in doc.lines) touched.add(lineNo);
    derive(draft, touched);
  }
  return draft.finish();
}

const totalKinds: ReadonlySet<ContributionKind> = new Set(['invoice', 'invoiceCancel', 'credit']);

/** Derives the lines in `only` (all when null) in place; the sums still run over the documents in key order, as a full derivation adds them. */
function derive(draft: OrderDraft, only: ReadonlySet<string> | null): void {
  const { state } = draft;
  const docs = Object.keys(state.documents).sort().map((key) => state.documents[key]!);
  const facts = collect(docs, only);
  const closed = state.closed !== null;
  let moved = only === null;
  for (const key of only ?? Object.keys(state.lines)) {
    const current = state.lines[key];
    if (!current) continue;
    // Read before the line is written: it may be the draft's own, changed in place.
    const shippedAt = current.firstShipment?.at ?? null;
    const deliveredAt = current.deliveredAt;
    const line = draft.line(current.lineNo);
    deriveLine(line, facts.get(key) ?? blankFacts(), closed);
    moved ||= (line.firstShipment?.at ?? null) !== shippedAt || line.deliveredAt !== deliveredAt;
  }
  if (only === null || draft.changedDocuments.some((doc) => totalKinds.has(doc.kind))) {
    draft.set({
      totals: {
        invoiced: pos(sumTotals(docs, 'invoice') - sumTotals(docs, 'invoiceCancel')),
        credited: pos(sumTotals(docs, 'credit')),
      },
    });
  }
  if (moved) {
    const all = Object.values(state.lines);
    draft.set({
      milestones: {
        ...state.milestones,
        firstShippedAt: all.reduce<string | null>((at, l) => earliest(at, l.firstShipment?.at ?? null), null),
        deliveredAt: all.reduce<string | null>((at, l) => latest(at, l.deliveredAt), null),
      },
    });
  }
}

function deriveLine(line: LineDraft, facts: LineFacts, closed: boolean): void {
  const { sums } = facts;
  const net = pos(line.qty - sums.cancel);
  const shipped = pos(sums.ship - sums.reverse);
  const open = pos(net - shipped);
  const allocated = pos(sums.alloc - sums.dealloc - shipped);
  line.buckets = {
    ordered: pos(line.qty),
    cancelled: pos(sums.cancel),
    allocated,
    backordered: Math.min(pos(sums.backorder), pos(open - allocated)),
    shipped,
    delivered: pos(sums.deliver),
    invoiced: pos(sums.invoice - sums.invoiceCancel),
    returnAuthorized: pos(sums.ra),
    returned: pos(sums.return),
    net,
    open,
  };
  line.invoicedAmount = pos(facts.invoicedAmount);
  line.backorderEta = facts.backorder?.date ?? null;
  line.released = sums.release > 0;
  line.picked = sums.pick > 0;
  line.packed = sums.pack > 0;
  line.firstShipment = facts.firstShipment && { at: facts.firstShipment.at, qty: facts.firstShipment.qty };
  line.deliveredAt = facts.deliveredAt;
  line.closed = closed;
}

function blankFacts(): LineFacts {
  return { sums: zeroSums(), invoicedAmount: 0, backorder: null, firstShipment: null, deliveredAt: null };
}

function collect(docs: readonly DocumentContribution[], only: ReadonlySet<string> | null): Map<string, LineFacts> {
  const byLine = new Map<string, LineFacts>();
  for (const doc of docs) {
    for (const [lineNo, entry] of Object.entries(doc.lines)) {
      if (only !== null && !only.has(lineNo)) continue;
      const facts = byLine.get(lineNo) ?? blankFacts();
      facts.sums[doc.kind] += entry.qty;
      if (doc.kind === 'invoice') facts.invoicedAmount += entry.amount;
      if (doc.kind === 'invoiceCancel') facts.invoicedAmount -= entry.amount;
      if (doc.kind === 'backorder' && isNewer(doc, facts.backorder)) {
        facts.backorder = { at: doc.occurredAt, eventId: doc.eventId, date: entry.date };
      }
      if (doc.kind === 'ship' && entry.qty > 0 && entry.date && isEarlierShipment(entry.date, doc.eventId, facts.firstShipment)) {
        facts.firstShipment = { at: entry.date, qty: entry.qty, eventId: doc.eventId };
      }
      if (doc.kind === 'deliver') facts.deliveredAt = latest(facts.deliveredAt, entry.date);
      byLine.set(lineNo, facts);
    }
  }
  return byLine;
}

function isNewer(doc: DocumentContribution, current: { at: string; eventId: string } | null): boolean {
  if (!current) return true;
  const a = Date.parse(doc.occurredAt);
  const b = Date.parse(current.at);
  return a !== b ? a > b : doc.eventId > current.eventId;
}

function isEarlierShipment(at: string, eventId: string, current: { at: string; eventId: string } | null): boolean {
  if (!current) return true;
  const a = Date.parse(at);
  const b = Date.parse(current.at);
  return a !== b ? a < b : eventId < current.eventId;
}

function sumTotals(docs: readonly DocumentContribution[], kind: ContributionKind): number {
  return docs.filter((d) => d.kind === kind).reduce((sum, d) => sum + d.total, 0);
}

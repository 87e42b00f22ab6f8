import type { Buckets, ContributionKind, DocumentContribution, LineState, OrderState } from './orderState.js';
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
  return derive(state, null);
}

/**
 * What `deriveLines(after)` gives, recomputing only the lines whose inputs
 * differ from `before` (itself derived): a line whose record changed, or that
 * a document added or replaced since `before` names (at either revision).
 * The others keep their derived values, which depend on nothing else; every
 * line is recomputed when the order closed or reopened (their `closed` flag).
 */
export function deriveLinesSince(before: OrderState, after: OrderState): OrderState {
  if (before.closed !== after.closed) return derive(after, null);
  const touched = new Set<string>();
  for (const key in after.lines) if (after.lines[key] !== before.lines[key]) touched.add(key);
  for (const key in after.documents) {
    const now = after.documents[key]!;
    const then = before.documents[key];
    if (now === then) continue;
    for (const lineNo in now.lines) touched.add(lineNo);
    if (then) for (const lineNo in then.lines) touched.add(lineNo);
  }
  return derive(after, touched);
}

/** Derives the lines in `only` (all when null); the sums still run over the documents in key order, as a full derivation adds them. */
function derive(state: OrderState, only: ReadonlySet<string> | null): OrderState {
  const docs = Object.keys(state.documents).sort().map((key) => state.documents[key]!);
  const facts = collect(docs, only);
  const closed = state.closed !== null;
  const lines: Record<string, LineState> = only === null ? {} : { ...state.lines };
  for (const key of only ?? Object.keys(state.lines)) {
    const line = state.lines[key];
    if (line) lines[key] = deriveLine(line, facts.get(key) ?? blankFacts(), closed);
  }
  const all = Object.values(lines);
  return {
    ...state,
    lines,
    totals: {
      invoiced: pos(sumTotals(docs, 'invoice') - sumTotals(docs, 'invoiceCancel')),
      credited: pos(sumTotals(docs, 'credit')),
    },
    milestones: {
      ...state.milestones,
      firstShippedAt: all.reduce<string | null>((at, l) => earliest(at, l.firstShipment?.at ?? null), null),
      deliveredAt: all.reduce<string | null>((at, l) => latest(at, l.deliveredAt), null),
    },
  };
}

function deriveLine(line: LineState, facts: LineFacts, closed: boolean): LineState {
  const { sums } = facts;
  const net = pos(line.qty - sums.cancel);
  const shipped = pos(sums.ship - sums.reverse);
  const open = pos(net - shipped);
  const allocated = pos(sums.alloc - sums.dealloc - shipped);
  const buckets: Buckets = {
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
  return {
    ...line,
    buckets,
    invoicedAmount: pos(facts.invoicedAmount),
    backorderEta: facts.backorder?.date ?? null,
    released: sums.release > 0,
    picked: sums.pick > 0,
    packed: sums.pack > 0,
    firstShipment: facts.firstShipment && { at: facts.firstShipment.at, qty: facts.firstShipment.qty },
    deliveredAt: facts.deliveredAt,
    closed,
  };
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

import type { LineState, LineTerms, OrderState, Stamp, TermPatch } from './orderState.js';
import { emptyBuckets } from './orderState.js';
import { compareStamps } from './stamp.js';

const blankTerms: LineTerms = {
  sku: null, uom: null, qty: 0, unitListPrice: null, unitNetPrice: null, taxCode: null,
  requestedDate: null, promisedShipDate: null, shipFrom: null,
};

export function newLine(lineNo: number): LineState {
  return {
    ...blankTerms, lineNo, known: false, termPatches: {}, reportedAs: null, buckets: emptyBuckets,
    invoicedAmount: 0, backorderEta: null, released: false, picked: false, packed: false,
    firstShipment: null, deliveredAt: null, closed: false,
  };
}

/** The line's terms: its order events' patches applied in stamp order, so arrival order does not matter. */
export function foldTerms(line: LineState): LineTerms {
  const patches = Object.values(line.termPatches).sort((a, b) => compareStamps(a.stamp, b.stamp));
  const terms = patches.reduce<LineTerms>((acc, { patch }) => ({ ...acc, ...patch }), blankTerms);
  return {
    ...terms,
    sku: terms.sku ?? line.reportedAs?.sku ?? null,
    uom: terms.uom ?? line.reportedAs?.uom ?? null,
  };
}

/** Drops undefined members so a patch only sets what the event states. */
export function definedOnly(patch: { [K in keyof LineTerms]?: LineTerms[K] | undefined }): Partial<LineTerms> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<LineTerms>;
}

/** A copy of the order's lines that one event's steps change in place: the map is copied once per event, not once per line. */
export type LineDraft = Record<string, LineState>;

/** Runs an event's line steps on one copy of the lines; untouched lines keep their identity. */
export function withLines(state: OrderState, steps: (lines: LineDraft) => void): OrderState {
  const lines: LineDraft = { ...state.lines };
  steps(lines);
  return { ...state, lines };
}

/** Records an order event's terms for a line. */
export function patchLine(lines: LineDraft, lineNo: number, eventId: string, patch: TermPatch, known: boolean): void {
  const key = String(lineNo);
  const line = lines[key] ?? newLine(lineNo);
  const termPatches = { ...line.termPatches, [eventId]: patch };
  const updated = { ...line, known: line.known || known, termPatches };
  lines[key] = { ...updated, ...foldTerms(updated) };
}

/** Notes a line a fact reports; the earliest report names its sku and uom until the order does. */
export function reportLine(lines: LineDraft, line: { lineNo: number; sku: string; uom: string }, stamp: Stamp): void {
  const key = String(line.lineNo);
  const current = lines[key] ?? newLine(line.lineNo);
  if (current.reportedAs && compareStamps(current.reportedAs.stamp, stamp) <= 0) {
    if (!lines[key]) lines[key] = current;
    return;
  }
  const updated = { ...current, reportedAs: { sku: line.sku, uom: line.uom, stamp } };
  lines[key] = { ...updated, ...foldTerms(updated) };
}

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

/** Records an order event's terms for a line. */
export function patchLine(
  state: OrderState,
  lineNo: number,
  eventId: string,
  patch: TermPatch,
  known: boolean,
): OrderState {
  const line = state.lines[String(lineNo)] ?? newLine(lineNo);
  const termPatches = { ...line.termPatches, [eventId]: patch };
  const updated = { ...line, known: line.known || known, termPatches };
  return { ...state, lines: { ...state.lines, [String(lineNo)]: { ...updated, ...foldTerms(updated) } } };
}

/** Notes a line a fact reports; the earliest report names its sku and uom until the order does. */
export function reportLine(state: OrderState, line: { lineNo: number; sku: string; uom: string }, stamp: Stamp): OrderState {
  const current = state.lines[String(line.lineNo)] ?? newLine(line.lineNo);
  if (current.reportedAs && compareStamps(current.reportedAs.stamp, stamp) <= 0) {
    return state.lines[String(line.lineNo)] ? state : { ...state, lines: { ...state.lines, [String(line.lineNo)]: current } };
  }
  const updated = { ...current, reportedAs: { sku: line.sku, uom: line.uom, stamp } };
  return { ...state, lines: { ...state.lines, [String(line.lineNo)]: { ...updated, ...foldTerms(updated) } } };
}

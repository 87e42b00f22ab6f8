import type { LineState, OrderState } from '../../domain/orderState.js';

/** The order's lines in line-number order. */
export function linesOf(state: OrderState): LineState[] {
  return Object.values(state.lines).sort((a, b) => a.lineNo - b.lineNo);
}

/** Money and quantities rounded to 6 decimals, so float noise never differs between two folds. */
export function tidy(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function valueOf(qty: number, line: LineState): number {
  return tidy(qty * (line.unitNetPrice ?? 0));
}

/** The UTC calendar date of an ISO time. */
export function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export function secondsBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** Splits a document key `kind|docType|docId` (the domain's contribution key). */
export function documentIdOf(key: string): { kind: string; docType: string; docId: string } {
  const [kind = '', docType = '', ...rest] = key.split('|');
  return { kind, docType, docId: rest.join('|') };
}

export function minDate(dates: readonly (string | null)[]): string | null {
  return dates.reduce<string | null>((min, d) => (d !== null && (min === null || d < min) ? d : min), null);
}

export function maxDate(dates: readonly (string | null)[]): string | null {
  return dates.reduce<string | null>((max, d) => (d !== null && (max === null || d > max) ? d : max), null);
}

import type { LineState, OrderState } from '../../domain/orderState.js';

/** The order's lines in line-number order. */
export function linesOf(state: OrderState): LineState[] {
  return Object.values(state.lines).sort((a, b) => a.lineNo - b.lineNo);
}

/** The UTC calendar date of an ISO time. */
export function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

export function secondsBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

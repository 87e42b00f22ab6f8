import type { LineState, OrderState } from './orderState.js';
import { orderStatus, terminalOrderStatuses } from './orderStatus.js';

/** Money in the order currency, rounded to cents; also clears float noise so two folds agree to the digit. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** True once nothing more is owed on the order: rejected, cancelled or closed. */
export function isSettled(state: OrderState): boolean {
  return terminalOrderStatuses.includes(orderStatus(state));
}

/**
 * The open value of one line: open quantity × unit net price, in cents. A
 * line without a price counts 0, and so does every line of a settled order:
 * what was rejected, cancelled or closed is no longer at risk.
 */
export function lineOpenValue(state: OrderState, line: LineState): number {
  return isSettled(state) ? 0 : roundMoney(line.buckets.open * (line.unitNetPrice ?? 0));
}

/** The value ordered on one line: net quantity × unit net price, in cents. */
export function lineOrderedValue(line: LineState): number {
  return roundMoney(line.buckets.net * (line.unitNetPrice ?? 0));
}

/** The order's open value: the sum of its lines' (so the backlog's rows add up to it exactly). */
export function openValue(state: OrderState): number {
  let sum = 0;
  for (const line of Object.values(state.lines)) sum += lineOpenValue(state, line);
  return roundMoney(sum);
}

export function orderedValue(state: OrderState): number {
  let sum = 0;
  for (const line of Object.values(state.lines)) sum += lineOrderedValue(line);
  return roundMoney(sum);
}

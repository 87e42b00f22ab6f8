import { lineStageRank, lineStatus, type LineStatus } from './lineStatus.js';
import { holdTypes, type HoldType } from './orderEvents.js';
import type { Hold, LineState, OrderState } from './orderState.js';

type Rolled = Exclude<LineStatus, 'OPEN' | 'CANCELLED' | 'CLOSED'>;
type Stage = 'BACKORDERED' | 'ALLOCATED' | 'SHIPPED' | 'DELIVERED' | 'INVOICED' | 'RETURNED';

/** NONE: only facts so far, no OrderReceived. */
export type OrderStatus =
  | 'NONE' | 'RECEIVED' | 'ACCEPTED' | 'REJECTED' | 'CANCELLED' | 'CLOSED' | Rolled | `PARTIALLY_${Stage}`;

/** ON_HOLD(type) while a blocking hold is active and nothing has shipped. */
export type DisplayStatus = OrderStatus | `ON_HOLD(${HoldType})`;

export const terminalOrderStatuses: readonly OrderStatus[] = ['REJECTED', 'CANCELLED', 'CLOSED'];

export function statusOfLine(line: LineState): LineStatus {
  return lineStatus(line.buckets, line.closed);
}

/**
 * docs/domain.md §1 order status: RECEIVED until the ERP answers; then the roll-up
 * of the non-cancelled lines (one shared status, else PARTIALLY_{furthest});
 * CANCELLED when every line is; CLOSED only via OrderClosed.
 */
export function orderStatus(state: OrderState): OrderStatus {
  if (state.closed) return 'CLOSED';
  if (state.decision?.outcome === 'REJECTED') return 'REJECTED';
  if (!state.decision) return state.header ? 'RECEIVED' : 'NONE';
  const statuses = Object.values(state.lines).map(statusOfLine);
  const live = statuses.filter((s) => s !== 'CANCELLED');
  if (live.length === 0) return statuses.length > 0 ? 'CANCELLED' : 'ACCEPTED';
  const first = live[0]!;
  if (live.every((s) => s === first)) return first === 'OPEN' ? 'ACCEPTED' : (first as Rolled);
  const furthest = live.reduce((a, b) => (lineStageRank[b] > lineStageRank[a] ? b : a));
  return `PARTIALLY_${furthest.replace(/^PARTIALLY_/, '')}` as OrderStatus;
}

/**
 * Holds applied and not released since: a hold is active when its latest
 * application is later (business time) than its latest release, so a hold
 * re-applied under the same id is active again whatever order events arrive in.
 */
export function activeHolds(state: OrderState): readonly Hold[] {
  return Object.values(state.holds)
    .filter((h) => h.appliedAt !== null && (h.releasedAt === null || Date.parse(h.appliedAt) > Date.parse(h.releasedAt)))
    .sort((a, b) => holdTypes.indexOf(a.type) - holdTypes.indexOf(b.type) || (a.id < b.id ? -1 : 1));
}

/** The active blocking holds covering a line (order-level holds cover every line). */
export function blockingHoldsOn(state: OrderState, lineNo: number): readonly Hold[] {
  return activeHolds(state).filter((h) => h.blocking && (h.lineNos === null || h.lineNos.includes(lineNo)));
}

/** What the CRM shows: the hold overlay over the order status. */
export function displayStatus(state: OrderState): DisplayStatus {
  const status = orderStatus(state);
  if (terminalOrderStatuses.includes(status)) return status;
  const hold = activeHolds(state).find((h) => h.blocking);
  const nothingShipped = Object.values(state.lines).every((l) => l.buckets.shipped === 0);
  return hold && nothingShipped ? `ON_HOLD(${hold.type})` : status;
}

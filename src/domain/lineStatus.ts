import type { Buckets } from './orderState.js';

export const lineStatuses = [
  'OPEN', 'BACKORDERED', 'PARTIALLY_ALLOCATED', 'ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED',
  'INVOICED', 'PARTIALLY_RETURNED', 'RETURNED', 'CANCELLED', 'CLOSED',
] as const;
export type LineStatus = (typeof lineStatuses)[number];

/**
 * docs/domain.md §1 line status rules 1–12, evaluated in order; the first match
 * wins. Total: every bucket combination has exactly one status.
 */
export function lineStatus(buckets: Buckets, closed: boolean): LineStatus {
  const { net, shipped, open, returned, returnAuthorized, invoiced, delivered, allocated, backordered } = buckets;
  const openReturnAuthorization = returnAuthorized > returned;
  if (closed && !openReturnAuthorization) return 'CLOSED';
  if (net === 0 && shipped === 0) return 'CANCELLED';
  if (shipped > 0 && returned >= shipped) return 'RETURNED';
  if (returned > 0 || openReturnAuthorization) return 'PARTIALLY_RETURNED';
  if (open === 0 && invoiced >= shipped) return 'INVOICED';
  if (open === 0 && delivered >= shipped) return 'DELIVERED';
  if (open === 0) return 'SHIPPED';
  if (shipped > 0) return 'PARTIALLY_SHIPPED';
  if (allocated >= open) return 'ALLOCATED';
  if (backordered > 0) return 'BACKORDERED';
  if (allocated > 0) return 'PARTIALLY_ALLOCATED';
  return 'OPEN';
}

/** How far along the lifecycle a status is, for roll-ups and regression checks. */
export const lineStageRank: Readonly<Record<LineStatus, number>> = {
  OPEN: 0, BACKORDERED: 1, PARTIALLY_ALLOCATED: 2, ALLOCATED: 3, PARTIALLY_SHIPPED: 4, SHIPPED: 5,
  DELIVERED: 6, INVOICED: 7, PARTIALLY_RETURNED: 8, RETURNED: 9, CANCELLED: 10, CLOSED: 11,
};

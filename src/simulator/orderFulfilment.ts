import { isoDay } from './BusinessClock.js';
import type { OrderContext } from './OrderContext.js';
import { lineRef, type SimLine } from './orderLines.js';
import { shipmentEvents, type Part, type ShippedRecord } from './shipmentEvents.js';

/**
 * Allocation, backorders (5% of lines), and one or more shipments: a
 * backorder always ships separately, and some orders are split anyway, so
 * ≈20% of orders ship more than once (≈1.3 shipments per order).
 */
export function orderFulfilment(ctx: OrderContext, live: readonly SimLine[], readyAt: number): ShippedRecord[] {
  const { prng, clock, ids, script, erpRef } = ctx;
  const backordered = new Map(live.filter(() => prng.chance(0.05)).map((l) => [l, l.qty >= 2 && prng.chance(0.5) ? Math.floor(l.qty / 2) : l.qty]));
  const now: Part[] = live.map((line) => ({ line, qty: line.qty - (backordered.get(line) ?? 0) })).filter((p) => p.qty > 0);
  const later: Part[] = [...backordered].map(([line, qty]) => ({ line, qty }));
  let t = clock.office(prng, readyAt, 5, 180);
  if (now.length > 0) allocate(ctx, 1, now, t);
  const availableAt = clock.office(prng, t, 2 * 24 * 60, 8 * 24 * 60);
  if (later.length > 0) {
    t = clock.office(prng, t, 1, 20);
    script.add('ERP', 'LineBackordered', erpRef, t, { type: 'Backorder', id: `BO-${ids.doc}` }, {
      lines: later.map((p) => ({ ...lineRef(p.line, p.qty), availableDate: isoDay(availableAt) })),
    });
  }
  const splits = prng.chance(later.length > 0 ? 0.25 : 0.09) ? (prng.chance(0.6) ? 3 : 2) - (later.length > 0 ? 1 : 0) : 1;
  const shipped: ShippedRecord[] = [];
  let n = 0;
  for (const parts of split(now, splits)) shipped.push(shipmentEvents(ctx, ++n, parts, t + (n - 1) * 3 * 3_600_000));
  if (later.length > 0) {
    allocate(ctx, 2, later, availableAt);
    shipped.push(shipmentEvents(ctx, ++n, later, availableAt));
  }
  return shipped;
}

function allocate(ctx: OrderContext, n: number, parts: readonly Part[], at: number): void {
  ctx.script.add('ERP', 'InventoryAllocated', ctx.erpRef, at, { type: 'Allocation', id: `ALLOC-${ctx.ids.doc}-${n}` }, {
    lines: parts.map((p) => ({ ...lineRef(p.line, p.qty), warehouse: ctx.warehouse })),
  });
}

/** Splits parts into up to `count` shipments: by line, or by quantity when there is one line. */
function split(parts: readonly Part[], count: number): Part[][] {
  if (parts.length === 0) return [];
  if (count <= 1) return [[...parts]];
  if (parts.length >= count) {
    const groups: Part[][] = Array.from({ length: count }, () => []);
    parts.forEach((p, i) => groups[i % count]!.push(p));
    return groups;
  }
  const [only] = parts;
  if (parts.length > 1 || only!.qty < 2) return [[...parts]];
  const first = Math.ceil(only!.qty / 2);
  return [[{ line: only!.line, qty: first }], [{ line: only!.line, qty: only!.qty - first }]];
}

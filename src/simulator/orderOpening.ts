import { isoDay } from './BusinessClock.js';
import type { OrderContext } from './OrderContext.js';
import { currency, lineRef, money, type SimLine } from './orderLines.js';

const day = 24 * 60;

/**
 * Receipt, ERP acceptance, an occasional credit hold, buyer changes and
 * cancellations (docs/domain.md §6 rates). Returns the lines still live and the
 * time the order is ready for allocation.
 */
export function orderOpening(ctx: OrderContext, lines: SimLine[], receivedAt: number): { live: SimLine[]; readyAt: number } {
  const { prng, clock, ids, profile, script, soldTo } = ctx;
  const web = profile.system === 'ECOMMERCE';
  script.add(profile.system, 'OrderReceived', null, receivedAt, { type: profile.channel === 'EDI' ? 'EDI850' : 'SalesOrder', id: ids.channelOrderId }, {
    channel: profile.channel,
    channelOrderId: ids.channelOrderId,
    customerPO: ids.customerPO,
    soldTo: { id: soldTo },
    shipTo: { id: `${soldTo}-S${prng.int(1, 3)}` },
    billTo: { id: `${soldTo}-B` },
    currency,
    requestedShipDate: isoDay(receivedAt + prng.int(1, 5) * day * 60_000),
    lines: lines.map((l) => ({ ...lineRef(l), unitListPrice: money(l.price * 1.25), unitNetPrice: money(l.price), taxCode: 'TX-STD' })),
  });
  const acceptedAt = web ? clock.anyHour(prng, receivedAt, 1, 20) : clock.office(prng, receivedAt, 2, 90);
  const promised = isoDay(clock.office(prng, acceptedAt, day, 3 * day));
  script.add('ERP', 'OrderAccepted', `po:${soldTo}:${ids.customerPO}`, acceptedAt, { type: 'SalesOrder', id: ids.erpNumber }, {
    erpOrderNumber: ids.erpNumber,
    lines: lines.map((l) => ({ ...lineRef(l), confirmedPrice: money(l.price), promisedShipDate: promised, shipFrom: ctx.warehouse })),
  });
  let t = acceptedAt;
  if (prng.chance(0.04)) t = creditHold(ctx, t);
  if (prng.chance(0.2)) t = changes(ctx, lines, t, prng.chance(0.5) ? 2 : 1);
  const cancelled = lines.filter(() => prng.chance(0.02));
  if (cancelled.length > 0) {
    t = clock.office(prng, t, 5, 240);
    script.add('CRM', 'LineCancelled', ids.orderKey, t, { type: 'OrderCancellation', id: `CXL-${ids.doc}` }, {
      reason: prng.pick(['CUSTOMER', 'CUSTOMER', 'STOCK_OUT', 'PRICING'] as const), initiator: 'buyer', lines: cancelled.map((l) => lineRef(l)),
    });
  }
  return { live: lines.filter((l) => !cancelled.includes(l)), readyAt: t };
}

function creditHold(ctx: OrderContext, t: number): number {
  const { prng, clock, ids, script, erpRef } = ctx;
  const holdId = `CH-${ids.doc}`;
  const appliedAt = clock.office(prng, t, 1, 10);
  script.add('ERP', 'HoldApplied', erpRef, appliedAt, { type: 'CreditHold', id: holdId }, {
    holdId, holdType: 'CREDIT', blocking: true, reason: 'credit limit exceeded',
    creditExposure: money(prng.int(20_000, 60_000)), creditLimit: money(20_000),
  });
  const releasedAt = clock.office(prng, appliedAt, 30, 240);
  script.add('ERP', 'HoldReleased', erpRef, releasedAt, { type: 'CreditRelease', id: holdId }, {
    holdId, holdType: 'CREDIT', reason: 'payment received', releasedBy: 'ar-clerk',
  });
  return releasedAt;
}

function changes(ctx: OrderContext, lines: SimLine[], t: number, count: number): number {
  const { prng, clock, ids, script } = ctx;
  for (let k = 1; k <= count; k++) {
    t = clock.office(prng, t, 5, 120);
    const line = prng.pick(lines);
    const before = line.qty;
    line.qty = Math.max(1, before + prng.pick([-2, -1, 1, 2, 5]));
    script.add('CRM', 'OrderLineChanged', ids.orderKey, t, { type: 'OrderChange', id: `CHG-${ids.doc}-${k}` }, {
      reason: 'buyer request', lines: [{ ...lineRef(line), before: { qty: before }, after: {} }],
    });
  }
  return t;
}

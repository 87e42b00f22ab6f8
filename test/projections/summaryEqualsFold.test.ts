import { beforeAll, describe, expect, it } from 'vitest';
import { foldOrder } from '../../src/domain/foldOrder.js';
import { linesOf } from '../../src/projections/orders/orderFacts.js';
import { orderEventOf } from '../../src/projections/orders/orderEventOf.js';
import type { OrderView } from '../../src/projections/orders/OrderView.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { backlog } from '../../src/projections/readModels/backlog.js';
import { fillRateLines } from '../../src/projections/readModels/fillRateLines.js';
import { orderKpis } from '../../src/projections/readModels/orderKpis.js';
import { cents, rate, seconds } from '../../src/projections/reports/rounding.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import { OrderEventBuilder, hoursAfter, usd } from './support/orderEventBuilder.js';
import { appendOrder, readWholeLog } from './support/projectionHarness.js';
import { createReportingApp, type ReportingApp } from './support/reportingApp.js';

type Row = Record<string, unknown>;
interface Segment { from: string; to: string; soldTo?: string; warehouse?: string; channel?: string }

/** An order of two lines from two warehouses, each shipped on its own day. */
function twoWarehouseOrder(orderKey: string, day: string): OrderEventBuilder {
  const b = new OrderEventBuilder(orderKey);
  const at = `${day}T09:00:00.000Z`;
  b.add('OrderReceived', {
    orderKey, channel: 'EDI', channelOrderId: `edi-${orderKey}`, customerPO: `PO-${orderKey}`,
    soldTo: { id: 'TWO-DC' }, shipTo: { id: 'TWO-DC' }, billTo: { id: 'TWO-DC' }, currency: 'USD',
    lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10, unitNetPrice: usd(3) }, { lineNo: 2, sku: 'SKU-B', uom: 'EA', qty: 6, unitNetPrice: usd(7.25) }],
  }, { at });
  b.add('OrderAccepted', {
    erpOrderNumber: `ERP-${orderKey}`,
    lines: [
      { lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10, promisedShipDate: day, shipFrom: 'DC-EAST' },
      { lineNo: 2, sku: 'SKU-B', uom: 'EA', qty: 6, promisedShipDate: day, shipFrom: 'DC-WEST' },
    ],
  }, { at: hoursAfter(at, 0.25) });
  b.add('ShipmentConfirmed', {
    shipmentId: `SH-${orderKey}-E`, shipFrom: 'DC-EAST', shippedAt: hoursAfter(at, 5), lines: [{ lineNo: 1, sku: 'SKU-A', uom: 'EA', qty: 10 }],
  }, { at: hoursAfter(at, 5), docId: `SH-${orderKey}-E` });
  b.add('ShipmentConfirmed', {
    shipmentId: `SH-${orderKey}-W`, shipFrom: 'DC-WEST', shippedAt: hoursAfter(at, 30), lines: [{ lineNo: 2, sku: 'SKU-B', uom: 'EA', qty: 4 }],
  }, { at: hoursAfter(at, 30), docId: `SH-${orderKey}-W` });
  return b;
}

/** Every order of the log folded straight from its events with the domain. */
async function directViews(t: ReportingApp): Promise<OrderView[]> {
  const byOrder = new Map<string, { events: Parameters<typeof foldOrder>[0] & unknown[]; last: Date }>();
  for (const recorded of await readWholeLog(t.store)) {
    const found = orderEventOf(recorded);
    if (!found || found.event.type === 'IntegrationAcknowledged') continue;
    const entry = byOrder.get(found.orderKey) ?? { events: [], last: new Date(0) };
    entry.events.push(found.event);
    entry.last = recorded.recordedAt;
    byOrder.set(found.orderKey, entry);
  }
  return [...byOrder].map(([orderKey, e]) => ({ orderKey, state: foldOrder(e.events), lastRecordedAt: e.last }));
}

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

const ageBucket = (ms: number) => { const d = ms / 86_400_000; return d <= 2 ? '0-2' : d <= 7 ? '3-7' : d <= 14 ? '8-14' : d <= 30 ? '15-30' : '>30'; };

/** The summary's figures computed in memory from the folded orders, by the definitions in docs/reporting.md. */
function expectedSummary(views: readonly OrderView[], q: Segment) {
  const inSegment = (r: Row) => (!q.soldTo || r.sold_to === q.soldTo) && (!q.channel || r.channel === q.channel);
  const lines = views.flatMap((v) => fillRateLines().rowsOf(v))
    .filter((r) => inSegment(r) && (!q.warehouse || r.warehouse === q.warehouse) && String(r.day) >= q.from && String(r.day) <= q.to);
  const orders = new Map<unknown, Row[]>();
  for (const l of lines) orders.set(l.order_key, [...(orders.get(l.order_key) ?? []), l]);
  const count = (list: Row[], f: (r: Row) => boolean) => list.filter(f).length;
  const ordersWhere = (f: (r: Row) => boolean) => [...orders.values()].filter((ls) => ls.every(f)).length;
  const units = lines.reduce((s, l) => s + Number(l.net_qty), 0);
  const unitsFilled = lines.reduce((s, l) => s + Math.min(Number(l.first_shipment_qty), Number(l.net_qty)), 0);

  const shipsFrom = (v: OrderView) => !q.warehouse || linesOf(v.state).some((l) => l.shipFrom === q.warehouse);
  const kpis = views.filter(shipsFrom).flatMap((v) => orderKpis.rowsOf(v)).filter((r) => inSegment(r) && String(r.day) >= q.from && String(r.day) <= q.to);
  const timings = (k: string) => kpis.map((r) => r[k]).filter((x): x is number => typeof x === 'number');

  const open = views.flatMap((v) => backlog.rowsOf(v)).filter((r) => inSegment(r) && (!q.warehouse || r.warehouse === q.warehouse));
  const now = Date.now();
  const ageOf = (r: Row) => ageBucket(now - Date.parse(String(r.accepted_at ?? r.received_at)));
  const backlogTotals = (rs: Row[]) => ({ lines: rs.length, openValue: cents(rs.reduce((s, r) => s + Number(r.open_value), 0)) });

  return {
    orders: { received: kpis.length, shipped: orders.size, acceptanceLatencyP50: seconds(percentileCont(timings('acceptance_latency_seconds'), 0.5)), cycleTimeP90: seconds(percentileCont(timings('cycle_time_seconds'), 0.9)) },
    fillRate: {
      lines: lines.length, linesFilled: count(lines, (l) => l.filled_first_time === true), orders: orders.size,
      ordersFilled: ordersWhere((l) => l.filled_first_time === true), lineFillRate: rate(count(lines, (l) => l.filled_first_time === true), lines.length),
      unitFillRate: rate(unitsFilled, units), orderFillRate: rate(ordersWhere((l) => l.filled_first_time === true), orders.size),
    },
    otif: { lines: count(lines, (l) => l.otif === true), orders: ordersWhere((l) => l.otif === true), lineRate: rate(count(lines, (l) => l.otif === true), lines.length) },
    backlog: { ...backlogTotals(open), byStage: Object.fromEntries([...new Set(open.map((r) => String(r.stage)))].map((s) => [s, backlogTotals(open.filter((r) => r.stage === s))])), byAge: Object.fromEntries([...new Set(open.map(ageOf))].map((a) => [a, backlogTotals(open.filter((r) => ageOf(r) === a))])) },
    openExceptions: views.filter((v) => shipsFrom(v) && (!q.soldTo || v.state.header?.soldTo === q.soldTo) && (!q.channel || v.state.header?.channel === q.channel))
      .reduce((n, v) => n + Object.values(v.state.exceptions).filter((e) => e.resolvedAt === null).length, 0),
  };
}

/** The same figures as read from the endpoint's answer. */
function answered(s: Row & Record<string, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const nonEmpty = (list: Row[], key: string) => Object.fromEntries(list.filter((g) => Number(g.lines) > 0).map((g) => [g[key], { lines: g.lines, openValue: g.openValue }]));
  return {
    orders: { received: s.orders.received, shipped: s.orders.shipped, acceptanceLatencyP50: s.orders.acceptanceLatencySeconds.p50, cycleTimeP90: s.orders.cycleTimeSeconds.p90 },
    fillRate: {
      lines: s.fillRate.lines, linesFilled: s.fillRate.linesFilled, orders: s.fillRate.orders, ordersFilled: s.fillRate.ordersFilled,
      lineFillRate: s.fillRate.lineFillRate, unitFillRate: s.fillRate.unitFillRate, orderFillRate: s.fillRate.orderFillRate,
    },
    otif: { lines: s.otif.lines, orders: s.otif.orders, lineRate: s.otif.lineRate },
    backlog: { lines: s.backlog.lines, openValue: s.backlog.openValue, byStage: nonEmpty(s.backlog.byStage, 'stage'), byAge: nonEmpty(s.backlog.byAge, 'ageBucket') },
    openExceptions: s.exceptions.count,
  };
}

describe('the summary endpoint on a seeded simulated day', () => {
  let t: ReportingApp;
  let views: OrderView[];
  const summary = async (q: Segment) => {
    const query = new URLSearchParams(Object.entries(q) as [string, string][]);
    const response = await t.app.inject({ method: 'GET', url: `/v1/reports/summary?${query}`, headers: { authorization: `Bearer ${t.readKey}` } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    t = await createReportingApp();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const day = [...generateDay({ orders: 60, seed: 7, days: 1, start: new Date('2026-03-02T00:00:00Z') })];
    const result = await submitDay(day, { url, keys: t.systemKeys, concurrency: 6 });
    expect(result.serverErrors).toBe(0);
    await appendOrder(t.store, 'TWO-1', twoWarehouseOrder('TWO-1', '2026-03-02').events);
    await appendOrder(t.store, 'TWO-2', twoWarehouseOrder('TWO-2', '2026-03-03').events);
    await waitUntilCaughtUp(t.runner);
    views = await directViews(t);
  }, 120_000);

  const month = { from: '2026-03-01', to: '2026-03-31' };

  it('equals a direct computation over the same events, for the whole month and every segment', async () => {
    const edi = views.find((v) => v.state.header?.channel === 'EDI' && v.state.header.soldTo !== 'TWO-DC')!.state.header!.soldTo;
    const segments: Segment[] = [
      month, { ...month, warehouse: 'DC-EAST' }, { ...month, warehouse: 'DC-WEST' }, { ...month, channel: 'EDI' },
      { ...month, soldTo: edi }, { ...month, soldTo: 'TWO-DC', warehouse: 'DC-WEST' }, { from: '2026-03-03', to: '2026-03-03' },
    ];
    for (const q of segments) expect(answered(await summary(q)), JSON.stringify(q)).toEqual(expectedSummary(views, q));
  });

  it('counts an order shipped from two warehouses once, and once in each warehouse', async () => {
    const all = await summary({ ...month, soldTo: 'TWO-DC' });
    expect(all.fillRate).toMatchObject({ lines: 4, orders: 2, linesFilled: 2, ordersFilled: 0, orderFillRate: 0, lineFillRate: 0.5, unitFillRate: 0.875 });
    expect(all.orders).toMatchObject({ received: 2, shipped: 2 });
    const east = await summary({ ...month, soldTo: 'TWO-DC', warehouse: 'DC-EAST' });
    expect(east.fillRate).toMatchObject({ lines: 2, orders: 2, ordersFilled: 2, orderFillRate: 1 });
    expect(east.backlog.lines).toBe(0);
    const west = await summary({ ...month, soldTo: 'TWO-DC', warehouse: 'DC-WEST' });
    expect(west.fillRate).toMatchObject({ lines: 2, orders: 2, ordersFilled: 0 });
    expect(west.backlog).toMatchObject({ lines: 2, openValue: 29 });
  });

  it('has the simulated day in it: shipped lines, open backlog and a fill rate between 0 and 1', async () => {
    const s = await summary(month);
    expect(s.orders.received).toBe(views.filter((v) => v.state.milestones.receivedAt !== null).length);
    expect(s.fillRate.lines).toBeGreaterThan(s.fillRate.orders);
    expect(s.fillRate.lineFillRate).toBeGreaterThan(0);
    expect(s.fillRate.lineFillRate).toBeLessThanOrEqual(1);
    expect(s.daily.reduce((n: number, d: { lines: number }) => n + d.lines, 0)).toBe(s.fillRate.lines);
    expect(s.currency).toBe('USD');
  });

  it('agrees with the breach list it summarises', async () => {
    const s = await summary(month);
    const list = await t.app.inject({ method: 'GET', url: '/v1/reports/sla-breaches?limit=1000', headers: { authorization: `Bearer ${t.readKey}` } });
    const items = list.json().items as { valueAtRisk: number }[];
    expect(s.slaBreaches.count).toBe(items.length);
    expect(s.slaBreaches.valueAtRisk).toBe(cents(items.reduce((n, b) => n + b.valueAtRisk, 0)));
  });
});

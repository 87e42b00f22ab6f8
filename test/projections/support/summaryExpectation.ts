import { isSyncRecord } from '../../../src/domain/events.js';
import { foldOrder } from '../../../src/domain/foldOrder.js';
import { linesOf } from '../../../src/projections/orders/orderFacts.js';
import { orderEventOf } from '../../../src/projections/orders/orderEventOf.js';
import type { OrderView } from '../../../src/projections/orders/OrderView.js';
import { backlog } from '../../../src/projections/readModels/backlog.js';
import { fillRateLines } from '../../../src/projections/readModels/fillRateLines.js';
import { orderKpis } from '../../../src/projections/readModels/orderKpis.js';
import { cents, rate, seconds } from '../../../src/projections/reports/rounding.js';
import type { EventStore } from '../../../src/eventstore/EventStore.js';
import { readWholeLog } from './projectionHarness.js';

type Row = Record<string, unknown>;
export interface Segment { from: string; to: string; soldTo?: string; warehouse?: string; channel?: string }

/** Every order of the log folded straight from its events with the domain. */
export async function directViews(store: EventStore): Promise<OrderView[]> {
  const byOrder = new Map<string, { events: Parameters<typeof foldOrder>[0] & unknown[]; last: Date }>();
  for (const recorded of await readWholeLog(store)) {
    const found = orderEventOf(recorded);
    if (!found || isSyncRecord(found.event.type)) continue;
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
const units = (n: number) => Math.round(n * 1e6) / 1e6;

/** Fill rate and OTIF of a set of fill-rate lines: an order counts once, and is filled (OTIF) when all its lines in the set are. */
function fillFigures(lines: readonly Row[]) {
  const orders = new Map<unknown, Row[]>();
  for (const l of lines) orders.set(l.order_key, [...(orders.get(l.order_key) ?? []), l]);
  const linesWhere = (f: (r: Row) => boolean) => lines.filter(f).length;
  const ordersWhere = (f: (r: Row) => boolean) => [...orders.values()].filter((ls) => ls.every(f)).length;
  const net = lines.reduce((s, l) => s + Number(l.net_qty), 0);
  const firstShipped = lines.reduce((s, l) => s + Math.min(Number(l.first_shipment_qty), Number(l.net_qty)), 0);
  const filled = (l: Row) => l.filled_first_time === true;
  const otif = (l: Row) => l.otif === true;
  return {
    lines: lines.length, linesFilled: linesWhere(filled), units: units(net), unitsFilled: units(firstShipped),
    orders: orders.size, ordersFilled: ordersWhere(filled),
    lineFillRate: rate(linesWhere(filled), lines.length), unitFillRate: rate(firstShipped, net), orderFillRate: rate(ordersWhere(filled), orders.size),
    otif: {
      lines: linesWhere(otif), orders: ordersWhere(otif), lineRate: rate(linesWhere(otif), lines.length),
      orderRate: rate(ordersWhere(otif), orders.size), includesEstimates: lines.some((l) => l.otif_estimated === true),
    },
  };
}

/** The summary's figures computed in memory from the folded orders, by the definitions in docs/reporting.md. */
export function expectedSummary(views: readonly OrderView[], q: Segment) {
  const inSegment = (r: Row) => (!q.soldTo || r.sold_to === q.soldTo) && (!q.channel || r.channel === q.channel);
  const inPeriod = (r: Row) => String(r.day) >= q.from && String(r.day) <= q.to;
  const lines = views.flatMap((v) => fillRateLines().rowsOf(v)).filter((r) => inSegment(r) && (!q.warehouse || r.warehouse === q.warehouse) && inPeriod(r));
  const { otif, ...fillRate } = fillFigures(lines);
  const days = [...new Set(lines.map((l) => String(l.day)))].sort();
  const daily = days.map((day) => {
    const d = fillFigures(lines.filter((l) => String(l.day) === day));
    return { day, lines: d.lines, orders: d.orders, lineFillRate: d.lineFillRate, unitFillRate: d.unitFillRate, orderFillRate: d.orderFillRate, lineOtifRate: d.otif.lineRate, orderOtifRate: d.otif.orderRate };
  });

  const shipsFrom = (v: OrderView, lineNos: readonly number[] = []) => !q.warehouse
    || linesOf(v.state).some((l) => l.shipFrom === q.warehouse && (lineNos.length === 0 || lineNos.includes(l.lineNo)));
  const kpis = views.filter((v) => shipsFrom(v)).flatMap((v) => orderKpis.rowsOf(v)).filter((r) => inSegment(r) && inPeriod(r));
  const timings = (k: string) => kpis.map((r) => r[k]).filter((x): x is number => typeof x === 'number');

  const open = views.flatMap((v) => backlog.rowsOf(v)).filter((r) => inSegment(r) && (!q.warehouse || r.warehouse === q.warehouse));
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const ageOf = (r: Row) => ageBucket(now - Date.parse(String(r.accepted_at ?? r.received_at)));
  const pastDue = (r: Row) => r.promised_ship_date !== null && r.promised_ship_date !== undefined && String(r.promised_ship_date) < today;
  const backlogTotals = (rs: Row[]) => ({
    lines: rs.length, openValue: cents(rs.reduce((s, r) => s + Number(r.open_value), 0)),
    pastDueLines: rs.filter(pastDue).length, pastDueValue: cents(rs.filter(pastDue).reduce((s, r) => s + Number(r.open_value), 0)),
  });
  const groupedBy = (key: (r: Row) => string) => Object.fromEntries([...new Set(open.map(key))].map((k) => [k, backlogTotals(open.filter((r) => key(r) === k))]));

  const exceptions = views
    .filter((v) => (!q.soldTo || v.state.header?.soldTo === q.soldTo) && (!q.channel || v.state.header?.channel === q.channel))
    .flatMap((v) => Object.values(v.state.exceptions).filter((e) => e.resolvedAt === null && shipsFrom(v, e.lineNos)));
  const codes = [...new Set(exceptions.map((e) => e.code))];

  return {
    orders: {
      received: kpis.length, accepted: kpis.filter((r) => r.accepted_at !== null && r.accepted_at !== undefined).length, delivered: timings('cycle_time_seconds').length, shipped: fillRate.orders,
      acceptanceLatencySeconds: { p50: seconds(percentileCont(timings('acceptance_latency_seconds'), 0.5)), p95: seconds(percentileCont(timings('acceptance_latency_seconds'), 0.95)) },
      cycleTimeSeconds: { p50: seconds(percentileCont(timings('cycle_time_seconds'), 0.5)), p90: seconds(percentileCont(timings('cycle_time_seconds'), 0.9)) },
    },
    fillRate, otif, daily,
    backlog: { ...backlogTotals(open), byStage: groupedBy((r) => String(r.stage)), byAge: groupedBy(ageOf) },
    exceptions: {
      count: exceptions.length, valueAtRisk: cents(exceptions.reduce((s, e) => s + e.priority, 0)),
      byCode: Object.fromEntries(codes.map((c) => [String(c), exceptions.filter((e) => e.code === c).length])),
    },
  };
}

/** The same figures as read from the endpoint's answer. */
export function answered(s: Row & Record<string, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const totals = (g: Row) => ({ lines: g.lines, openValue: g.openValue, pastDueLines: g.pastDueLines, pastDueValue: g.pastDueValue });
  const nonEmpty = (list: Row[], key: string) => Object.fromEntries(list.filter((g) => Number(g.lines) > 0).map((g) => [g[key], totals(g)]));
  return {
    orders: s.orders,
    fillRate: { ...s.fillRate, units: units(s.fillRate.units), unitsFilled: units(s.fillRate.unitsFilled) },
    otif: s.otif,
    daily: s.daily,
    backlog: { ...totals(s.backlog), byStage: nonEmpty(s.backlog.byStage, 'stage'), byAge: nonEmpty(s.backlog.byAge, 'ageBucket') },
    exceptions: {
      count: s.exceptions.count, valueAtRisk: s.exceptions.valueAtRisk,
      byCode: Object.fromEntries((s.exceptions.byCode as Row[]).map((g) => [String(g.code), g.count])),
    },
  };
}

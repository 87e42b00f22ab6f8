import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/projections/orders/OrderView.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { cents } from '../../src/projections/reports/rounding.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import { OrderEventBuilder, hoursAfter, usd } from './support/orderEventBuilder.js';
import { appendOrder } from './support/projectionHarness.js';
import { createReportingApp, type ReportingApp } from './support/reportingApp.js';
import { answered, directViews, expectedSummary, type Segment } from './support/summaryExpectation.js';

const exceptionIds: Record<string, string> = {
  'TWO-1-W': '0b7e6a52-1d1c-4c8e-9a51-000000000001', 'TWO-1-O': '0b7e6a52-1d1c-4c8e-9a51-000000000002',
  'TWO-2-W': '0b7e6a52-1d1c-4c8e-9a51-000000000003', 'TWO-2-O': '0b7e6a52-1d1c-4c8e-9a51-000000000004',
};

/** An order of two lines from two warehouses, each shipped on its own day, with two open exceptions. */
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
  // Open exceptions: one on the western line only, one on the whole order.
  b.add('ExceptionRaised', {
    exceptionId: exceptionIds[`${orderKey}-W`]!, code: 'LATE_MILESTONE', priority: 14.5, currency: 'USD', message: 'picked after shipping', eventId: exceptionIds[`${orderKey}-O`]!, lineNos: [2],
  }, { at: hoursAfter(at, 31) });
  b.add('ExceptionRaised', {
    exceptionId: exceptionIds[`${orderKey}-O`]!, code: 'OUT_OF_SEQUENCE', priority: 30, currency: 'USD', message: 'fact out of sequence', eventId: exceptionIds[`${orderKey}-W`]!, lineNos: [],
  }, { at: hoursAfter(at, 32) });
  return b;
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
    views = await directViews(t.store);
  }, 120_000);

  const month = { from: '2026-03-01', to: '2026-03-31' };

  it('equals a direct computation over the same events, for the whole month and every segment', async () => {
    const edi = views.find((v) => v.state.header?.channel === 'EDI' && v.state.header.soldTo !== 'TWO-DC')!.state.header!.soldTo;
    const segments: Segment[] = [
      month, { ...month, warehouse: 'DC-EAST' }, { ...month, warehouse: 'DC-WEST' }, { ...month, channel: 'EDI' },
      { ...month, soldTo: edi }, { ...month, soldTo: 'TWO-DC', warehouse: 'DC-WEST' }, { from: '2026-03-03', to: '2026-03-03' },
    ];
    // The seeded day has every kind of figure in it, so no comparison below is of empties.
    const whole = expectedSummary(views, month);
    expect(whole.daily.length).toBeGreaterThan(1);
    expect(whole.exceptions.count).toBeGreaterThan(0);
    expect(whole.backlog.pastDueLines).toBeGreaterThan(0);
    expect(whole.orders.delivered).toBeGreaterThan(0);
    expect(whole.otif.orders).toBeGreaterThan(0);
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

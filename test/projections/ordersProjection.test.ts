import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { appendOrder, storeOn } from './support/projectionHarness.js';
import { happyOrder, troubledOrder } from './support/scenarios.js';

describe('the orders projection', () => {
  let db: TestDatabase;
  let store: EventStore;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = storeOn(db.pool);
    await appendOrder(store, 'A-1', happyOrder('A-1').events);
    await appendOrder(store, 'A-2', troubledOrder('A-2').events);
    runner = new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger: createLogger('silent') });
    runner.start();
    await waitUntilCaughtUp(runner);
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
  });

  it('shows a delivered and invoiced order as INVOICED in the CRM view', async () => {
    const { rows } = await db.pool.query(`SELECT status, display_status, open_value::float8, ordered_value::float8, last_milestone, erp_order_number,
      jsonb_array_length(shipments) AS shipments, jsonb_array_length(invoices) AS invoices FROM reporting.crm_orders WHERE order_key = 'A-1'`);
    expect(rows).toEqual([{ status: 'INVOICED', display_status: 'INVOICED', open_value: 0, ordered_value: 60, last_milestone: 'DELIVERED', erp_order_number: 'ERP-A-1', shipments: 1, invoices: 1 }]);
  });

  it('gives each line its buckets and status', async () => {
    const { rows } = await db.pool.query(`SELECT line_no, status, net::float8, shipped::float8, open::float8, backordered::float8, backorder_eta::text
      FROM reporting.crm_order_lines WHERE order_key = 'A-2' ORDER BY line_no`);
    expect(rows).toEqual([
      { line_no: 1, status: 'PARTIALLY_SHIPPED', net: 8, shipped: 5, open: 3, backordered: 0, backorder_eta: null },
      { line_no: 2, status: 'BACKORDERED', net: 3, shipped: 0, open: 3, backordered: 3, backorder_eta: '2025-03-20' },
    ]);
  });

  it('puts only open lines in the backlog, by stage, with their value', async () => {
    const { rows } = await db.pool.query(`SELECT order_key, line_no, stage, open_qty::float8, open_value::float8, warehouse FROM reporting.backlog ORDER BY 1, 2`);
    expect(rows).toEqual([
      { order_key: 'A-2', line_no: 1, stage: 'OPEN', open_qty: 3, open_value: 30, warehouse: 'WH2' },
      { order_key: 'A-2', line_no: 2, stage: 'BACKORDERED', open_qty: 3, open_value: 300, warehouse: 'WH2' },
    ]);
  });

  it('measures fill rate on the first shipment and OTIF against the promise', async () => {
    const { rows } = await db.pool.query(`SELECT order_key, line_no, day::text, filled_first_time, otif, otif_estimated FROM reporting.fill_rate_lines ORDER BY 1, 2`);
    expect(rows).toEqual([
      { order_key: 'A-1', line_no: 1, day: '2025-03-04', filled_first_time: true, otif: true, otif_estimated: false },
      { order_key: 'A-1', line_no: 2, day: '2025-03-04', filled_first_time: true, otif: true, otif_estimated: false },
      { order_key: 'A-2', line_no: 1, day: '2025-03-04', filled_first_time: false, otif: false, otif_estimated: true },
    ]);
    const daily = await db.pool.query(`SELECT warehouse, lines, line_fill_rate::float8, unit_fill_rate::float8, orders, order_fill_rate::float8
      FROM reporting.fill_rate_daily ORDER BY warehouse`);
    expect(daily.rows).toEqual([
      { warehouse: 'WH1', lines: 2, line_fill_rate: 1, unit_fill_rate: 1, orders: 1, order_fill_rate: 1 },
      { warehouse: 'WH2', lines: 1, line_fill_rate: 0, unit_fill_rate: 0.625, orders: 1, order_fill_rate: 0 },
    ]);
  });

  it('computes acceptance latency and cycle time per order', async () => {
    const { rows } = await db.pool.query(`SELECT order_key, acceptance_latency_seconds::float8, cycle_time_seconds::float8 FROM reporting.order_kpis ORDER BY 1`);
    expect(rows).toEqual([
      { order_key: 'A-1', acceptance_latency_seconds: 1800, cycle_time_seconds: 172800 },
      { order_key: 'A-2', acceptance_latency_seconds: 7200, cycle_time_seconds: null },
    ]);
  });

  it('writes one audit row per event with its system, actor and hash', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n, count(DISTINCT hash)::int AS hashes, bool_and(source_kind IS NOT NULL AND actor_id IS NOT NULL) AS complete FROM reporting.audit_trail`);
    expect(rows).toEqual([{ n: 13, hashes: 13, complete: true }]);
  });

  it('flags the past promised ship date as an SLA breach', async () => {
    const { rows } = await db.pool.query(`SELECT rule, order_key, line_no FROM reporting.sla_breaches WHERE rule = 'PAST_PROMISED_SHIP_DATE' ORDER BY 2, 3`);
    expect(rows).toEqual([{ rule: 'PAST_PROMISED_SHIP_DATE', order_key: 'A-2', line_no: 1 }, { rule: 'PAST_PROMISED_SHIP_DATE', order_key: 'A-2', line_no: 2 }]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { crmSyncEvent } from '../../src/integrations/crmSync.js';
import { createLogger } from '../../src/logger.js';
import { createOrdersProjection } from '../../src/projections/orders/ordersProjection.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createTestApp } from '../http/support/testApp.js';
import { toAppend } from './support/orderEventBuilder.js';
import { eventsOf, orderHistory } from './support/orderHistories.js';

const t = await createTestApp();

/** What every reader must agree on, in one shape: numbers as numbers, dates as ISO days, times as epoch ms. */
interface Shown {
  status: string;
  displayStatus: string;
  openValue: number;
  orderedValue: number;
  lastMilestone: { type: string; at: number } | null;
  dates: { requested: string | null; promised: string | null; expected: string | null };
  openExceptions: number;
  lines: { lineNo: number; status: string; openValue: number; quantities: Record<string, number>; promisedShipDate: string | null; backorderEta: string | null }[];
}

const bucketColumns = {
  ordered: 'ordered', cancelled: 'cancelled', net: 'net', allocated: 'allocated', backordered: 'backordered', shipped: 'shipped',
  delivered: 'delivered', invoiced: 'invoiced', returnAuthorized: 'return_authorized', returned: 'returned', open: 'open',
} as const;

/** The body a reader sends (webhook data or GET /v1/orders answer), in the common shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, checked field by field below
type Json = any;

function fromBody(body: Json): Shown {
  return {
    status: body.status, displayStatus: body.displayStatus, openValue: body.openValue, orderedValue: body.orderedValue,
    lastMilestone: body.lastMilestone ? { type: body.lastMilestone.type, at: Date.parse(body.lastMilestone.at) } : null,
    dates: body.dates, openExceptions: body.openExceptions.length,
    lines: body.lines.map((l: Json) => ({
      lineNo: l.lineNo, status: l.status, openValue: l.openValue,
      quantities: Object.fromEntries(Object.keys(bucketColumns).map((k) => [k, l.quantities[k]])),
      promisedShipDate: l.promisedShipDate, backorderEta: l.backorderEta,
    })),
  };
}

/** What `reporting.crm_orders` and `crm_order_lines` hold for the order, in the common shape. */
async function fromTables(orderKey: string): Promise<Shown> {
  const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD') AS ${column}`;
  const { rows: [o] } = await t.db.pool.query(
    `SELECT status, display_status, open_value::float8, ordered_value::float8, last_milestone, last_milestone_at, open_exceptions,
            ${day('requested_ship_date')}, ${day('promised_ship_date')}, ${day('expected_ship_date')}
       FROM reporting.crm_orders WHERE order_key = $1`, [orderKey]);
  const columns = Object.values(bucketColumns).map((c) => `${c}::float8`).join(', ');
  const { rows: lines } = await t.db.pool.query(
    `SELECT line_no, status, open_value::float8, ${columns}, ${day('promised_ship_date')}, ${day('backorder_eta')}
       FROM reporting.crm_order_lines WHERE order_key = $1 ORDER BY line_no`, [orderKey]);
  return {
    status: o.status, displayStatus: o.display_status, openValue: o.open_value, orderedValue: o.ordered_value,
    lastMilestone: o.last_milestone ? { type: o.last_milestone, at: (o.last_milestone_at as Date).getTime() } : null,
    dates: { requested: o.requested_ship_date, promised: o.promised_ship_date, expected: o.expected_ship_date },
    openExceptions: o.open_exceptions,
    lines: lines.map((l) => ({
      lineNo: l.line_no, status: l.status, openValue: l.open_value,
      quantities: Object.fromEntries(Object.entries(bucketColumns).map(([k, c]) => [k, l[c]])),
      promisedShipDate: l.promised_ship_date, backorderEta: l.backorder_eta,
    })),
  };
}

async function lastEventOf(orderKey: string): Promise<RecordedEvent> {
  let last: RecordedEvent | undefined;
  for await (const e of t.store.readStream(orderStreamId(orderKey))) last = e;
  return last!;
}

describe('what the CRM sees of an order', () => {
  let run = 0;

  it('is the same in the CRM webhook body, in reporting.crm_orders and crm_order_lines, and in GET /v1/orders/{ref}', async () => {
    await fc.assert(fc.asyncProperty(orderHistory, async (history) => {
      const orderKey = `V${++run}`;
      await t.store.append(orderStreamId(orderKey), eventsOf(orderKey, history).map((e) => toAppend(orderKey, e)), { expectedRevision: 'no_stream' });
      const runner = new ProjectionRunner({ pool: t.db.pool, store: t.store, projections: [createOrdersProjection()], logger: createLogger('silent'), idleMs: 1 });
      runner.start();
      await waitUntilCaughtUp(runner);
      await runner.stop();

      const webhook = fromBody((await crmSyncEvent(t.store, await lastEventOf(orderKey))).data);
      const api = await t.app.inject({ method: 'GET', url: `/v1/orders/${orderKey}`, headers: t.auth.CRM });
      expect(api.statusCode).toBe(200);
      expect(fromBody(api.json())).toEqual(webhook);
      expect(await fromTables(orderKey)).toEqual(webhook);
    }), { numRuns: 60, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });
  }, 120_000);
});

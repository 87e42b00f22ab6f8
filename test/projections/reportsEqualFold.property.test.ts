import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSyncRecord } from '../../src/domain/events.js';
import { foldOrder } from '../../src/domain/foldOrder.js';
import { orderStatus } from '../../src/domain/orderStatus.js';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { createLogger } from '../../src/logger.js';
import { createOrdersProjection, orderRowModels } from '../../src/projections/orders/ordersProjection.js';
import { orderEventOf } from '../../src/projections/orders/orderEventOf.js';
import type { OrderView } from '../../src/projections/orders/OrderView.js';
import { orderRowsOf, replaceOrderRows } from '../../src/projections/orders/replaceOrderRows.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createBuildTables } from '../../src/projections/rebuild/buildTables.js';
import { qualified } from '../../src/projections/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { eventsOf, orderHistory } from './support/orderHistories.js';
import { storeOn } from './support/projectionHarness.js';
import { toAppend } from './support/orderEventBuilder.js';

const models = orderRowModels();
const expectedSchema = 'expected_rows';

/** Reads an order's stream and folds it directly with the domain, as a report consumer would. */
async function directView(store: EventStore, orderKey: string): Promise<OrderView> {
  const events = [];
  let lastRecordedAt = new Date(0);
  for await (const recorded of store.readStream(orderStreamId(orderKey))) {
    const found = orderEventOf(recorded);
    if (!found || isSyncRecord(found.event.type)) continue;
    events.push(found.event);
    lastRecordedAt = recorded.recordedAt;
  }
  return { orderKey, state: foldOrder(events), lastRecordedAt };
}

/** Rows in one table but not the other, both ways (multiset difference). */
async function differences(db: TestDatabase, table: string, keys: string[]): Promise<unknown[]> {
  const live = `(SELECT * FROM ${qualified('reporting', table)} WHERE order_key = ANY($1::text[]))`;
  const expected = `(SELECT * FROM ${qualified(expectedSchema, table)})`;
  const result = await db.pool.query(`(${live} EXCEPT ALL ${expected}) UNION ALL (${expected} EXCEPT ALL ${live})`, [keys]);
  return result.rows;
}

// Split into partitions, each worker applies its share of the orders from its own checkpoint: rows must not change.
describe.each([1, 4])('every report row equals a direct fold of the same events, with %i partition(s)', (partitions) => {
  let db: TestDatabase;
  let store: EventStore;
  let run = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = storeOn(db.pool);
    await createBuildTables(db.pool, createOrdersProjection(), expectedSchema);
  });
  afterAll(async () => store.close());

  it('holds for random order histories, appended interleaved and projected in random batch sizes and memory bounds', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(orderHistory, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }),
      // A memory of 1 or 2 orders makes interleaved orders leave it, and come back folded from their streams.
      fc.integer({ min: 1, max: 3 }),
      async (histories, batchSize, chunk, memoryLimit) => {
        run += 1;
        const orders = histories.map((h, i) => ({ key: `P${run}-${i}`, events: eventsOf(`P${run}-${i}`, h) }));
        // Interleave the orders' appends, `chunk` events at a time, as concurrent sources would.
        for (let offset = 0; orders.some((o) => offset < o.events.length); offset += chunk) {
          for (const o of orders.filter((x) => offset < x.events.length)) {
            await store.append(orderStreamId(o.key), o.events.slice(offset, offset + chunk).map((e) => toAppend(o.key, e)), { expectedRevision: 'any' });
          }
        }
        const runner = new ProjectionRunner({ pool: db.pool, store, projections: [createOrdersProjection()], logger: createLogger('silent'), batchSize, idleMs: 1, memoryLimit, partitions });
        runner.start();
        await waitUntilCaughtUp(runner);
        await runner.stop();

        const keys = orders.map((o) => o.key);
        const views = await Promise.all(keys.map((k) => directView(store, k)));
        const client = await db.pool.connect();
        try {
          for (const model of models) {
            await client.query(`TRUNCATE ${qualified(expectedSchema, model.table)}`);
            await replaceOrderRows(client, orderRowsOf([model], views), () => qualified(expectedSchema, model.table));
          }
        } finally {
          client.release();
        }
        for (const model of models) expect(await differences(db, model.table, keys), model.table).toEqual([]);
        const statuses = await db.pool.query('SELECT order_key, status FROM reporting.crm_orders WHERE order_key = ANY($1::text[]) ORDER BY order_key', [keys]);
        expect(statuses.rows).toEqual(views.map((v) => ({ order_key: v.orderKey, status: orderStatus(v.state) })));
      },
    // FC_SEED and FC_PATH replay a reported counterexample.
    ), { numRuns: partitions === 1 ? 100 : 50, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });
  }, 120_000);
});

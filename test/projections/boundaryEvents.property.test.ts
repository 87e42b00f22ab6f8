import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { readCheckpoints } from '../../src/projections/runner/checkpoints.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { boundaryEvents, boundaryHistory } from './support/boundaryHistories.js';
import { storeOn } from './support/projectionHarness.js';
import { toAppend } from './support/orderEventBuilder.js';

describe('every projection applies every event the log accepts', () => {
  let db: TestDatabase;
  let store: EventStore;
  let run = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = storeOn(db.pool);
  });
  afterAll(async () => store.close());

  it('holds for histories at the bounds of every field type, in any order of facts', async () => {
    await fc.assert(fc.asyncProperty(fc.array(boundaryHistory, { minLength: 1, maxLength: 2 }), async (histories) => {
      run += 1;
      const orders = histories.map((h, i) => ({ key: `B${run}-${i}`, events: boundaryEvents(`B${run}-${i}`, h) }));
      for (const o of orders) await store.append(orderStreamId(o.key), o.events.map((e) => toAppend(o.key, e)), { expectedRevision: 'no_stream' });
      const runner = new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger: createLogger('silent'), idleMs: 1 });
      runner.start();
      try {
        await waitUntilCaughtUp(runner);
      } finally {
        await runner.stop();
      }
      const failed = (await readCheckpoints(db.pool)).filter((c) => c.status === 'failed').map((c) => ({ name: c.name, error: c.error }));
      expect(failed).toEqual([]);
      const { rows } = await db.pool.query('SELECT order_key FROM reporting.crm_orders WHERE order_key = ANY($1::text[]) ORDER BY order_key', [orders.map((o) => o.key)]);
      expect(rows.map((r: { order_key: string }) => r.order_key)).toEqual(orders.map((o) => o.key).sort());
    }), { numRuns: 40, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createLogger } from '../../src/logger.js';
import type { Projection } from '../../src/projections/Projection.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { createOrdersProjection } from '../../src/projections/orders/ordersProjection.js';
import { projectionStatuses, waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { readCheckpoint } from '../../src/projections/runner/checkpoints.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { failingOn, orderSnapshot } from './support/orderSnapshots.js';
import { appendOrder, readWholeLog, storeOn } from './support/projectionHarness.js';
import { happyOrder, troubledOrder } from './support/scenarios.js';

const logger = createLogger(process.env.TEST_LOG ?? 'silent', process.stderr);

async function runOnce(db: TestDatabase, store: EventStore, projection: Projection, batchSize = 3): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner({ pool: db.pool, store, projections: [projection], logger, batchSize, retryMs: 50 });
  runner.start();
  await waitUntilCaughtUp(runner);
  await runner.stop();
  return runner;
}

describe('crash safety and rebuild', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let store: EventStore;
  let referenceStore: EventStore;

  beforeAll(async () => {
    [db, reference] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    store = storeOn(db.pool);
    referenceStore = storeOn(reference.pool);
    for (const [key, build] of [['C-1', happyOrder], ['C-2', troubledOrder], ['C-3', happyOrder]] as const) {
      const events = build(key, 'BETA').events;
      await appendOrder(store, key, events, 2);
      await appendOrder(referenceStore, key, events, 2);
    }
    await runOnce(reference, referenceStore, createOrdersProjection(), 1000);
  });
  afterAll(async () => {
    await store.close();
    await referenceStore.close();
  });

  it('stops a projection at the event that fails, records it, and keeps what came before', async () => {
    const log = await readWholeLog(store);
    const culprit = log[7]!;
    const runner = await runOnce(db, store, failingOn(culprit.id));
    const checkpoint = await readCheckpoint(db.pool, 'orders');
    expect(checkpoint).toMatchObject({ status: 'failed', position: log[6]!.position, failedPosition: culprit.position, failedEventId: culprit.id });
    expect(checkpoint?.error).toContain('simulated crash');
    const [status] = await projectionStatuses(runner);
    expect(status?.failure?.eventId).toBe(culprit.id);
  });

  it('resumes exactly at the checkpoint after a restart and ends with the rows of an uninterrupted run', async () => {
    await runOnce(db, store, createOrdersProjection());
    expect(await readCheckpoint(db.pool, 'orders')).toMatchObject({ status: 'running', eventsApplied: (await readWholeLog(store)).length });
    expect(await orderSnapshot(db.pool)).toEqual(await orderSnapshot(reference.pool));
  });

  it('rebuilds into new tables and swaps them in with rows equal to the live projection', async () => {
    const before = await orderSnapshot(db.pool);
    const progress: number[] = [];
    const result = await rebuildProjection({ pool: db.pool, store, projection: createOrdersProjection(), batchSize: 4, onProgress: (p) => progress.push(p.applied) });
    expect(result.version).toBe(createOrdersProjection().version + 1);
    expect(progress.at(-1)).toBe(result.applied);
    expect(await orderSnapshot(db.pool)).toEqual(before);
    const views = await db.pool.query(`SELECT count(*)::int AS n FROM reporting.backlog_summary`);
    expect(views.rows[0].n).toBeGreaterThan(0);
    const comment = await db.pool.query(`SELECT obj_description('reporting.crm_orders'::regclass, 'pg_class') AS c, col_description('reporting.crm_orders'::regclass, 1) AS col`);
    expect(comment.rows[0].c).toContain('CRM order view');
    expect(comment.rows[0].col).toContain('order key');
  });

  it('keeps a live runner going across a rebuild, following the new tables', async () => {
    const runner = new ProjectionRunner({ pool: db.pool, store, projections: [createOrdersProjection()], logger, retryMs: 50 });
    runner.start();
    const rebuilt = rebuildProjection({ pool: db.pool, store, projection: createOrdersProjection(), batchSize: 2 });
    const events = happyOrder('C-4', 'BETA').events;
    await appendOrder(store, 'C-4', events, 1);
    await appendOrder(referenceStore, 'C-4', events, 1);
    await rebuilt;
    await waitUntilCaughtUp(runner);
    await runner.stop();
    await runOnce(reference, referenceStore, createOrdersProjection(), 1000);
    expect(await readCheckpoint(db.pool, 'orders')).toMatchObject({ version: createOrdersProjection().version + 2, status: 'running' });
    expect(await orderSnapshot(db.pool)).toEqual(await orderSnapshot(reference.pool));
  });
});

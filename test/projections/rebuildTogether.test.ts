import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { createOrdersProjection } from '../../src/projections/orders/ordersProjection.js';
import { rebuildProjection, rebuildProjections } from '../../src/projections/rebuild/rebuildProjection.js';
import { readCheckpoint } from '../../src/projections/runner/checkpoints.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { untilReadable } from '../support/untilReadable.js';
import { failingOn, orderSnapshot } from './support/orderSnapshots.js';
import { appendOrder, readWholeLog, storeOn, tableRows } from './support/projectionHarness.js';
import { happyOrder, troubledOrder } from './support/scenarios.js';

/** The real store, counting its readAll calls. */
function counting(store: EventStore): { store: EventStore; reads: () => number } {
  let reads = 0;
  const wrapped = Object.create(store) as EventStore;
  wrapped.readAll = (options) => {
    reads += 1;
    return store.readAll(options);
  };
  return { store: wrapped, reads: () => reads };
}

describe('rebuilding several projections together', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase(16);
    store = storeOn(db.pool);
    for (const [key, build] of [['T-1', happyOrder], ['T-2', troubledOrder], ['T-3', happyOrder]] as const) await appendOrder(store, key, build(key, 'BETA').events, 2);
    // A rebuild reads up to the safe position; another file's open transaction can hold it back for a while.
    await untilReadable(store);
    await rebuildProjection({ pool: db.pool, store, projection: createOrdersProjection() });
  });
  afterAll(async () => {
    await store.close();
  });

  it('reads the log once for all of them, and each ends with the rows of a rebuild of its own', async () => {
    const log = await readWholeLog(store);
    const orders = await orderSnapshot(db.pool);
    const { store: watched, reads } = counting(store);
    const projections = allProjections();
    const results = await rebuildProjections({ pool: db.pool, store: watched, projections, batchSize: log.length + 10 });
    // One page for the bulk of the log (it fits), then one read per projection for its late events in its swap.
    expect(reads()).toBe(1 + projections.length);
    expect(results.map((r) => r.projection)).toEqual(projections.map((p) => p.name));
    expect(results.find((r) => r.projection === 'audit_trail')?.applied).toBe(log.length);
    expect(results.find((r) => r.projection === 'orders')?.applied).toBe(log.filter((e) => (createOrdersProjection().handles as string[]).includes(e.type)).length);
    expect(await orderSnapshot(db.pool)).toEqual(orders);
    const audit = await tableRows(db.pool, 'reporting.audit_trail', 'position');
    expect(audit.map((r) => (r as { event_id: string }).event_id)).toEqual(log.map((e) => e.id));
    for (const result of results) expect(await readCheckpoint(db.pool, result.projection)).toMatchObject({ version: result.version, status: 'running', position: result.position });
  });

  it('swaps in the others when one fails, names the one that failed, and leaves its live tables and checkpoint as they were', async () => {
    const log = await readWholeLog(store);
    const orders = await orderSnapshot(db.pool);
    const before = await readCheckpoint(db.pool, 'orders');
    const auditBefore = await readCheckpoint(db.pool, 'audit_trail');
    const others = allProjections().filter((p) => p.name !== 'orders');
    const attempt = rebuildProjections({ pool: db.pool, store, projections: [failingOn(log[7]!.id), ...others], batchSize: 4 });
    await expect(attempt).rejects.toThrow('rebuild failed for orders: simulated crash');
    expect(await readCheckpoint(db.pool, 'orders')).toMatchObject({ version: before!.version, position: before!.position, status: 'running' });
    expect(await orderSnapshot(db.pool)).toEqual(orders);
    const schemas = await db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'reporting_build_%'`);
    expect(schemas.rows).toEqual([]);
    expect(await readCheckpoint(db.pool, 'audit_trail')).toMatchObject({ version: auditBefore!.version + 1, status: 'running' });
    expect(await tableRows(db.pool, 'reporting.audit_trail', 'position')).toHaveLength(log.length);
  });
});

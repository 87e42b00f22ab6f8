import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { partitionOfStream } from '../../src/eventstore/streamPartition.js';
import { createLogger } from '../../src/logger.js';
import { failingEvent } from '../../src/projections/failingEvent.js';
import type { Projection } from '../../src/projections/Projection.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../../src/projections/ProjectionRunner.js';
import { createOrdersProjection } from '../../src/projections/orders/ordersProjection.js';
import { projectionReadiness } from '../../src/projections/projectionReadiness.js';
import { projectionStatuses, waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { auditTrailProjection } from '../../src/projections/readModels/auditTrail.js';
import { rebuildProjection } from '../../src/projections/rebuild/rebuildProjection.js';
import { readProjectionCheckpoints } from '../../src/projections/runner/checkpoints.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { failingOn, orderSnapshot, ordersProjectionWith } from './support/orderSnapshots.js';
import { appendOrder, readWholeLog, storeOn } from './support/projectionHarness.js';
import { happyOrder, troubledOrder } from './support/scenarios.js';

const logger = createLogger(process.env.TEST_LOG ?? 'silent', process.stderr);

function runner(db: { pool: pg.Pool }, store: EventStore, options: Partial<ProjectionRunnerOptions> & { projections: readonly Projection[] }): ProjectionRunner {
  return new ProjectionRunner({ pool: db.pool, store, logger, batchSize: 4, idleMs: 1, retryMs: 50, ...options });
}

/** Per partition of `count`: the events the orders projection (or the audit trail) handles, counted by PostgreSQL from the log itself. */
async function eventsPerPartition(db: TestDatabase, projection: Projection, count: number): Promise<number[]> {
  const types = projection.handles === 'all' ? null : projection.handles;
  const { rows } = await db.pool.query<{ stream_id: string; n: number }>(
    'SELECT stream_id, count(*)::int AS n FROM ledger.events WHERE $1::text[] IS NULL OR type = ANY($1::text[]) GROUP BY 1',
    [types],
  );
  const counts = Array.from({ length: count }, () => 0);
  for (const row of rows) counts[partitionOfStream(row.stream_id, count)]! += row.n;
  return counts;
}

async function appliedPerPartition(db: TestDatabase, name: string): Promise<number[]> {
  return (await readProjectionCheckpoints(db.pool, name)).map((c) => c.eventsApplied);
}

async function appendOrders(stores: readonly EventStore[], prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const key = `${prefix}-${i}`;
    const events = (i % 3 === 1 ? troubledOrder : happyOrder)(key, `ACC-${i % 4}`).events;
    for (const store of stores) await appendOrder(store, key, events, 2);
  }
}

async function until(probe: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}


/** A worker process (test/projections/support/partitionWorkerProcess.ts) and the partitions it last said it leads. */
class WorkerProcess {
  private readonly child: ChildProcess;
  private latest: Record<string, number[]> = {};
  private readonly exited: Promise<void>;

  constructor(url: string, partitions: number) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'support/partitionWorkerProcess.ts')], {
      env: { ...process.env, LEDGER_TEST_DATABASE_URL: url, LEDGER_TEST_PARTITIONS: String(partitions) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const last = lines.at(-1);
      if (last) this.latest = (JSON.parse(last) as { leads: Record<string, number[]> }).leads;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  leads(projection: string): number[] {
    return this.latest[projection] ?? [];
  }

  allLeads(): Record<string, number[]> {
    return this.latest;
  }

  async kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

describe('projection partitions', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let store: EventStore;
  let referenceStore: EventStore;

  beforeAll(async () => {
    [db, reference] = await Promise.all([createTestDatabase(20), createTestDatabase(6)]);
    store = storeOn(db.pool);
    referenceStore = storeOn(reference.pool);
    await appendOrders([store, referenceStore], 'S', 12);
  });
  afterAll(async () => {
    await store.close();
    await referenceStore.close();
  });

  async function referenceRows(): Promise<Record<string, unknown[]>> {
    const unsplit = runner(reference, referenceStore, { projections: [createOrdersProjection()], batchSize: 1000 });
    unsplit.start();
    await waitUntilCaughtUp(unsplit);
    await unsplit.stop();
    return orderSnapshot(reference.pool);
  }

  it('runs four partitions in one process: each applies exactly the events of its streams, once, and the rows equal an unsplit run', async () => {
    const split = runner(db, store, { projections: [createOrdersProjection(), auditTrailProjection], partitions: 4 });
    split.start();
    const [orders] = await waitUntilCaughtUp(split);
    await split.stop();
    expect(orders).toMatchObject({ name: 'orders', status: 'running', partitionCount: 4, lag: { events: 0 } });
    expect(orders?.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect(await appliedPerPartition(db, 'orders')).toEqual(await eventsPerPartition(db, createOrdersProjection(), 4));
    expect(await appliedPerPartition(db, 'audit_trail')).toEqual(await eventsPerPartition(db, auditTrailProjection, 4));
    expect((await eventsPerPartition(db, createOrdersProjection(), 4)).filter((n) => n > 0).length).toBeGreaterThan(1);
    const audit = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reporting.audit_trail');
    expect(audit.rows[0]?.n).toBe((await readWholeLog(store)).length);
    expect(await orderSnapshot(db.pool)).toEqual(await referenceRows());
  });

  it('takes over the partition of a worker whose connection died mid-batch, with the rows of an uninterrupted run', async () => {
    const otherPool = new pg.Pool({ connectionString: db.url, max: 10 });
    otherPool.on('error', () => undefined);
    const otherStore = storeOn(otherPool);
    let trap: { partition: number; caught?: (pid: number) => void } | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const trapped = ordersProjectionWith(async (events, client) => {
      const armed = trap;
      if (!armed?.caught || !events.some((e) => partitionOfStream(e.streamId, 4) === armed.partition)) return;
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      armed.caught(pid);
      trap = undefined;
      await released;
      await client.query('SELECT 1');
    });
    // The first runner leads every partition and, once it crashed, waits long before trying again: the second must take over.
    const first = runner(db, store, { projections: [trapped], partitions: 4, retryMs: 60_000 });
    const second = runner({ pool: otherPool }, otherStore, { projections: [createOrdersProjection()], partitions: 4 });
    try {
      first.start();
      await until(() => first.workerStates('orders').every((s) => s === 'active'), 'the first runner leads every partition');
      second.start();
      await until(() => second.workerStates('orders').every((s) => s === 'standby'), 'the second runner stands by');
      const victim = partitionOfStream('order-K-0', 4);
      const pid = new Promise<number>((resolve) => { trap = { partition: victim, caught: resolve }; });
      await appendOrders([store, referenceStore], 'K', 6);
      await db.owner.query('SELECT pg_terminate_backend($1)', [await pid]);
      release();
      await until(() => second.workerState('orders', victim) === 'active', 'the second runner takes the partition over');
      expect(first.troubled().map((t) => t.partition)).toEqual([victim]);
      await waitUntilCaughtUp(second);
      expect(second.workerStates('orders').filter((s) => s === 'active')).toHaveLength(1);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await otherStore.close();
      await otherPool.end();
    }
    expect(await appliedPerPartition(db, 'orders')).toEqual(await eventsPerPartition(db, createOrdersProjection(), 4));
    expect(await orderSnapshot(db.pool)).toEqual(await referenceRows());
  });

  it('stops only the partition whose event fails, and names it in readiness, the status and the failure', async () => {
    await appendOrders([store, referenceStore], 'F', 4);
    const culprit = (await readWholeLog(store)).filter((e) => e.streamId === 'order-F-2')[1]!;
    const failedPartition = partitionOfStream(culprit.streamId, 4);
    const failing = runner(db, store, { projections: [failingOn(culprit.id)], partitions: 4 });
    failing.start();
    const [orders] = await waitUntilCaughtUp(failing);
    await failing.stop();
    expect(orders).toMatchObject({ status: 'failed', failure: { partition: failedPartition, eventId: culprit.id } });
    expect(orders?.partitions.filter((p) => p.status === 'failed').map((p) => p.partition)).toEqual([failedPartition]);
    const found = await failingEvent(failing, 'orders');
    expect(found).toMatchObject({ found: 'failed', failedPartitions: [failedPartition], event: { id: culprit.id } });
    const ready = await projectionReadiness(db.pool).check();
    expect(ready).toMatchObject({ ready: false, reason: `projection orders (partition ${failedPartition} of 4) failed` });
    // The other partitions went on: every order of theirs is there in full.
    const elsewhere = ['F-0', 'F-1', 'F-3'].filter((k) => partitionOfStream(`order-${k}`, 4) !== failedPartition);
    expect(elsewhere.length).toBeGreaterThan(0);
    const rows = await db.pool.query<{ order_key: string; status: string }>('SELECT order_key, status FROM reporting.crm_orders WHERE order_key = ANY($1::text[]) ORDER BY 1', [elsewhere]);
    expect(rows.rows.map((r) => r.order_key)).toEqual(elsewhere);
    expect(rows.rows.every((r) => r.status !== 'RECEIVED')).toBe(true);
  });

  it('refuses another partition count than the stored one until a rebuild with the new count, built a partition per connection, then runs with it', async () => {
    const two = runner(db, store, { projections: [createOrdersProjection()], partitions: 2 });
    two.start();
    await until(() => two.troubled().length === 2, 'both partitions report the mismatch');
    expect(two.troubled()[0]?.error).toContain('stored as 4 partition(s) but runs as 2 here');
    await rebuildProjection({ pool: db.pool, store, projection: createOrdersProjection(), partitions: 2 });
    await waitUntilCaughtUp(two);
    await two.stop();
    expect((await readProjectionCheckpoints(db.pool, 'orders')).map((c) => [c.partition, c.partitions, c.status])).toEqual([[0, 2, 'running'], [1, 2, 'running']]);
    expect(await appliedPerPartition(db, 'orders')).toEqual(await eventsPerPartition(db, createOrdersProjection(), 2));
    const statuses = await projectionStatuses(two);
    expect(statuses[0]).toMatchObject({ status: 'running', partitionCount: 2 });
    // Built by two builders at once, one per partition, from the whole log: the failed event included, with the real projection.
    expect(await orderSnapshot(db.pool)).toEqual(await referenceRows());
    // Rebuilt again while both partitions run live and orders arrive: the swap waits for each partition's batch, then both follow the new tables.
    two.start();
    const rebuilt = rebuildProjection({ pool: db.pool, store, projection: createOrdersProjection(), batchSize: 3 });
    await appendOrders([store, referenceStore], 'R', 4);
    const { version } = await rebuilt;
    await waitUntilCaughtUp(two);
    await two.stop();
    expect((await readProjectionCheckpoints(db.pool, 'orders')).map((c) => [c.partitions, c.version])).toEqual([[2, version], [2, version]]);
    expect(await appliedPerPartition(db, 'orders')).toEqual(await eventsPerPartition(db, createOrdersProjection(), 2));
    expect(await orderSnapshot(db.pool)).toEqual(await referenceRows());
  });
});

describe('projection partitions across processes', () => {
  let db: TestDatabase;
  let reference: TestDatabase;
  let store: EventStore;
  let referenceStore: EventStore;

  beforeAll(async () => {
    [db, reference] = await Promise.all([createTestDatabase(12), createTestDatabase(6)]);
    store = storeOn(db.pool);
    referenceStore = storeOn(reference.pool);
    await appendOrders([store, referenceStore], 'T', 8);
  });
  afterAll(async () => {
    await store.close();
    await referenceStore.close();
  });

  it('shares the partitions between two processes, applies every event exactly once, and the survivor takes over a killed one', async () => {
    const projections = [createOrdersProjection(), auditTrailProjection];
    // Not started: it reads the checkpoints for waitUntilCaughtUp.
    const observer = runner(db, store, { projections, partitions: 4 });
    const shared = (a: WorkerProcess, b: WorkerProcess) => projections.every((p) => {
      const [x, y] = [a.leads(p.name), b.leads(p.name)];
      return x.length === 2 && y.length === 2 && new Set([...x, ...y]).size === 4;
    });
    const first = new WorkerProcess(db.url, 4);
    const second = new WorkerProcess(db.url, 4);
    try {
      await until(() => shared(first, second), () => `each process leads two partitions of each projection (first leads ${JSON.stringify(first.allLeads())}, second ${JSON.stringify(second.allLeads())})`, 30_000);
      await appendOrders([store, referenceStore], 'U', 6);
      await waitUntilCaughtUp(observer);
      await first.kill('SIGKILL');
      await until(() => projections.every((p) => second.leads(p.name).length === 4), 'the survivor leads every partition', 20_000);
      await appendOrders([store, referenceStore], 'V', 4);
      await waitUntilCaughtUp(observer);
    } finally {
      await Promise.all([first.kill('SIGKILL'), second.kill('SIGTERM')]);
    }
    for (const projection of projections) expect(await appliedPerPartition(db, projection.name)).toEqual(await eventsPerPartition(db, projection, 4));
    const unsplit = runner(reference, referenceStore, { projections: [createOrdersProjection()], batchSize: 1000 });
    unsplit.start();
    await waitUntilCaughtUp(unsplit);
    await unsplit.stop();
    expect(await orderSnapshot(db.pool)).toEqual(await orderSnapshot(reference.pool));
  }, 60_000);
});

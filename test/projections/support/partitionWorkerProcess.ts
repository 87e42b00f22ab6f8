/**
 * A projection worker process for the partition tests: runs the orders and
 * audit trail projections split LEDGER_TEST_PARTITIONS ways against
 * LEDGER_TEST_DATABASE_URL, and prints, every 50 ms, one JSON line with the
 * partitions it leads. SIGTERM stops it cleanly; SIGKILL is the crash.
 */
import pg from 'pg';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/PostgresEventStore.js';
import { createLogger } from '../../../src/logger.js';
import { createOrdersProjection } from '../../../src/projections/orders/ordersProjection.js';
import { ProjectionRunner } from '../../../src/projections/ProjectionRunner.js';
import { auditTrailProjection } from '../../../src/projections/readModels/auditTrail.js';

const pool = new pg.Pool({ connectionString: process.env.LEDGER_TEST_DATABASE_URL, max: 12 });
pool.on('error', () => undefined);
const store = createPostgresEventStore({ pool, pollIntervalMs: 50 });
const projections = [createOrdersProjection(), auditTrailProjection];
const runner = new ProjectionRunner({
  pool, store, projections, logger: createLogger('silent'), partitions: Number(process.env.LEDGER_TEST_PARTITIONS), batchSize: 4, idleMs: 1, retryMs: 200,
});
runner.start();
const report = setInterval(() => {
  const leads = Object.fromEntries(projections.map((p) => [p.name, runner.workerStates(p.name).flatMap((s, i) => (s === 'active' ? [i] : []))]));
  process.stdout.write(`${JSON.stringify({ pid: process.pid, leads })}\n`);
}, 50);
process.on('SIGTERM', () => {
  clearInterval(report);
  void runner.stop().then(() => store.close()).then(() => pool.end()).then(() => process.exit(0));
});

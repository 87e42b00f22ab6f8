import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { buildApp } from '../../src/http/buildApp.js';
import { LedgerMetrics } from '../../src/observability/metrics.js';
import { createLogger } from '../../src/logger.js';
import { projectionFailureRoute } from '../../src/http/reports/projectionFailureRoute.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { registerProjectionMetrics } from '../../src/projections/projectionMetrics.js';
import { projectionReadiness } from '../../src/projections/projectionReadiness.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { readWholeLog, storeOn } from '../projections/support/projectionHarness.js';
import { happyOrder } from '../projections/support/scenarios.js';

const logger = createLogger('silent');

describe('readiness with a failed projection', () => {
  let db: TestDatabase;
  let store: EventStore;
  let app: FastifyInstance;
  let metrics: LedgerMetrics;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = storeOn(db.pool);
    metrics = new LedgerMetrics();
    registerProjectionMetrics(metrics, new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger }));
    runner = new ProjectionRunner({ pool: db.pool, store, projections: allProjections(), logger, retryMs: 50 });
    app = await buildApp({ logger, pool: db.pool, metrics, readinessChecks: [projectionReadiness(db.pool)], plugins: [projectionFailureRoute({ runner })] });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers ready, checks named, while every projection runs', async () => {
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ready', projections: 'ready' } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 503 naming the projection, its position and its error once one stops on an event, and /metrics shows it', async () => {
    // An event written by a build that checked less: a product no column can hold.
    const order = happyOrder('HUGE-1');
    const [received] = order.toAppend();
    const data = received!.data as { lines: { qty: number; unitNetPrice: { amount: number } }[] };
    data.lines[0]!.qty = 1e308;
    data.lines[0]!.unitNetPrice.amount = 1e308;
    await store.append(orderStreamId('HUGE-1'), [received!], { expectedRevision: 'no_stream' });
    const culprit = (await readWholeLog(store))[0]!;

    runner.start();
    await waitUntilCaughtUp(runner);
    await runner.stop();

    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body).toMatchObject({ status: 'not_ready', reason: 'projection orders failed', checks: { database: 'ready', projections: 'not_ready' } });
    expect(body.projections).toEqual([expect.objectContaining({ name: 'orders', position: '', failedPosition: culprit.position, failedEventId: culprit.id })]);
    expect(body.projections[0].error).toMatch(/ordered_value|value/);

    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('ledger_projection_failed{projection="orders"} 1');
    expect(text).toContain('ledger_projection_failed{projection="audit_trail"} 0');
  });

  it('shows an admin the event the failed projection stopped on, as the log holds it', async () => {
    const culprit = (await readWholeLog(store))[0]!;
    const response = await app.inject({ method: 'GET', url: '/v1/projections/orders/failure' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'orders', status: 'failed', position: '',
      failure: { position: culprit.position, eventId: culprit.id, event: { id: culprit.id, streamId: 'order-HUGE-1', type: 'OrderReceived', data: { lines: expect.arrayContaining([expect.objectContaining({ qty: 1e308 })]) } } },
    });
    expect((await app.inject({ method: 'GET', url: '/v1/projections/audit_trail/failure' })).json()).toEqual({ name: 'audit_trail', status: 'running', failure: null });
    expect((await app.inject({ method: 'GET', url: '/v1/projections/nothing/failure' })).statusCode).toBe(404);
  });
});

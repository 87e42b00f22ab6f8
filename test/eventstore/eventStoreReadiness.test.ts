import { afterAll, describe, expect, it } from 'vitest';
import { eventStoreReadiness } from '../../src/eventstore/eventStoreReadiness.js';
import { createEventStoreDbEventStore } from '../../src/eventstore/eventstoredb/EventStoreDbEventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { buildApp } from '../../src/http/buildApp.js';
import { createLogger } from '../../src/logger.js';
import { freePort } from '../../src/postgres/freePort.js';
import { createTestDatabase } from '../support/testDatabase.js';

const db = await createTestDatabase();

describe('/ready and the event store', () => {
  const postgres = createPostgresEventStore({ pool: db.pool });
  afterAll(() => postgres.close());

  it('is ready while the configured log answers', async () => {
    const app = await buildApp({ logger: createLogger('silent'), pool: db.pool, readinessChecks: [eventStoreReadiness(postgres)] });
    try {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ready', eventStore: 'ready' } });
      expect(response.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming the KurrentDB server and what to check when it does not answer', async () => {
    const port = await freePort();
    const kurrent = createEventStoreDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${port}?tls=false` });
    const app = await buildApp({ logger: createLogger('silent'), pool: db.pool, readinessChecks: [eventStoreReadiness(kurrent)] });
    try {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'not_ready',
        checks: { database: 'ready', eventStore: 'not_ready' },
        failures: [{ check: 'eventStore', reason: 'event store not available', detail: expect.stringMatching(new RegExp(`KurrentDB at kurrentdb://127.0.0.1:${port} \\(no TLS\\) did not answer`)) }],
      });
    } finally {
      await app.close();
      await kurrent.close();
    }
  });
});

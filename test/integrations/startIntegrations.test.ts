import { writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { startIntegrations } from '../../src/integrations/startIntegrations.js';
import { integrationPlugins } from '../../src/http/integrators/integrationPlugins.js';
import { orderPlugins } from '../../src/http/orders/orderPlugins.js';
import { createLogger } from '../../src/logger.js';
import { LedgerMetrics } from '../../src/observability/metrics.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appWith } from './support/feedApp.js';
import { testSecret } from './support/integratorHarness.js';
import { anOrder } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor } from './support/webhookReceiver.js';
import { testSecrets } from '../support/testSecrets.js';

const db = await createTestDatabase();
const store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
afterAll(async () => store.close());

describe('the integrations area in a service', () => {
  it('loads integrators from LEDGER_INTEGRATORS_FILE, delivers, and serves the feed and admin routes', async () => {
    const receiver = await startWebhookReceiver();
    const file = await tempPath('integrators.json');
    await writeFile(file, JSON.stringify({ integrators: [{ name: 'wms-portal', url: receiver.url, secret: testSecret, types: ['OrderAccepted'] }] }));
    const integrations = await startIntegrations({ secrets: testSecrets, pool: db.pool, store, logger: createLogger('silent'), integratorsFile: file });
    const { app, read } = await appWith(db.pool, integrationPlugins({ pool: db.pool, secrets: testSecrets, store, orders: orderPlugins({ pool: db.pool, store, metrics: new LedgerMetrics() }).service }));
    try {
      const [, accepted] = await anOrder(store, 'SV-1', 2);
      await waitFor('a delivery', () => receiver.accepted.length === 1);
      expect(receiver.accepted).toEqual([accepted!.id]);
      const listed = await app.inject({ method: 'GET', url: '/v1/integrators', headers: { authorization: `Bearer ${read}` } });
      expect(listed.json().items).toEqual([expect.objectContaining({ name: 'wms-portal', origin: 'file', status: 'running', types: ['OrderAccepted'] })]);
      const feed = await app.inject({ method: 'GET', url: '/v1/feed?limit=1', headers: { authorization: `Bearer ${read}` } });
      expect(feed.json().events).toHaveLength(1);
      const docs = await app.inject({ method: 'GET', url: '/openapi.json' });
      expect(docs.statusCode).toBe(200);
      expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/v1/feed', '/v1/feed/stream', '/v1/consumers/{name}/checkpoint', '/v1/integrators', '/v1/parked/{id}/discard']));
    } finally {
      await app.close();
      await integrations.stop();
      await receiver.close();
    }
  });
});

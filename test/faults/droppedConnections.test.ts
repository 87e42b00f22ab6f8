import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
import { placeOrderBody } from '../http/support/payloads.js';
import { testSecret } from '../integrations/support/integratorHarness.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '../integrations/support/webhookReceiver.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { unshedSettings } from '../support/unshedSettings.js';

const db = await createTestDatabase();
let service: Service;
let receiver: WebhookReceiver;
let submitKey = '';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const integratorsFile = await tempPath('integrators.json');
  await writeFile(integratorsFile, JSON.stringify({ integrators: [{ name: 'order-hook', url: receiver.url, secret: testSecret, types: ['OrderReceived'] }] }));
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', LEDGER_INTEGRATORS_FILE: integratorsFile, LEDGER_DATA_DIR: await tempPath('data'), ...unshedSettings });
  service = await startService(config, createLogger('silent'));
  submitKey = (await service.keys.create({ system: 'ECOMMERCE', scopes: ['submit', 'read'], actor: 'test' })).key;
});
afterAll(async () => {
  await service?.stop();
  await receiver?.close();
});

async function submitAndFollow(orderKey: string): Promise<void> {
  const response = await fetch(`${service.address}/v1/orders`, {
    method: 'POST', headers: { authorization: `Bearer ${submitKey}`, 'content-type': 'application/json' }, body: JSON.stringify(placeOrderBody(orderKey)),
  });
  expect(response.status).toBe(201);
  await waitFor(`${orderKey} projected`, async () => (await db.pool.query('SELECT 1 FROM reporting.crm_orders WHERE order_key = $1', [orderKey])).rowCount === 1, 20_000);
  await waitFor(`${orderKey} delivered`, () => receiver.received.some((r) => r.body.includes(`"${orderKey}"`)), 20_000);
}

/** Every session of the service's database whose pid `where` picks, as a DBA or a failover would end it. */
async function terminate(where: string): Promise<number> {
  const { rows } = await db.owner.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND ${where}`,
  );
  for (const { pid } of rows) await db.owner.query('SELECT pg_terminate_backend($1)', [pid]);
  return rows.length;
}

describe('the service when its database connections are cut', () => {
  it('follows the log and delivers before anything is cut', async () => {
    await submitAndFollow('DROP-1');
  });

  it('survives the lock-holding sessions of projections and integrators being terminated, and catches up afterwards', async () => {
    const cut = await terminate("pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')");
    // One session per projection and one for the integrator.
    expect(cut).toBeGreaterThanOrEqual(2);
    // Until the workers hold their locks again, /ready says which are restarting and why.
    let degraded: { status: string; failures?: { check: string; reason: string }[] } | undefined;
    await waitFor('/ready to name the restarting workers', async () => {
      const ready = await fetch(`${service.address}/ready`);
      degraded = await ready.json() as typeof degraded;
      return ready.status === 503 && degraded!.failures!.some((f) => f.check === 'workers');
    }, 5_000);
    expect(degraded!.failures!.find((f) => f.check === 'workers')!.reason).toMatch(/restarting after an error/);
    await submitAndFollow('DROP-2');
    await waitFor('/ready to be ready again', async () => (await fetch(`${service.address}/ready`)).status === 200, 10_000);
    const health = await fetch(`${service.address}/health`);
    expect(health.status).toBe(200);
  });

  it('survives every one of its sessions being terminated at once, the LISTEN one and idle pool clients included', async () => {
    expect(await terminate('true')).toBeGreaterThanOrEqual(3);
    await submitAndFollow('DROP-3');
  });

  it('delivered each order once to the integrator, in order', () => {
    const orders = receiver.accepted.map((id) => receiver.received.find((r) => r.eventId === id)!.body.match(/"DROP-\d"/)?.[0]);
    expect(orders).toEqual(['"DROP-1"', '"DROP-2"', '"DROP-3"']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createIntegratorSupervisor, type IntegratorSupervisor } from '../../src/integrations/createIntegratorSupervisor.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { createLogger } from '../../src/logger.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createReportingApp } from '../projections/support/reportingApp.js';
import { testSecrets } from '../support/testSecrets.js';
import { testSecret } from './support/integratorHarness.js';
import { appendToOrder, invoicePosted, ledgerEvent, orderAccepted, orderReceived, shipmentConfirmed } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support/webhookReceiver.js';

const { db, store, runner } = await createReportingApp();
const lines = [{ lineNo: 1, qty: 10, price: 12.5 }, { lineNo: 2, qty: 4, price: 100 }];
const ackDelaySeconds = 120;

async function breaches(rules: readonly string[]) {
  const { rows } = await db.pool.query(
    `SELECT rule, order_key, detail, value_at_risk::float8 FROM reporting.sla_breaches WHERE rule = ANY ($1) ORDER BY value_at_risk DESC, rule, detail`, [rules]);
  return rows;
}

describe('propagation rules and KPIs', () => {
  let receiver: WebhookReceiver;
  let supervisor: IntegratorSupervisor;
  const recorded = new Map<string, RecordedEvent[]>();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.answer = (request) => (JSON.parse(request.body).data.orderKey === 'B-2' ? 400 : 204);
    await new IntegratorRepository(db.pool, testSecrets).upsert(integratorConfigSchema.parse({
      name: 'crm-hook', url: receiver.url, secret: testSecret, preset: 'crm-sync', onFailure: 'park', maxAttempts: 1, timeoutMs: 3000,
      types: ['OrderReceived', 'OrderAccepted', 'ShipmentConfirmed', 'InvoicePosted'],
      backoff: { baseMs: 5, maxMs: 20 }, breaker: { failureThreshold: 50, openMs: 20 },
    }), 'api', await store.headPosition());
    supervisor = createIntegratorSupervisor({ pool: db.pool, secrets: testSecrets, store, logger: createLogger('silent'), pollMs: 50 });
    await supervisor.start();
    for (const key of ['B-1', 'B-2']) {
      recorded.set(key, await appendToOrder(store, key, [
        orderReceived(key, lines), orderAccepted(key, lines),
        shipmentConfirmed(key, `S-${key}`, [{ lineNo: 1, qty: 10 }]), invoicePosted(key, `I-${key}`, [{ lineNo: 1, qty: 10, amount: 125 }]),
      ]));
    }
    // A CRM that acknowledges B-1 two minutes after each event was recorded, and never hears of B-2.
    const b1 = recorded.get('B-1')!;
    await appendToOrder(store, 'B-1', b1.map((event) => ledgerEvent('B-1', 'IntegrationAcknowledged', {
      consumer: 'crm-app', eventIds: [event.id], outcome: 'ACCEPTED', ackAt: new Date(event.recordedAt.getTime() + ackDelaySeconds * 1000).toISOString(),
    }, { kind: 'CRM', instance: 'crm-1' })));
    const last = recorded.get('B-2')!.at(-1)!.position;
    await waitFor('every delivery answered or parked', async () =>
      (await db.pool.query(`SELECT position FROM integration.integrator_checkpoints WHERE name = 'crm-hook'`)).rows[0]?.position === last);
    await waitUntilCaughtUp(runner);
  });
  afterAll(async () => {
    await supervisor.stop();
    await receiver.close();
  });

  it('raises nothing while every gap is younger than its threshold', async () => {
    expect(await breaches(['SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED', 'PARKED_EVENT'])).toEqual([]);
  });

  it('names each CRM system that misses a shipment or an invoice, and each parked delivery, once the clock is past the threshold', async () => {
    await db.pool.query(`UPDATE reporting.sla_rules SET threshold = interval '0' WHERE rule IN ('SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED', 'PARKED_EVENT')`);
    try {
      expect(await breaches(['SHIPPED_NOT_IN_CRM', 'INVOICED_NOT_SYNCED'])).toEqual([
        // B-2: ordered 525; invoiced 125.
        { rule: 'SHIPPED_NOT_IN_CRM', order_key: 'B-2', detail: 'crm-app', value_at_risk: 525 },
        { rule: 'SHIPPED_NOT_IN_CRM', order_key: 'B-2', detail: 'crm-hook', value_at_risk: 525 },
        { rule: 'INVOICED_NOT_SYNCED', order_key: 'B-2', detail: 'crm-app', value_at_risk: 125 },
        { rule: 'INVOICED_NOT_SYNCED', order_key: 'B-2', detail: 'crm-hook', value_at_risk: 125 },
      ]);
      const parked = await breaches(['PARKED_EVENT']);
      expect(parked.map((b) => b.detail).sort()).toEqual(['crm-hook: InvoicePosted', 'crm-hook: OrderAccepted', 'crm-hook: OrderReceived', 'crm-hook: ShipmentConfirmed']);
      expect(new Set(parked.map((b) => b.order_key))).toEqual(new Set(['B-2']));
    } finally {
      await db.pool.query(`UPDATE reporting.sla_rules SET threshold = interval '1 hour' WHERE rule IN ('INVOICED_NOT_SYNCED', 'PARKED_EVENT')`);
      await db.pool.query(`UPDATE reporting.sla_rules SET threshold = interval '15 minutes' WHERE rule = 'SHIPPED_NOT_IN_CRM'`);
    }
  });

  it('gives shipment propagation and invoice sync per day and system: due, reached, p50/p95 and the share within target', async () => {
    const { rows } = await db.pool.query(
      `SELECT metric, kind, system, due, reached, p50_seconds::float8 AS p50, p95_seconds::float8 AS p95, within_target, within_target_rate::float8 AS rate
         FROM reporting.propagation_kpi_daily WHERE metric IN ('SHIPMENT_PROPAGATION', 'INVOICE_SYNC') ORDER BY metric, kind`);
    expect(rows).toEqual([
      { metric: 'INVOICE_SYNC', kind: 'consumer', system: 'crm-app', due: 2, reached: 1, p50: ackDelaySeconds, p95: ackDelaySeconds, within_target: 1, rate: 0.5 },
      expect.objectContaining({ metric: 'INVOICE_SYNC', kind: 'integrator', system: 'crm-hook', due: 2, reached: 1, within_target: 1, rate: 0.5 }),
      { metric: 'SHIPMENT_PROPAGATION', kind: 'consumer', system: 'crm-app', due: 2, reached: 1, p50: ackDelaySeconds, p95: ackDelaySeconds, within_target: 1, rate: 0.5 },
      expect.objectContaining({ metric: 'SHIPMENT_PROPAGATION', kind: 'integrator', system: 'crm-hook', due: 2, reached: 1, within_target: 1, rate: 0.5 }),
    ]);
    const integrator = rows.find((r) => r.kind === 'integrator')!;
    // Delivered within the test's run: a few seconds at most after being recorded.
    expect(integrator.p50).toBeGreaterThanOrEqual(0);
    expect(integrator.p50).toBeLessThan(30);
  });

  it('gives order acceptance latency per channel beside them', async () => {
    const { rows } = await db.pool.query(
      `SELECT system, due, reached, p50_seconds::float8 AS p50 FROM reporting.propagation_kpi_daily WHERE metric = 'ORDER_ACCEPTANCE'`);
    // The test events are a minute apart in business time.
    expect(rows).toEqual([{ system: 'ECOMMERCE', due: 2, reached: 2, p50: 60 }]);
  });

  it('gives exception resolution time per code: raised, resolved, p50/p95 over the resolved ones', async () => {
    // Three exceptions of one code, on an order whose events no integrator subscribes to.
    const raise = () => {
      const event = ledgerEvent('B-3', 'ExceptionRaised', {}, { kind: 'LEDGER', instance: 'ledger' });
      return { ...event, data: { exceptionId: event.id, code: 'RESOLUTION_TIMED', priority: 10, currency: 'USD', message: 'timed', eventId: event.id, lineNos: [] } };
    };
    const resolve = (raised: { id: string }) => ledgerEvent('B-3', 'ExceptionResolved', { exceptionId: raised.id, resolution: 'fixed', resolvedBy: 'ops' }, { kind: 'LEDGER', instance: 'ledger' });
    // The test clock moves a minute per event built: quick is resolved 60 s after it was raised, slow 120 s after, open never.
    const quick = raise();
    const quickResolved = resolve(quick);
    const slow = raise();
    const open = raise();
    const slowResolved = resolve(slow);
    await appendToOrder(store, 'B-3', [quick, quickResolved, slow, open, slowResolved]);
    await waitUntilCaughtUp(runner);
    const { rows } = await db.pool.query(
      `SELECT kind, system, due, reached, p50_seconds::float8 AS p50, p95_seconds::float8 AS p95, within_target
         FROM reporting.propagation_kpi_daily WHERE metric = 'EXCEPTION_RESOLUTION' AND system = 'RESOLUTION_TIMED'`);
    expect(rows).toEqual([{ kind: 'exception', system: 'RESOLUTION_TIMED', due: 3, reached: 2, p50: 90, p95: 117, within_target: null }]);
  });
});

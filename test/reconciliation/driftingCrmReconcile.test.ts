import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDriftingCrm, driftingCrmName, type AttachedCrm } from '../../src/simulator/attachDriftingCrm.js';
import { HttpClient } from '../../src/simulator/HttpClient.js';
import { waitForProjections } from '../../src/simulator/reportSummary.js';
import { startEmbeddedLedger, type EmbeddedLedger } from '../../src/simulator/startEmbeddedLedger.js';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { storeOn } from '../projections/support/projectionHarness.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { seedOrders, toJsonLines } from './support/reconciliationLedger.js';

interface Summary { id: string; driftedOrders: number; drift: Record<string, number> }

describe('reconciling a drifting CRM on loopback, then re-sending what it lost', () => {
  let db: TestDatabase;
  let service: EmbeddedLedger;
  let client: HttpClient;
  let crm: AttachedCrm;
  let store: EventStore;

  const reconcile = async (): Promise<Summary> => {
    const res = await fetch(`${service.url}/v1/reconciliations?system=${driftingCrmName}`, {
      method: 'POST', headers: { authorization: `Bearer ${service.keys.CRM}`, 'content-type': 'application/x-ndjson' }, body: toJsonLines(crm.receiver.snapshot()),
    });
    const body = await res.text();
    expect(res.status, body).toBe(201);
    return JSON.parse(body) as Summary;
  };
  const driftedOrders = async (id: string): Promise<string[]> => {
    const res = await client.getJson<{ items: { orderKey: string | null }[] }>(`/v1/reconciliations/${id}?limit=1000`, service.readerKey);
    return [...new Set(res.json!.items.map((d) => d.orderKey!))].sort();
  };

  /** What the sync report says the CRM does not show (its acknowledgements behind). */
  const behindOrders = async (): Promise<string[]> => {
    const res = await client.getJson<{ items: { orderKey: string }[]; nextCursor: string | null }>(`/v1/sync/${driftingCrmName}/orders?limit=1000`, service.readerKey);
    expect(res.json!.nextCursor).toBeNull();
    return [...new Set(res.json!.items.map((o) => o.orderKey))].sort();
  };

  beforeAll(async () => {
    db = await createTestDatabase(6);
    service = await startEmbeddedLedger({ databaseUrl: db.url, logLevel: 'silent' });
    client = new HttpClient(new URL(service.url), 4);
    crm = await attachDriftingCrm(client, { admin: service.adminKey, crm: service.keys.CRM }, { drop: 0.3, delay: 0, delayMs: 0 }, 11);
    store = storeOn(db.pool);
    await seedOrders(store, db.pool, 30, 'DRC');
    await crm.settle();
    expect(await waitForProjections(client, service.readerKey, 60_000)).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await crm?.detach({ deleteIntegrator: false });
    client?.close();
    await store?.close();
    await service?.stop();
  });

  it('finds exactly the orders whose latest delivery the CRM lost, and is in step once their state is re-sent', async () => {
    const missed = crm.receiver.missed();
    expect(missed.length).toBeGreaterThan(0);
    expect(await behindOrders()).toEqual(missed);
    const before = await reconcile();
    expect(before.driftedOrders).toBe(missed.length);
    expect(await driftedOrders(before.id)).toEqual(missed);

    const resent = await client.request('POST', `/v1/reconciliations/${before.id}/resend`, { authorization: `Bearer ${service.adminKey}` },
      JSON.stringify({ reason: 'the CRM lost them' }));
    expect(resent.status, resent.body).toBe(200);
    const results = (JSON.parse(resent.body) as { results: { orderKey: string; outcome: string }[] }).results;
    expect(results.map((r) => [r.orderKey, r.outcome])).toEqual(missed.map((orderKey) => [orderKey, 'delivered']));
    for (const orderKey of missed) {
      const history = await client.getJson<{ verification: { ok: boolean }; events: { type: string; system: { kind: string }; actor: { id: string }; data: unknown }[] }>(
        `/v1/orders/${orderKey}/history`, service.adminKey);
      expect(history.json!.verification.ok, orderKey).toBe(true);
      // The CRM may have acknowledged what it was re-sent since: the record is the order's one IntegrationResent.
      expect(history.json!.events.filter((e) => e.type === 'IntegrationResent'), orderKey).toEqual([expect.objectContaining({
        system: expect.objectContaining({ kind: 'LEDGER' }), actor: expect.objectContaining({ id: expect.stringMatching(/^ADMIN:/) }),
        data: expect.objectContaining({ integrator: driftingCrmName, outcome: 'delivered', reason: 'the CRM lost them', reconciliationId: before.id }),
      })]);
    }

    await crm.settle();
    expect(crm.receiver.missed()).toEqual([]);
    expect(await waitForProjections(client, service.readerKey, 60_000)).toBe(0);
    expect(await behindOrders()).toEqual([]);
    const after = await reconcile();
    expect(after).toMatchObject({ driftedOrders: 0, drift: { missing_downstream: 0, status_mismatch: 0, quantity_mismatch: 0, value_mismatch: 0, missing_in_ledger: 0 } });
  });
});

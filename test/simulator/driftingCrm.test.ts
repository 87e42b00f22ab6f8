import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook } from '../../src/integrations/webhookSignature.js';
import { driftingCrmName } from '../../src/simulator/attachDriftingCrm.js';
import { HttpClient } from '../../src/simulator/HttpClient.js';
import { waitForProjections } from '../../src/simulator/reportSummary.js';
import { reportSync } from '../../src/simulator/reportSync.js';
import { runSimulation, type SimulationRun } from '../../src/simulator/runSimulation.js';
import { parseSimulationFlags } from '../../src/simulator/simulationFlags.js';
import { startEmbeddedLedger, type EmbeddedLedger } from '../../src/simulator/startEmbeddedLedger.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { tempPath } from '../support/tempFile.js';

interface SystemSync { kind: string; system: string; state: string; orders: number; inStep: number; behind: number; failing: number }

describe('a simulated day with a drifting CRM, against a running service', () => {
  let service: EmbeddedLedger;
  let run: SimulationRun;
  let client: HttpClient;
  /** Every page of a list, as the simulator's reports read them. */
  const every = async <Row>(path: string) => {
    const res = await client.getEveryPage<{ items: Row[]; nextCursor: string | null }>(path, service.readerKey);
    expect(res.status, path).toBe(200);
    return res.json!.items;
  };
  const consumer = async () => (await every<SystemSync>('/v1/sync')).find((s) => s.kind === 'consumer' && s.system === driftingCrmName);
  // A few orders a page, so that reading them all takes the client through several.
  const behindOrders = async () => (await every<{ orderKey: string; state: string }>(`/v1/sync/${driftingCrmName}/orders?limit=3`))
    .filter((o) => o.state === 'behind').map((o) => o.orderKey).sort();

  beforeAll(async () => {
    const db = await createTestDatabase(6);
    service = await startEmbeddedLedger({ databaseUrl: db.url, logLevel: 'silent' });
    client = new HttpClient(new URL(service.url), 4);
    const keys = await tempPath('keys.json');
    await writeFile(keys, JSON.stringify({ ...service.keys, ADMIN: service.adminKey }));
    const flags = parseSimulationFlags({
      orders: '40', seed: '7', concurrency: '8', keys, url: service.url, crmDrop: '0.15', crmDelay: '0.2', crmDelayMs: '300',
    });
    run = await runSimulation(flags, () => undefined, undefined);
    expect(run.summary.serverErrors).toBe(0);
    expect(await waitForProjections(client, service.readerKey, 60_000)).toBe(0);
  }, 240_000);
  afterAll(async () => {
    await run?.finish();
    client?.close();
    await service?.stop();
  });

  it('is delivered every event as a 2xx, and takes in all but the ones it drops', () => {
    const { stats } = run.crm!.receiver;
    expect(stats.badSignature).toBe(0);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delayed).toBeGreaterThan(0);
    expect(stats.applied).toBe(stats.received - stats.dropped);
    expect(run.crm!.acknowledgements.refusals).toEqual([]);
    expect(run.crm!.acknowledgements.counts.refused).toBe(0);
  });

  it('shows a sync report whose behind orders are exactly those whose latest delivery the CRM dropped', async () => {
    const missed = run.crm!.receiver.missed();
    expect(missed.length).toBeGreaterThan(0);
    // "No lag" can be said a moment before the last receipts are readable: look until it holds.
    await expect.poll(behindOrders, { timeout: 30_000 }).toEqual(missed);
    const systems = await every<SystemSync>('/v1/sync');
    // The integrator was answered 2xx for everything: only the CRM's own receipts show what it lost.
    expect(systems.find((s) => s.kind === 'integrator' && s.system === driftingCrmName)).toMatchObject({ state: 'in_step', behind: 0, failing: 0, orders: 40 });
    expect(await consumer()).toMatchObject({ state: 'behind', orders: 40, behind: missed.length, inStep: 40 - missed.length, failing: 0 });
    const printed = (await reportSync(client, service.readerKey)).join('\n');
    expect(printed).toMatch(new RegExp(`${driftingCrmName} \\(consumer\\)\\s+BEHIND\\s+${40 - missed.length} of 40 orders in step, ${missed.length} behind`));
  });

  it('refuses a request whose signature does not verify, as a real receiver does', async () => {
    const body = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', subject: 'X', streamrevision: 0 });
    const headers = signWebhook(newWebhookSecret(), 'msg-1', Math.floor(Date.now() / 1000), body);
    const res = await fetch(run.crm!.receiver.url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(run.crm!.receiver.stats.badSignature).toBe(1);
  });

  it('is in step on every order once the ledger re-sends the missed ones', async () => {
    const missed = run.crm!.receiver.missed();
    const res = await client.request('POST', '/v1/sync/resend', { authorization: `Bearer ${service.adminKey}` },
      JSON.stringify({ system: driftingCrmName, orderKeys: missed, reason: 'the CRM lost them' }));
    expect(res.status, res.body).toBe(200);
    expect((JSON.parse(res.body) as { results: { outcome: string }[] }).results.every((r) => r.outcome === 'delivered')).toBe(true);
    await run.crm!.receiver.settled();
    await run.crm!.acknowledgements.drained();
    expect(await waitForProjections(client, service.readerKey, 60_000)).toBe(0);
    expect(run.crm!.receiver.missed()).toEqual([]);
    await expect.poll(behindOrders, { timeout: 30_000 }).toEqual([]);
    expect(await consumer()).toMatchObject({ state: 'in_step', inStep: 40, behind: 0 });
  });
});

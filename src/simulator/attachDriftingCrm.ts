import { newWebhookSecret } from '../integrations/webhookSignature.js';
import { AcknowledgementSender } from './AcknowledgementSender.js';
import { startDriftingCrm, type Drift, type DriftingCrm } from './driftingCrm.js';
import type { HttpClient } from './HttpClient.js';

/** The integrator and the consumer name the drifting CRM goes by in the ledger. */
export const driftingCrmName = 'drifting-crm';

/** The drifting CRM, registered with the ledger as a crm-sync integrator, acknowledging what it takes in. */
export interface AttachedCrm {
  readonly receiver: DriftingCrm;
  readonly acknowledgements: AcknowledgementSender;
  /** Waits until the integrator delivered everything and every acknowledgement is recorded. */
  settle(stallMs?: number): Promise<void>;
  /** Deletes the integrator (on a service that outlives the simulation) and stops the receiver. */
  detach(options: { deleteIntegrator: boolean }): Promise<void>;
}

/**
 * Starts the drifting CRM on loopback and registers it through
 * `POST /v1/integrators` (admin key) for every event type but the sync
 * records (no `types`: its own acknowledgements never come back), from the log's end: the CRM order-status
 * view, as the crm-sync preset sends it. What it takes in it acknowledges
 * with the CRM's key.
 */
export async function attachDriftingCrm(client: HttpClient, keys: { admin: string; crm: string }, drift: Drift, seed: number): Promise<AttachedCrm> {
  const secret = newWebhookSecret();
  const acknowledgements = new AcknowledgementSender(client, keys.crm, driftingCrmName);
  const receiver = await startDriftingCrm({ secret, drift, seed, onApplied: (receipt) => acknowledgements.add(receipt) });
  const admin = { authorization: `Bearer ${keys.admin}` };
  const body = JSON.stringify({
    name: driftingCrmName, url: receiver.url, secret, preset: 'crm-sync', startAfter: 'end', onFailure: 'park',
    maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 },
  });
  try {
    let created = await client.request('POST', '/v1/integrators', admin, body);
    if (created.status === 409) {
      // Left by a simulation that did not end cleanly: its receiver is gone with it.
      await client.request('DELETE', `/v1/integrators/${driftingCrmName}`, admin);
      created = await client.request('POST', '/v1/integrators', admin, body);
    }
    if (created.status !== 201) throw new Error(`registering the drifting CRM: POST /v1/integrators answered ${created.status} ${created.body}`);
  } catch (error) {
    acknowledgements.stop();
    await receiver.close();
    throw error;
  }
  return {
    receiver,
    acknowledgements,
    async settle(stallMs = 60_000) {
      let progress = { delivered: -1, at: Date.now() };
      for (;;) {
        const res = await client.getJson<{ lag: { events: number }; delivered: number }>(`/v1/integrators/${driftingCrmName}`, keys.admin);
        if (res.status === 200 && res.json?.lag.events === 0) break;
        const delivered = res.json?.delivered ?? -1;
        if (delivered !== progress.delivered) progress = { delivered, at: Date.now() };
        else if (Date.now() - progress.at > stallMs) throw new Error(`the ${driftingCrmName} integrator delivered nothing for ${stallMs / 1000} s (GET /v1/integrators/${driftingCrmName} answered ${res.status})`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await receiver.settled();
      await acknowledgements.drained();
    },
    async detach({ deleteIntegrator }) {
      acknowledgements.stop();
      if (deleteIntegrator) await client.request('DELETE', `/v1/integrators/${driftingCrmName}`, admin).catch(() => undefined);
      await receiver.close();
    },
  };
}

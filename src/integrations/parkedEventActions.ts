import type pg from 'pg';
import type { SecretBox } from './SecretBox.js';
import { deliverWebhook, type Fetch } from './deliverWebhook.js';
import { IntegratorRepository } from './IntegratorRepository.js';
import { ParkedEventRepository, type ParkedEvent } from './ParkedEventRepository.js';

export type ParkedActionResult =
  | { ok: true; parked: ParkedEvent; resumedIntegrator: boolean }
  | { ok: false; code: 'PARKED_EVENT_NOT_FOUND' }
  | { ok: false; code: 'PARKED_EVENT_RESOLVED'; state: ParkedEvent['state'] }
  | { ok: false; code: 'INTEGRATOR_NOT_FOUND' }
  | { ok: false; code: 'DELIVERY_FAILED'; error: string };

export interface ParkedActionDeps {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly fetch?: Fetch;
}

/**
 * Re-delivers a parked event now (its stored body, freshly signed). On a
 * 2xx it is resolved, and an integrator the stop policy halted on it moves
 * past it and runs again. Either way the act is recorded.
 */
export async function retryParkedEvent(deps: ParkedActionDeps, id: string, actor: string): Promise<ParkedActionResult> {
  const parked = new ParkedEventRepository(deps.pool);
  const integrators = new IntegratorRepository(deps.pool, deps.secrets);
  const event = await parked.get(id);
  if (!event) return { ok: false, code: 'PARKED_EVENT_NOT_FOUND' };
  if (event.state !== 'parked') return { ok: false, code: 'PARKED_EVENT_RESOLVED', state: event.state };
  const spec = await integrators.runSpec(event.integrator);
  if (!spec) return { ok: false, code: 'INTEGRATOR_NOT_FOUND' };
  const outcome = await deliverWebhook({
    url: spec.config.url, secret: spec.config.secret, id: event.eventId, position: event.position, integrator: event.integrator,
    body: event.body, timeoutMs: spec.config.timeoutMs, signal: new AbortController().signal,
  }, deps.fetch);
  if (!outcome.ok) {
    await parked.recordFailedRetry(id, { actor, detail: outcome.error });
    return { ok: false, code: 'DELIVERY_FAILED', error: outcome.error };
  }
  return settle(parked, integrators, event, { action: 'retry', actor, detail: `HTTP ${outcome.status}` });
}

/** Gives up on a parked event, with a reason; a stopped integrator moves past it. The act is recorded. */
export async function discardParkedEvent(deps: Pick<ParkedActionDeps, 'pool'>, id: string, actor: string, reason: string): Promise<ParkedActionResult> {
  const parked = new ParkedEventRepository(deps.pool);
  const event = await parked.get(id);
  if (!event) return { ok: false, code: 'PARKED_EVENT_NOT_FOUND' };
  if (event.state !== 'parked') return { ok: false, code: 'PARKED_EVENT_RESOLVED', state: event.state };
  return settle(parked, new IntegratorRepository(deps.pool), event, { action: 'discard', actor, reason });
}

async function settle(
  parked: ParkedEventRepository, integrators: IntegratorRepository, event: ParkedEvent,
  act: { action: 'retry' | 'discard'; actor: string; reason?: string; detail?: string },
): Promise<ParkedActionResult> {
  if (!(await parked.resolve(event.id, act))) {
    const now = await parked.get(event.id);
    return { ok: false, code: 'PARKED_EVENT_RESOLVED', state: now?.state ?? 'discarded' };
  }
  const resumedIntegrator = event.policy === 'stop' && (await integrators.moveStoppedPast(event.integrator, event.position));
  const resolved = await parked.get(event.id);
  const { body: _body, ...view } = resolved!;
  return { ok: true, parked: view, resumedIntegrator };
}

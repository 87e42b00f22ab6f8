import type { RecordedEvent } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import { backoffDelay, sleep } from '../retry/backoff.js';
import type { BreakerState, CircuitBreaker } from './CircuitBreaker.js';
import { deliverWebhook, type Fetch } from './deliverWebhook.js';
import type { IntegratorConfig } from './integratorConfig.js';
import type { IntegratorRepository } from './IntegratorRepository.js';

export type Attempted =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'exhausted'; readonly attempts: number; readonly error: string };

export interface RetryDeps {
  readonly integrators: IntegratorRepository;
  readonly breaker: CircuitBreaker;
  readonly log: Logger;
  readonly fetch?: Fetch;
  readonly random?: () => number;
}

/**
 * Delivers one event until a 2xx, with exponential back-off and full jitter,
 * through the target's circuit breaker. Gives up after `maxAttempts`
 * refusals; an unreachable target is retried until `signal` aborts (see
 * DeliveryOutcome). Failures and breaker changes are recorded for operators.
 */
export function retrier(config: IntegratorConfig, deps: RetryDeps, signal: AbortSignal) {
  let breakerSeen: BreakerState = deps.breaker.state;
  const record = async (error?: string) => {
    const state = deps.breaker.state;
    if (error !== undefined) await deps.integrators.recordError(config.name, error, state);
    else if (state !== breakerSeen) await deps.integrators.recordBreaker(config.name, state);
    breakerSeen = state;
  };

  return async function deliverWithRetries(event: RecordedEvent, body: string): Promise<Attempted> {
    let failures = 0;
    let refusals = 0;
    while (!signal.aborted) {
      const wait = deps.breaker.waitMs();
      if (wait > 0) {
        await sleep(wait, signal);
        continue;
      }
      deps.breaker.beginRequest();
      const outcome = await deliverWebhook(
        { url: config.url, secret: config.secret, id: event.id, position: event.position, integrator: config.name, body, timeoutMs: config.timeoutMs, signal },
        deps.fetch,
      );
      if (outcome.ok) {
        deps.breaker.succeeded();
        if (deps.breaker.state !== breakerSeen) await record();
        return { kind: 'delivered' };
      }
      if (outcome.kind === 'aborted') return { kind: 'aborted' };
      deps.breaker.failed();
      failures += 1;
      if (outcome.kind === 'refused') refusals += 1;
      await record(outcome.error);
      deps.log.warn({ eventId: event.id, position: event.position, attempt: failures, error: outcome.error, breaker: deps.breaker.state }, 'delivery failed');
      if (refusals >= config.maxAttempts) return { kind: 'exhausted', attempts: failures, error: outcome.error };
      await sleep(backoffDelay(config.backoff, failures, deps.random), signal);
    }
    return { kind: 'aborted' };
  };
}

import type { EventStore, Position, RecordedEvent } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import type { CircuitBreaker } from './CircuitBreaker.js';
import { CheckpointWriter } from './CheckpointWriter.js';
import { deliveredTypes } from './integratorConfig.js';
import type { Fetch } from './deliverWebhook.js';
import { retrier, type Attempted } from './deliverWithRetries.js';
import type { Delivery, IntegratorRepository, IntegratorRunSpec } from './IntegratorRepository.js';
import type { ParkedEventRepository } from './ParkedEventRepository.js';
import { cloudEventJson } from './toCloudEvent.js';

/** The order's open value at risk, the parking priority. */
export type ValueAtRisk = (event: RecordedEvent) => Promise<{ priority: number; currency?: string }>;
/** The request body for one event (the CloudEvent, or a preset's view). */
export type BodyBuilder = (event: RecordedEvent) => Promise<string>;

export interface RunIntegratorDeps {
  readonly store: EventStore;
  readonly integrators: IntegratorRepository;
  readonly parked: ParkedEventRepository;
  readonly logger: Logger;
  readonly breaker: CircuitBreaker;
  readonly bodyFor: BodyBuilder;
  readonly valueAtRisk: ValueAtRisk;
  readonly fetch?: Fetch;
  readonly random?: () => number;
  /** How often delivered positions are stored (default 200 ms); see CheckpointWriter. */
  readonly checkpointEveryMs?: number;
}

/** Why a run ended: stopped by us, stopped by the failure policy, or a reset/reconfiguration took over. */
export type RunEnd = 'aborted' | 'stopped' | 'superseded';

/**
 * Delivers the integrator's events in log order from its checkpoint, one at
 * a time; the checkpoint only ever covers events answered 2xx (or parked):
 * at least once, never reordered. Runs until `stop` aborts, a reset takes
 * over, or the stop policy halts it on an event that exhausted its attempts.
 */
export async function runIntegrator(spec: IntegratorRunSpec, deps: RunIntegratorDeps, stop: AbortSignal): Promise<RunEnd> {
  const { config, epoch } = spec;
  const log = deps.logger.child({ integrator: config.name });
  const superseded = new AbortController();
  const signal = AbortSignal.any([stop, superseded.signal]);
  const checkpoint = new CheckpointWriter(deps.integrators, config.name, epoch, deps.checkpointEveryMs ?? 200, () => superseded.abort());
  const deliver = retrier(config, { integrators: deps.integrators, breaker: deps.breaker, log, ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.random ? { random: deps.random } : {}) }, signal);
  const events = deps.store.subscribeAll({ after: spec.position as Position, types: deliveredTypes(config.types), signal });
  try {
    for await (const event of events) {
      const { body, error } = await deps.bodyFor(event).then(
        (text) => ({ body: text, error: undefined }),
        (failure: Error) => ({ body: cloudEventJson(event), error: `cannot build the body: ${failure.message}` }),
      );
      const result: Attempted = error === undefined ? await deliver(event, body) : { kind: 'exhausted', attempts: 0, error };
      if (result.kind === 'aborted') break;
      if (result.kind === 'delivered') {
        checkpoint.note(event.position, deliveryOf(event, new Date()));
        continue;
      }
      await park(event, result, body, spec, deps);
      if (!(await afterExhausted(event, result.error, result.attempts))) return superseded.signal.aborted ? 'superseded' : 'stopped';
    }
    return superseded.signal.aborted ? 'superseded' : 'aborted';
  } finally {
    // Whatever ended the run, what was delivered stays delivered (unless a reset took over).
    await checkpoint.flush();
  }

  /** Applies the failure policy to a parked event; true when delivery goes on. */
  async function afterExhausted(event: RecordedEvent, error: string, attempts: number): Promise<boolean> {
    if (config.onFailure === 'park') {
      log.warn({ eventId: event.id, position: event.position, error }, 'event parked; delivery goes on');
      checkpoint.note(event.position);
      return checkpoint.flush();
    }
    if (!(await checkpoint.flush())) return false;
    await deps.integrators.stop(config.name, epoch, `event ${event.id} at ${event.position} refused ${attempts} times: ${error}`);
    log.error({ eventId: event.id, position: event.position, attempts, error },
      'integrator stopped: an event exhausted its attempts; retry or discard it in the parked events, then resume');
    return false;
  }
}

/** What `integration.deliveries` keeps of an event answered 2xx. */
export function deliveryOf(event: RecordedEvent, deliveredAt: Date): Delivery {
  const orderKey = event.metadata.orderKey;
  return {
    eventId: event.id, orderKey: typeof orderKey === 'string' ? orderKey : null, revision: event.revision,
    position: event.position, eventType: event.type, recordedAt: event.recordedAt, deliveredAt,
  };
}

async function park(event: RecordedEvent, result: { attempts: number; error: string }, body: string, spec: IntegratorRunSpec, deps: RunIntegratorDeps): Promise<void> {
  const atRisk = await deps.valueAtRisk(event).catch((error: Error) => {
    deps.logger.warn({ err: error, eventId: event.id }, 'could not compute the open value at risk; parking with priority 0');
    return { priority: 0, currency: undefined };
  });
  const orderKey = event.metadata.orderKey;
  await deps.parked.park({
    integrator: spec.config.name,
    eventId: event.id,
    position: event.position,
    streamId: event.streamId,
    orderKey: typeof orderKey === 'string' ? orderKey : undefined,
    eventType: event.type,
    priority: atRisk.priority,
    currency: atRisk.currency,
    policy: spec.config.onFailure,
    attempts: result.attempts,
    lastError: result.error,
    body,
  });
}

import type pg from 'pg';
import type { SecretBox } from './SecretBox.js';
import type { EventStore } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import { holdClient } from '../postgres/holdClient.js';
import { sleep } from '../retry/backoff.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import type { Fetch } from './deliverWebhook.js';
import { IntegratorRepository, type IntegratorRunSpec } from './IntegratorRepository.js';
import { ParkedEventRepository } from './ParkedEventRepository.js';
import { runIntegrator, type BodyBuilder, type RunEnd, type ValueAtRisk } from './runIntegrator.js';
import { bodyBuilderFor } from './bodyBuilderFor.js';
import { orderValueAtRisk } from './orderValueAtRisk.js';

export interface IntegratorSupervisorDeps {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  readonly logger: Logger;
  readonly fetch?: Fetch;
  /** How often the integrator table is read for new, paused, resumed or reset integrators (default 1000 ms). */
  readonly pollMs?: number;
  /** Overrides for tests: the parking priority and the jitter source. */
  readonly valueAtRisk?: ValueAtRisk;
  readonly random?: () => number;
}

export interface IntegratorSupervisor {
  start(): Promise<void>;
  /** Aborts every delivery in flight (its checkpoint stays before it) and releases the locks. */
  stop(): Promise<void>;
  /** Names of the integrators this instance is delivering for now. */
  running(): string[];
  /** Integrators whose last run ended on an error (a lost connection, say) and that have not delivered again since. */
  troubled(): IntegratorTrouble[];
}

export interface IntegratorTrouble {
  readonly integrator: string;
  readonly error: string;
  readonly since: Date;
}

interface ActiveRun {
  epoch: string;
  readonly controller: AbortController;
  delivering: boolean;
  done?: Promise<void>;
}

/** Advisory-lock class of integrators (the second key is hashtext(name)). */
const lockClass = 0x1e_d6_e4;

/**
 * Runs every enabled integrator of `integration.integrators`. Each runs
 * under a Postgres advisory lock, so across instances exactly one delivers
 * for an integrator; pause, resume, reset and configuration changes made by
 * the admin API or the CLI are picked up on the next poll.
 */
export function createIntegratorSupervisor(deps: IntegratorSupervisorDeps): IntegratorSupervisor {
  const integrators = new IntegratorRepository(deps.pool, deps.secrets);
  const parked = new ParkedEventRepository(deps.pool);
  const breakers = new Map<string, CircuitBreaker>();
  const active = new Map<string, ActiveRun>();
  const troubles = new Map<string, IntegratorTrouble>();
  const log = deps.logger.child({ component: 'integrators' });
  const pollMs = deps.pollMs ?? 1000;
  const valueAtRisk = deps.valueAtRisk ?? orderValueAtRisk(deps.store);
  const lifetime = new AbortController();
  let loop: Promise<void> | undefined;

  const breakerFor = (spec: IntegratorRunSpec) => {
    const url = new URL(spec.config.url).origin + new URL(spec.config.url).pathname;
    let breaker = breakers.get(url);
    if (!breaker) breakers.set(url, (breaker = new CircuitBreaker(spec.config.breaker)));
    return breaker;
  };

  const launch = (spec: IntegratorRunSpec) => {
    const run: ActiveRun = { epoch: spec.epoch, controller: new AbortController(), delivering: false };
    active.set(spec.config.name, run);
    run.done = runLocked(spec.config.name, run, breakerFor(spec), bodyBuilderFor(spec.config.preset, deps.store))
      .catch((error: Error) => {
        log.error({ err: error, integrator: spec.config.name }, 'integrator run failed; restarting from its checkpoint on the next poll');
        const previous = troubles.get(spec.config.name);
        troubles.set(spec.config.name, { integrator: spec.config.name, error: error.message, since: previous?.since ?? new Date() });
      })
      .finally(() => active.delete(spec.config.name));
  };

  const runLocked = async (name: string, run: ActiveRun, breaker: CircuitBreaker, bodyFor: BodyBuilder) => {
    const held = await holdClient(deps.pool);
    const { client } = held;
    // The lock dies with the connection: stop delivering at once, or another instance could deliver beside us.
    const lost = () => run.controller.abort();
    held.lost.addEventListener('abort', lost, { once: true });
    let locked = false;
    let broken: Error | undefined;
    try {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [lockClass, name]);
      locked = rows[0]?.locked === true;
      if (!locked) return; // another instance delivers for it
      // Read again under the lock: the previous holder may have moved the checkpoint.
      const spec = await integrators.runSpec(name);
      if (!spec || spec.paused || spec.stopped || run.controller.signal.aborted) return;
      run.epoch = spec.epoch;
      run.delivering = true;
      troubles.delete(name);
      log.info({ integrator: name, after: spec.position }, 'integrator delivering');
      const end: RunEnd = await runIntegrator(spec, {
        store: deps.store, integrators, parked, logger: log, breaker, bodyFor, valueAtRisk,
        ...(deps.fetch ? { fetch: deps.fetch } : {}), ...(deps.random ? { random: deps.random } : {}),
      }, run.controller.signal);
      if (held.lost.aborted) throw held.lost.reason;
      log.info({ integrator: name, end }, 'integrator run ended');
    } catch (error) {
      broken = held.lost.aborted ? (held.lost.reason as Error) : (error as Error);
      throw broken;
    } finally {
      held.lost.removeEventListener('abort', lost);
      if (locked && !broken) await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lockClass, name]).catch((e: Error) => (broken = e));
      // A connection in doubt is destroyed, which releases its locks too.
      held.release(broken);
    }
  };

  const tick = async () => {
    const specs = await integrators.runSpecs();
    const byName = new Map(specs.map((spec) => [spec.config.name, spec]));
    for (const [name, run] of active) {
      const spec = byName.get(name);
      if (!spec || spec.paused || spec.stopped || (run.delivering && spec.epoch !== run.epoch)) run.controller.abort();
    }
    for (const spec of specs) {
      if (!spec.paused && !spec.stopped && !active.has(spec.config.name)) launch(spec);
    }
    // An integrator paused, stopped or removed is not retrying; its old trouble no longer says anything.
    for (const name of troubles.keys()) {
      const spec = byName.get(name);
      if (!spec || spec.paused || spec.stopped) troubles.delete(name);
    }
  };

  return {
    async start() {
      if (loop) return;
      await tick();
      loop = (async () => {
        while (!lifetime.signal.aborted) {
          await sleep(pollMs, lifetime.signal);
          if (lifetime.signal.aborted) break;
          await tick().catch((error: Error) => log.error({ err: error }, 'could not read the integrators; retrying'));
        }
      })();
    },
    async stop() {
      lifetime.abort();
      await loop;
      for (const run of active.values()) run.controller.abort();
      await Promise.all([...active.values()].map((run) => run.done));
    },
    running: () => [...active.entries()].filter(([, run]) => run.delivering).map(([name]) => name),
    troubled: () => [...troubles.values()],
  };
}

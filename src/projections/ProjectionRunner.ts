import type pg from 'pg';
import type { EventStore } from '../eventstore/EventStore.js';
import type { Logger } from '../logger.js';
import type { Projection } from './Projection.js';
import { isTransient } from '../postgres/transientError.js';
import { runWorkerSession, type SessionEnd } from './runner/projectionWorker.js';

export interface ProjectionRunnerOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  readonly logger: Logger;
  /**
   * Most events applied in one transaction (default 10,000): catching up,
   * a bigger batch folds and writes each touched order fewer times; live,
   * batches close on `idleMs` long before they fill.
   */
  readonly batchSize?: number;
  /** Live tail: a batch closes once no event arrived for this long (default 5 ms). */
  readonly idleMs?: number;
  /** Orders (or other keys) each worker keeps folded in memory (default: the projection's, 20,000 orders). */
  readonly memoryLimit?: number;
  /** How long a standby or crashed worker waits before trying again (default 2 s). */
  readonly retryMs?: number;
}

/** What this process is doing with a projection right now. */
export type WorkerState = 'active' | 'standby' | 'failed' | 'stopped';

/** A projection whose last session ended on an error and has not followed the log again since. */
export interface WorkerTrouble {
  readonly projection: string;
  readonly error: string;
  readonly since: Date;
}

/**
 * Feeds every projection from the log, each in its own loop: a failure or a
 * standby in one never holds up another. Per projection, at most one worker
 * across all instances holds its advisory lock; the others wait in standby.
 */
export class ProjectionRunner {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly projections: readonly Projection[];
  private readonly states = new Map<string, WorkerState>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly troubles = new Map<string, WorkerTrouble>();
  private controller = new AbortController();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.pool = options.pool;
    this.projections = options.projections;
  }

  start(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    for (const projection of this.projections) this.startLoop(projection);
  }

  /** Starts a projection again after it failed (e.g. once the cause is fixed). */
  restart(name: string): void {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`No projection named ${name}`);
    if (!this.loops.has(name)) this.startLoop(projection);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all(this.loops.values());
  }

  workerState(name: string): WorkerState {
    return this.states.get(name) ?? 'stopped';
  }

  /** Projections retrying after a lost connection or another error, for readiness and status. */
  troubled(): WorkerTrouble[] {
    return [...this.troubles.values()];
  }

  private startLoop(projection: Projection): void {
    if (this.loops.has(projection.name)) return;
    const loop = this.loop(projection, this.controller.signal).finally(() => this.loops.delete(projection.name));
    this.loops.set(projection.name, loop);
  }

  private async loop(projection: Projection, signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const options = {
      pool: this.pool, store: this.store, projection, logger,
      batchSize: this.options.batchSize ?? 10_000, idleMs: this.options.idleMs ?? 5,
      ...(this.options.memoryLimit === undefined ? {} : { memoryLimit: this.options.memoryLimit }),
      onLeading: () => this.troubles.delete(projection.name),
    };
    while (!signal.aborted) {
      let end: SessionEnd | 'crashed';
      try {
        this.states.set(projection.name, 'active');
        end = await runWorkerSession(options, signal);
      } catch (error) {
        if (!signal.aborted) {
          const level = isTransient(error) ? 'warn' : 'error';
          logger[level]({ err: error, projection: projection.name }, 'projection worker stopped by an error; retrying from its checkpoint');
          const previous = this.troubles.get(projection.name);
          this.troubles.set(projection.name, { projection: projection.name, error: (error as Error).message, since: previous?.since ?? new Date() });
        }
        end = 'crashed';
      }
      if (end === 'failed') {
        this.states.set(projection.name, 'failed');
        return;
      }
      if (end === 'stopped' || signal.aborted) break;
      if (end === 'not-leader') {
        this.states.set(projection.name, 'standby');
        this.troubles.delete(projection.name);
      }
      if (end !== 'moved') await sleep(this.options.retryMs ?? 2000, signal);
    }
    this.states.set(projection.name, 'stopped');
    this.troubles.delete(projection.name);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

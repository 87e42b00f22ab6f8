import type pg from 'pg';
import type { EventStore } from '../eventstore/EventStore.js';
import { partitionsOf, type StreamPartition } from '../eventstore/streamPartition.js';
import type { Logger } from '../logger.js';
import type { Projection } from './Projection.js';
import { isTransient } from '../postgres/transientError.js';
import { Presence } from './runner/presence.js';
import { runWorkerSession, type SessionEnd } from './runner/projectionWorker.js';

export interface ProjectionRunnerOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  readonly logger: Logger;
  /**
   * How many partitions each projection is split into (default 1): this
   * process runs one worker per partition, each holding one connection
   * while it leads, and every process on the database must use the same
   * count (`LEDGER_PROJECTION_PARTITIONS`; changing it takes a rebuild).
   */
  readonly partitions?: number;
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
  /**
   * How long a standby or crashed worker waits before trying again, and how
   * often a split projection's runner counts the runners present (default
   * 2 s): how soon a crashed worker's partition is taken over, and a joining
   * process given its share.
   */
  readonly retryMs?: number;
}

/** What this process is doing with a projection's partition right now. */
export type WorkerState = 'active' | 'standby' | 'failed' | 'stopped';

/** A partition whose last session ended on an error and has not followed the log again since. */
export interface WorkerTrouble {
  readonly projection: string;
  readonly partition: number;
  readonly error: string;
  readonly since: Date;
}

/**
 * Feeds every projection from the log, each partition of each in its own
 * loop: a failure or a standby in one never holds up another. Per
 * partition, at most one worker across all instances holds its advisory
 * lock (its lease); the others wait in standby and take over when it is free.
 *
 * A split projection's partitions are shared among the runners present on
 * the database (see Presence): each leads at most ceil(partitions / runners)
 * of a projection, tries a free partition only while it leads fewer, and
 * hands over its highest ones when it leads more (a runner joined), so the
 * work spreads over the processes and a dead one's share is taken over.
 */
export class ProjectionRunner {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly projections: readonly Projection[];
  /** How many partitions each projection runs as. */
  readonly partitions: number;
  private readonly states = new Map<string, WorkerState>();
  private readonly loops = new Map<string, Promise<void>>();
  private readonly troubles = new Map<string, WorkerTrouble>();
  /** Per slot, the handover of the session running there: the partitions this runner leads or is trying to take. */
  private readonly sessions = new Map<string, AbortController>();
  /** Runners present on the database at the last count (this one included). */
  private present = 1;
  private balancing: Promise<void> | undefined;
  private controller = new AbortController();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.pool = options.pool;
    this.projections = options.projections;
    this.partitions = options.partitions ?? 1;
    partitionsOf(this.partitions);
    // A worker per partition while it leads, and the presence lock of a split runner.
    const held = this.projections.length * this.partitions + (this.partitions > 1 ? 1 : 0);
    const poolSize = options.pool.options.max ?? 10;
    if (held >= poolSize) {
      throw new RangeError(`${this.projections.length} projection(s) × ${this.partitions} partition(s) hold ${held} connections: the pool (${poolSize}) needs more, for reads besides`);
    }
  }

  start(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
    if (this.partitions > 1 && !this.balancing) {
      const signal = this.controller.signal;
      this.balancing = this.balance(signal).finally(() => { this.balancing = undefined; });
    }
    for (const projection of this.projections) for (const partition of partitionsOf(this.partitions)) this.startLoop(projection, partition);
  }

  /** Starts a projection's failed partitions again (e.g. once the cause is fixed). */
  restart(name: string): void {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`No projection named ${name}`);
    for (const partition of partitionsOf(this.partitions)) this.startLoop(projection, partition);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all([...this.loops.values(), this.balancing]);
  }

  /** This process's worker of one partition (partition 0 when the projection is not split). */
  workerState(name: string, partition = 0): WorkerState {
    return this.states.get(slotOf(name, partition)) ?? 'stopped';
  }

  /** This process's workers of a projection, by partition. */
  workerStates(name: string): WorkerState[] {
    return partitionsOf(this.partitions).map((p) => this.workerState(name, p.index));
  }

  /** Partitions retrying after a lost connection or another error, for readiness and status. */
  troubled(): WorkerTrouble[] {
    return [...this.troubles.values()];
  }

  private startLoop(projection: Projection, partition: StreamPartition): void {
    const slot = slotOf(projection.name, partition.index);
    if (this.loops.has(slot)) return;
    const loop = this.loop(projection, partition, this.controller.signal).finally(() => this.loops.delete(slot));
    this.loops.set(slot, loop);
  }

  private async loop(projection: Projection, partition: StreamPartition, signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const slot = slotOf(projection.name, partition.index);
    const options = {
      pool: this.pool, store: this.store, projection, partition, logger,
      batchSize: this.options.batchSize ?? 10_000, idleMs: this.options.idleMs ?? 5,
      ...(this.options.memoryLimit === undefined ? {} : { memoryLimit: this.options.memoryLimit }),
      onLeading: () => {
        this.troubles.delete(slot);
        this.states.set(slot, 'active');
      },
    };
    while (!signal.aborted) {
      // This runner leads its share of the projection already: the partition is left to the others.
      if (this.leading(projection.name) >= this.share()) {
        this.states.set(slot, 'standby');
        await sleep(this.options.retryMs ?? 2000, signal);
        continue;
      }
      let end: SessionEnd | 'crashed';
      // Claimed before the lock is tried, so this runner's other loops count it in its share; active once the lock is held.
      const handover = new AbortController();
      this.sessions.set(slot, handover);
      try {
        end = await runWorkerSession(options, AbortSignal.any([signal, handover.signal]));
      } catch (error) {
        if (!signal.aborted) {
          const level = isTransient(error) ? 'warn' : 'error';
          logger[level]({ err: error, projection: projection.name, partition: partition.index }, 'projection worker stopped by an error; retrying from its checkpoint');
          const previous = this.troubles.get(slot);
          this.troubles.set(slot, { projection: projection.name, partition: partition.index, error: (error as Error).message, since: previous?.since ?? new Date() });
        }
        end = 'crashed';
      } finally {
        this.sessions.delete(slot);
      }
      // Whatever ended the session, this runner no longer holds the partition's lock.
      if (end !== 'failed') this.states.set(slot, 'standby');
      if (end === 'failed') {
        this.states.set(slot, 'failed');
        return;
      }
      if (signal.aborted) break;
      if (handover.signal.aborted) {
        logger.info({ projection: projection.name, partition: partition.index, runners: this.present }, 'projection partition handed over to another runner');
        this.states.set(slot, 'standby');
        continue;
      }
      if (end === 'stopped') break;
      if (end === 'not-leader') {
        this.states.set(slot, 'standby');
        this.troubles.delete(slot);
      }
      if (end !== 'moved') await sleep(this.options.retryMs ?? 2000, signal);
    }
    this.states.set(slot, 'stopped');
    this.troubles.delete(slot);
  }

  /** Partitions of a projection this runner may lead: its share of them among the runners present. */
  private share(): number {
    return Math.ceil(this.partitions / Math.max(1, this.present));
  }

  /** Partitions of a projection this runner leads, or is trying to take. */
  private leading(name: string): number {
    return partitionsOf(this.partitions).filter((p) => this.sessions.has(slotOf(name, p.index))).length;
  }

  /**
   * Every retry interval: counts the runners present and hands over, from
   * the highest, the partitions this runner leads beyond its share.
   */
  private async balance(signal: AbortSignal): Promise<void> {
    const presence = new Presence(this.pool);
    try {
      while (!signal.aborted) {
        try {
          this.present = await presence.count();
        } catch (error) {
          // Counted again next time; meanwhile the last count holds.
          if (!signal.aborted) this.options.logger.warn({ err: error }, 'could not count the projection runners present');
        }
        for (const projection of this.projections) {
          const claimed = partitionsOf(this.partitions).map((p) => p.index).filter((i) => this.sessions.has(slotOf(projection.name, i)));
          for (const index of claimed.reverse().slice(0, Math.max(0, claimed.length - this.share()))) this.sessions.get(slotOf(projection.name, index))?.abort();
        }
        await sleep(this.options.retryMs ?? 2000, signal);
      }
    } finally {
      presence.leave();
    }
  }
}

function slotOf(name: string, partition: number): string {
  return `${name}#${partition}`;
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

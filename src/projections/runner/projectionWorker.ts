import type pg from 'pg';
import type { EventStore } from '../../eventstore/EventStore.js';
import type { Logger } from '../../logger.js';
import { holdClient } from '../../postgres/holdClient.js';
import type { Projection } from '../Projection.js';
import { reportingSchema, tablesIn } from '../sql.js';
import { tryLockProjection, unlockProjection } from './advisoryLock.js';
import { applyBatch, type Expected } from './applyBatch.js';
import { ensureCheckpoint, passCheckpoint } from './checkpoints.js';
import { Lookout, Serial, Throttle } from './lookout.js';
import { eventBatches } from './eventBatches.js';

export interface WorkerOptions {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly idleMs: number;
  /** How often, at most, the checkpoint is moved past events the projection skips (default 1 s). */
  readonly skipEveryMs?: number;
  /** Called once the session holds the lock and follows the log. */
  readonly onLeading?: () => void;
}

/** Why a session ended: the caller decides whether to start another. */
export type SessionEnd = 'stopped' | 'failed' | 'not-leader' | 'moved';

/**
 * One session of a projection: take its lock, follow the log from its
 * checkpoint and apply batches until stopped, failed, or the checkpoint is
 * moved under it (a rebuild swapped in new tables).
 */
export async function runWorkerSession(options: WorkerOptions, signal: AbortSignal): Promise<SessionEnd> {
  const { pool, projection } = options;
  const held = await holdClient(pool);
  const { client } = held;
  let locked = false;
  let broken: Error | undefined;
  try {
    locked = await tryLockProjection(client, projection.name);
    if (!locked) return 'not-leader';
    const checkpoint = await ensureCheckpoint(client, projection.name, projection.version);
    if (checkpoint.version < projection.version) {
      options.logger.warn({ projection: projection.name, stored: checkpoint.version, code: projection.version },
        `projection ${projection.name} tables are older than its code: run "order-ledger rebuild ${projection.name}"`);
    }
    options.onLeading?.();
    const end = await follow(options, client, { version: checkpoint.version, position: checkpoint.position }, [signal, held.lost]);
    // The lock died with the connection: end the session so that a new one takes it again from the checkpoint.
    if (held.lost.aborted) throw held.lost.reason;
    return end;
  } catch (error) {
    broken = held.lost.aborted ? (held.lost.reason as Error) : (error as Error);
    throw broken;
  } finally {
    if (locked && !held.lost.aborted) await unlockProjection(client, projection.name).catch(() => undefined);
    held.release(broken);
  }
}

async function follow(options: WorkerOptions, client: pg.PoolClient, start: Expected, stops: readonly AbortSignal[]): Promise<SessionEnd> {
  const { projection, store, logger } = options;
  const tables = tablesIn(reportingSchema, projection.tables);
  // Our own controller, so leaving early also ends a subscription that waits for live events.
  const session = new AbortController();
  const stop = () => session.abort();
  for (const signal of stops) {
    signal.addEventListener('abort', stop, { once: true });
    // A stop that came before the listener was attached would otherwise be missed.
    if (signal.aborted) session.abort();
  }
  let expected = start;
  const look = new Lookout(start.position);
  const serial = new Serial();
  const skipper = new Throttle(options.skipEveryMs ?? 1000, () => void serial.run(async () => {
    const to = look.skippable(expected.position);
    if (to === undefined || session.signal.aborted) return;
    if (await passCheckpoint(client, projection.name, expected, to)) expected = { ...expected, position: to };
  }).catch((error: unknown) => logger.warn({ err: error, projection: projection.name }, 'could not move the checkpoint past skipped events')));
  try {
    const events = look.taking(store.subscribeAll({
      after: start.position, signal: session.signal, batchSize: options.batchSize,
      ...(projection.handles === 'all' ? {} : { types: projection.handles }),
      onProgress: (position) => {
        look.scanned = position;
        if (look.skippable(expected.position) !== undefined) skipper.poke();
      },
    }));
    for await (const batch of eventBatches(events, { maxSize: options.batchSize, idleMs: options.idleMs })) {
      if (session.signal.aborted) break;
      // Everything taken is in this batch: its checkpoint may pass the events skipped after it too.
      const through = look.skippable(batch.at(-1)?.position ?? expected.position);
      const outcome = await serial.run(() => applyBatch(client, projection, tables, batch, expected, through));
      if (outcome.kind === 'moved') return 'moved';
      if (outcome.kind === 'failed') {
        logger.error({ projection: projection.name, position: outcome.event.position, eventId: outcome.event.id, err: outcome.error },
          `projection ${projection.name} stopped: ${outcome.event.type} at ${outcome.event.position} could not be applied`);
        return 'failed';
      }
      expected = { ...expected, position: outcome.position };
    }
    return 'stopped';
  } finally {
    skipper.cancel();
    for (const signal of stops) signal.removeEventListener('abort', stop);
    session.abort();
    await serial.idle();
  }
}

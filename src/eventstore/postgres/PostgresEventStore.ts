import type pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import pRetry from 'p-retry';
import { isTransient } from '../../postgres/transientError.js';
import { START, type EventStore, type Position, type ReadLag, type RecordedEvent } from '../EventStore.js';
import { GroupCommit, type GroupCommitOptions } from './GroupCommit.js';
import { createNotifier } from './notifier.js';
import { decodePosition, seqDistance } from './positionCodec.js';
import { readAllPage } from './readAllPage.js';
import { rowToEvent, type EventRow } from './rowToEvent.js';
import { headPositionSql, readCorrelatedSql, readLagSql, readStreamSql } from './sql.js';
import { subscribeAll } from './subscribeAll.js';
import { EventStoreSetupError } from '../EventStoreSetupError.js';
import { checkPositionOf } from '../positionOrigin.js';
import { createWakeups } from './wakeups.js';

export interface PostgresEventStoreOptions {
  /** The service's pool (shared); the store adds one dedicated LISTEN connection. */
  readonly pool: pg.Pool;
  readonly log?: (message: string) => void;
  /** How often an idle subscriber looks for new events without a wake-up (default 500 ms). */
  readonly pollIntervalMs?: number;
  readonly groupCommit?: GroupCommitOptions;
}

const streamPageSize = 1000;

/** Up to three more tries, 20 ms apart at first, for an append whose connection was lost. */
const appendRetry = { retries: 3, minTimeout: 20, factor: 3, shouldRetry: ({ error }: { error: unknown }) => isTransient(error) };

/**
 * The event log in PostgreSQL (`ledger.events`, see
 * migrations/1764230000100_event-log.sql and docs/event-store.md).
 * Rule: appends go through the group-commit statement only (GroupCommit.ts),
 * whose reads all precede its write; that keeps the global order gap-safe.
 *
 * Cost of gap safety: readers only see events below the oldest in-flight
 * write transaction of the whole cluster, so a long write transaction
 * anywhere (not read-only ones) holds every subscriber back until it ends.
 * Appends are single statements, the LISTEN session sets
 * idle_in_transaction_session_timeout, and `readLag()` shows how far the
 * safe position trails and how old the blocking transaction is.
 */
export function createPostgresEventStore(options: PostgresEventStoreOptions): EventStore {
  const { pool } = options;
  const log = options.log ?? (() => undefined);
  const notifier = createNotifier(pool, log);
  const wakeups = createWakeups(pool.options, options.pollIntervalMs ?? 500, log);
  const group = new GroupCommit(pool, options.groupCommit);
  let closed = false;

  const store: EventStore = {
    async append(streamId, events, { expectedRevision }) {
      // A connection lost under the statement (a terminated session, a failover) leaves its outcome
      // unknown; sent again, the same events are answered as a replay if they were written.
      const send = () => group.append(streamId, events, expectedRevision);
      // The retry machinery only once an attempt failed for a lost connection: almost every append succeeds first time.
      const result = await send().catch((error: unknown) => {
        if (!isTransient(error)) throw error;
        return delay(appendRetry.minTimeout).then(() => pRetry(send, { ...appendRetry, retries: appendRetry.retries - 1, minTimeout: appendRetry.minTimeout * appendRetry.factor }));
      });
      if (!result.idempotentReplay) {
        wakeups.wake();
        notifier.poke();
      }
      return result;
    },

    readStream(streamId, readOptions) {
      return readStream(pool, streamId, readOptions?.fromRevision ?? 0n);
    },

    async readCorrelated(correlationId, { limit, after = START }) {
      const result = await pool.query<EventRow>({ ...readCorrelatedSql, rowMode: 'array', values: [correlationId, limit, ...decodePosition(after)] });
      return result.rows.map(rowToEvent);
    },

    readAll: (readOptions) => readAllPage(pool, readOptions),

    subscribeAll: (subscribeOptions) => subscribeAll(store.readAll, wakeups, () => closed, subscribeOptions),

    async headPosition() {
      const result = await pool.query<[string]>({ ...headPositionSql, rowMode: 'array' });
      return (result.rows[0]?.[0] ?? START) as Position;
    },

    eventsBetween: seqDistance,

    async readLag(): Promise<ReadLag> {
      const result = await pool.query<[string | null, string | null, string, number | null]>({ ...readLagSql, rowMode: 'array' });
      const [newest, safe, behind, age] = result.rows[0] ?? [null, null, '0', null];
      return {
        newestPosition: (newest ?? START) as Position,
        safePosition: (safe ?? START) as Position,
        eventsBehind: Number(behind),
        oldestBlockingTransactionSeconds: age,
      };
    },

    checkPosition: (position) => checkPositionOf('postgres', position),

    async checkSetup() {
      try {
        await pool.query({ ...headPositionSql, rowMode: 'array' });
      } catch (error) {
        const missing = (error as { code?: unknown }).code === '42P01';
        throw new EventStoreSetupError(missing
          ? 'the PostgreSQL event log (ledger.events) does not exist: run `order-ledger migrate` against DATABASE_URL'
          : `the PostgreSQL event log does not answer: ${(error as Error).message}`, error);
      }
    },

    async close() {
      closed = true;
      await Promise.all([notifier.close(), wakeups.close()]);
    },
  };
  return store;
}

async function* readStream(pool: pg.Pool, streamId: string, fromRevision: bigint): AsyncGenerator<RecordedEvent> {
  let from = fromRevision < 0n ? 0n : fromRevision;
  for (;;) {
    const result = await pool.query<EventRow>({ ...readStreamSql, rowMode: 'array', values: [streamId, from.toString(), streamPageSize] });
    for (const row of result.rows) yield rowToEvent(row);
    const last = result.rows[result.rows.length - 1];
    if (!last || result.rows.length < streamPageSize) return;
    from = BigInt(last[2]) + 1n;
  }
}

import { AccessDeniedError, BACKWARDS, END, FORWARDS, KurrentDBClient, START as ESDB_START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type { CorrelationIndex } from '../CorrelationIndex.js';
import { START, type EventStore, type Position, type ReadAllOptions, type ReadAllPage, type RecordedEvent, type SubscribeAllOptions } from '../EventStore.js';
import { EventStoreSetupError } from '../EventStoreSetupError.js';
import { checkPositionOf } from '../positionOrigin.js';
import { absorbChunk, headOf, nextChunkSize, startScan, type PageScan } from './allPaging.js';
import { parseConnectionString, type ParsedConnectionString } from './connectionString.js';
import { readCorrelated } from './esdbCorrelations.js';
import { esdbAppend } from './esdbAppend.js';
import { fromEsdbEvent, toScannedRecord } from './esdbEvent.js';
import { decodeEsdbPosition } from './esdbPosition.js';
import { createLiveWakeups } from './liveWakeups.js';
import { describeStoreFailure } from './storeErrors.js';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `kurrentdb://ledger:secret@db1:2113?tlsCAFile=/etc/ledger/ca.crt` (KurrentDB 23.10 and later). */
  readonly connectionString: string;
  /** Where correlations are looked up (the audit trail read model); without one, `readCorrelated` refuses. */
  readonly correlations?: CorrelationIndex;
  /** How often a reader at the end looks for new events when no wake-up came (default 1000 ms). */
  readonly pollIntervalMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * The event log in KurrentDB (or EventStoreDB). Positions are `kdb:`
 * commit/prepare pairs; the server orders commits itself, so the safe
 * position is always the newest. Only the ledger's own events are ever
 * returned: system events, links, binary events and other applications'
 * events on a shared server are skipped (see `readLedgerEvent`).
 */
export function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): EventStore {
  const parsed = parseConnectionString(options.connectionString);
  if (!parsed.ok) throw new EventStoreSetupError(`EVENTSTORE_CONNECTION_STRING is not a KurrentDB connection string: ${parsed.reason}`);
  const target = parsed.value;
  const client = connect(target);
  const log = options.log ?? (() => undefined);
  const wakeups = createLiveWakeups(client, options.pollIntervalMs ?? 1000, log);

  const store: EventStore = {
    append: (streamId, events, { expectedRevision }) => esdbAppend(client, streamId, events, expectedRevision).catch((error: unknown) => {
      // A permission the set-up lacks is named in the log line, not hidden behind a bare "access denied".
      if (error instanceof AccessDeniedError) throw new EventStoreSetupError(describeStoreFailure(error, target, `append to ${streamId}`), error);
      throw error;
    }),

    async *readStream(streamId, readOptions) {
      try {
        const from = readOptions?.fromRevision ?? 0n;
        for await (const resolved of client.readStream(streamId, { direction: FORWARDS, fromRevision: from < 0n ? 0n : from })) {
          const event = fromEsdbEvent(resolved.event);
          if (event) yield event;
        }
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
    },

    readCorrelated: (correlationId, { limit, after }) => readCorrelated({ client, index: options.correlations, scan: (page) => scanAll(client, page) }, correlationId, limit, after),

    readAll: (readOptions) => readAllPage(client, readOptions),

    subscribeAll: (subscribeOptions) => subscribeAll(store, wakeups, subscribeOptions),

    async headPosition() {
      const records = [];
      for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) records.push(toScannedRecord(resolved));
      return headOf(records);
    },

    // Positions are byte offsets in the server's log: they do not count events.
    eventsBetween: () => undefined,

    async readLag() {
      const newest = await store.headPosition();
      return { newestPosition: newest, safePosition: newest, eventsBehind: 0, oldestBlockingTransactionSeconds: null };
    },

    checkPosition: (position) => checkPositionOf('kurrentdb', position),

    checkSetup: () => checkSetup(store, target, options.correlations),

    async close() {
      await wakeups.close();
      await client.dispose();
    },
  };
  return store;
}

function connect(target: ParsedConnectionString): KurrentDBClient {
  try {
    return KurrentDBClient.connectionString(target.normalised);
  } catch (error) {
    throw new EventStoreSetupError(describeStoreFailure(error, target, 'connect'), error);
  }
}

/** One page: scans `$all` in chunks, within the page's budget (`allPaging.ts`). */
async function readAllPage(client: KurrentDBClient, { after = START, limit, types, partition }: ReadAllOptions): Promise<ReadAllPage> {
  decodeEsdbPosition(after);
  return scanAll(client, startScan(after, limit, types, partition));
}

export async function scanAll(client: KurrentDBClient, scan: PageScan): Promise<ReadAllPage> {
  for (;;) {
    const requested = nextChunkSize(scan);
    const records = [];
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: decodeEsdbPosition(scan.cursor) ?? ESDB_START, maxCount: requested })) {
      records.push(toScannedRecord(resolved));
    }
    const page = absorbChunk(scan, records, requested);
    if (page) return page;
  }
}

/** Pages until the end, then waits for a wake-up: pull-based, never more than a page held. */
async function* subscribeAll(store: EventStore, wakeups: ReturnType<typeof createLiveWakeups>, options: SubscribeAllOptions): AsyncGenerator<RecordedEvent> {
  let position: Position = options.after ?? START;
  const types = { ...(options.types ? { types: options.types } : {}), ...(options.partition ? { partition: options.partition } : {}) };
  while (!options.signal.aborted) {
    const seen = wakeups.generation();
    const page = await store.readAll({ after: position, limit: options.batchSize ?? 1000, ...types });
    for (const event of page.events) {
      if (options.signal.aborted) return;
      yield event;
    }
    if (page.nextPosition !== position) options.onProgress?.(page.nextPosition);
    position = page.nextPosition;
    if (page.isEnd) await wakeups.wait(seen, options.signal);
  }
}

/** What start-up and `/ready` check: the server answers, the user may read `$all`, the correlation index is there. */
async function checkSetup(store: EventStore, target: ParsedConnectionString, correlations: CorrelationIndex | undefined): Promise<void> {
  try {
    await store.headPosition();
  } catch (error) {
    throw new EventStoreSetupError(describeStoreFailure(error, target, 'read $all'), error);
  }
  try {
    await correlations?.check();
  } catch (error) {
    throw new EventStoreSetupError(`correlations are looked up in the audit trail read model, which cannot be read (${(error as Error).message}): run \`order-ledger migrate\``, error);
  }
}

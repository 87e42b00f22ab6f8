import type { StreamPartition } from './streamPartition.js';

/**
 * A position in the global log: opaque, totally ordered, serialisable.
 * Adapters encode it as a fixed-width string so that positions compare
 * correctly as plain strings (in JavaScript and in SQL): `a < b` iff a is
 * earlier. `START` is before every event.
 */
export type Position = string & { readonly __brand: 'Position' };

export const START = '' as Position;

/** Stream revisions count from 0; `no_stream` means the stream has no events yet. */
export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

/** An event as the caller hands it to `append`. */
export interface EventToAppend {
  /** Deterministic (UUIDv5 of the idempotency key), so retries are recognised. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
}

/** An event as the log holds it. */
export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Record<string, unknown>;
  /** When the log recorded it (the store's clock). */
  readonly recordedAt: Date;
  /** sha256(previous hash in the stream ‖ canonical JSON of the event), hex. */
  readonly hash: string;
  /** The previous event's hash in this stream, or null for the first event. */
  readonly prevHash: string | null;
}

export interface AppendResult {
  /** The stream's revision after the append (its last event's revision). */
  readonly nextRevision: bigint;
  /** The position of the last appended event. */
  readonly position: Position;
  /** True when every event already stood in the stream: nothing was written. */
  readonly idempotentReplay: boolean;
}

export interface ReadAllOptions {
  /** Read events strictly after this position (default START). */
  readonly after?: Position;
  readonly limit: number;
  /** Only these event types (all when absent). */
  readonly types?: readonly string[];
  /** Only events of streams in this partition (the whole log when absent); filtered like `types`, within the scan budget. */
  readonly partition?: StreamPartition;
}

export interface ReadAllPage {
  readonly events: readonly RecordedEvent[];
  /**
   * Resume from here: the last event read, or, when a scan budget ran out
   * among events the reader does not want (other types, other
   * applications' events), the last position scanned; `after` when nothing
   * was read. A page may thus hold fewer than `limit` events without being
   * the end.
   */
  readonly nextPosition: Position;
  /** True when the page ended because the safe end of the log was reached. */
  readonly isEnd: boolean;
}

export interface SubscribeAllOptions {
  readonly after?: Position;
  readonly types?: readonly string[];
  /** Only events of streams in this partition (the whole log when absent). */
  readonly partition?: StreamPartition;
  readonly signal: AbortSignal;
  /** Events fetched per page during catch-up (default 1000). */
  readonly batchSize?: number;
  /**
   * Called once the consumer has taken every event up to `position`, the
   * end of a page as read (events the filter skipped included), so a
   * consumer of rare types can note how far it has looked.
   */
  readonly onProgress?: (position: Position) => void;
}

/**
 * How far readers trail the newest write. Readers only see events that no
 * in-flight transaction can precede; a long transaction holds them back.
 */
export interface ReadLag {
  readonly newestPosition: Position;
  readonly safePosition: Position;
  /** Events written but not yet readable. */
  readonly eventsBehind: number;
  /** Age in seconds of the oldest transaction that holds readers back, if any. */
  readonly oldestBlockingTransactionSeconds: number | null;
}

/** The event log port; every adapter passes `test/eventstore/contract`. */
export interface EventStore {
  /**
   * Appends `events` to `streamId` atomically, if the stream's revision
   * matches `expectedRevision`. Throws `WrongExpectedRevision` otherwise.
   * Appending events whose ids already stand in the stream at those
   * revisions writes nothing and returns the original result.
   */
  append(streamId: string, events: readonly EventToAppend[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** The stream's events in revision order (none when the stream does not exist). */
  readStream(streamId: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent>;
  /**
   * Events whose metadata carries `correlationId`, in log order (at most
   * `limit`). Auditors follow an order flow across streams with it.
   */
  readCorrelated(correlationId: string, options: { limit: number; after?: Position | undefined }): Promise<readonly RecordedEvent[]>;
  /** One page of the global log, in position order. */
  readAll(options: ReadAllOptions): Promise<ReadAllPage>;
  /** Catch up from `after`, then follow live writes until `signal` aborts. Pull-based: never buffers more than a page. */
  subscribeAll(options: SubscribeAllOptions): AsyncIterable<RecordedEvent>;
  /** The newest position in the log (START when empty), readable or not yet. */
  headPosition(): Promise<Position>;
  /**
   * About how many events lie after `after` up to and including `upTo`,
   * told from the two positions alone (nothing read); undefined when this
   * store's positions do not count events.
   */
  eventsBetween(after: Position, upTo: Position): number | undefined;
  readLag(): Promise<ReadLag>;
  /**
   * `position` if this store issued it (START included). Anything else,
   * another store's position included, is an `InvalidPosition` (a
   * RangeError) that names where it came from.
   */
  checkPosition(position: string): Position;
  /**
   * Checks that the store answers and is set up for the ledger (reachable,
   * credentials, permissions); throws an `EventStoreSetupError` that names
   * what is missing. Start-up and `/ready` call it.
   */
  checkSetup(): Promise<void>;
  close(): Promise<void>;
}

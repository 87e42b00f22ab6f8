import type { BenchEvent } from './payload.js';

/**
 * What each store under test (ours, Emmett, the bare table) offers the
 * shared workloads, so that every store runs exactly the same work.
 */
export interface AppendTarget {
  /**
   * Appends `events` to `stream` expecting its next revision to be exactly
   * `revision` (0: the stream must not exist yet).
   */
  append(stream: string, revision: number, events: readonly BenchEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens a target whose pool has room for `connections` concurrent operations. */
export type AppendTargetFactory = (connections: number) => Promise<AppendTarget>;

export interface StreamReadTarget {
  /** Reads the whole stream into events; resolves to how many it read. */
  readStream(stream: string): Promise<number>;
  close(): Promise<void>;
}

export type StreamReadTargetFactory = (connections: number) => Promise<StreamReadTarget>;

/** Reads the global log page by page; `Cursor` is the store's own checkpoint type. */
export interface PagedReadTarget<Cursor> {
  readonly start: Cursor;
  /** A checkpoint `events` before the end of the log. */
  cursorBeforeEnd(events: number): Promise<Cursor>;
  /** One page of up to `limit` events after `after`, turned into events. */
  readPage(after: Cursor, limit: number): Promise<{ count: number; next: Cursor }>;
  close(): Promise<void>;
}

import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../eventstore/EventStore.js';

/**
 * Where a projection writes this time: each of its logical table names mapped
 * to a quoted, schema-qualified SQL name. Live runs point at `reporting`; a
 * rebuild points at a build schema, so the same applier fills either.
 */
export type TableTargets = Readonly<Record<string, string>>;

/** A read model fed from the log, one batch per transaction. */
export interface Projection {
  /** Stable name: the checkpoint key and `order-ledger rebuild NAME`. */
  readonly name: string;
  /** Version of its logic and table shapes; a higher one than stored asks for a rebuild. */
  readonly version: number;
  /** Event types it reads (the store filters for them), or every event of the log. */
  readonly handles: readonly string[] | 'all';
  /** Its tables in schema `reporting`; a rebuild copies and swaps exactly these. */
  readonly tables: readonly string[];
  /** Starts applying the log for one worker session or one rebuild: whatever it keeps in memory lives as long as the applier. */
  open(context: ApplyContext): Applier;
}

export interface ApplyContext {
  /** The log, for state a projection does not keep (e.g. an order's earlier events). */
  readonly store: EventStore;
  /**
   * True for a rebuild into tables nobody reads until the swap: rows may
   * be written once, when their state leaves memory or at `flush`, rather
   * than with every batch. Live runs write every batch in full.
   */
  readonly writeBack?: boolean;
  /** Most orders (or other keys) held in memory; the projection's default when absent. */
  readonly memoryLimit?: number;
}

/**
 * Applies batches in two steps, so the next batch can be folded while the
 * previous one is written: `prepare` (CPU, on top of every batch prepared
 * before, committed or not) and the prepared batch's `write` (SQL, in the
 * caller's transaction), then `committed` once that transaction committed.
 */
export interface Applier {
  prepare(events: readonly RecordedEvent[]): Promise<PreparedBatch>;
  /** Forgets every prepared batch that did not commit (its transaction rolled back). */
  reset(): void;
  /** With `writeBack`: what is still to be written, as one last batch. */
  flush?(): PreparedBatch;
}

export interface PreparedBatch {
  /** Writes the batch inside the caller's transaction. Throwing rolls back the whole batch and its checkpoint. */
  write(client: pg.ClientBase, tables: TableTargets): Promise<void>;
  /** Its transaction committed: what it prepared becomes the base of later batches. */
  committed(): void;
}

/** How a batch is written: rows built at once (CPU), the returned function runs the SQL. */
export type BatchWriter = (events: readonly RecordedEvent[]) => PreparedBatch['write'];

/** The applier of a projection that keeps nothing between batches. */
export function statelessApplier(writer: BatchWriter): Applier {
  return {
    prepare: async (events) => ({ write: writer(events), committed: () => undefined }),
    reset: () => undefined,
  };
}

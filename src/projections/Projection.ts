import type pg from 'pg';
import type { RecordedEvent } from '../eventstore/EventStore.js';

/**
 * Where a projection writes this time: each of its logical table names mapped
 * to a quoted, schema-qualified SQL name. Live runs point at `reporting`; a
 * rebuild points at a build schema, so the same `apply` fills either.
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
  /**
   * Applies `events` (in log order) to `tables` inside the caller's
   * transaction. Throwing rolls back the whole batch and its checkpoint.
   */
  apply(client: pg.ClientBase, events: readonly RecordedEvent[], tables: TableTargets): Promise<void>;
}

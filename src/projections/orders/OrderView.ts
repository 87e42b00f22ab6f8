import type { OrderState } from '../../domain/orderState.js';

/** One order as the read models see it: the domain's folded state plus when the log last heard of it. */
export interface OrderView {
  readonly orderKey: string;
  readonly state: OrderState;
  /** recordedAt of the newest event folded into `state`. */
  readonly lastRecordedAt: Date;
}

/** A column of a read-model table and its SQL type, as `json_to_recordset` reads it. */
export interface Column {
  readonly name: string;
  readonly type: string;
}

/**
 * A per-order read model: its table and how an order's rows follow from its
 * state. The orders projection replaces a touched order's rows wholesale, so
 * each row is a pure function of the fold.
 */
export interface OrderRowModel {
  readonly table: string;
  readonly columns: readonly Column[];
  rowsOf(view: OrderView): readonly Record<string, unknown>[];
}

/** Helper for the common case: `[name, type]` pairs. */
export function columnsOf(pairs: readonly (readonly [string, string])[]): Column[] {
  return pairs.map(([name, type]) => ({ name, type }));
}

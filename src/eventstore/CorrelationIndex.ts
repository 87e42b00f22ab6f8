import type { Position } from './EventStore.js';

/** Where a correlated event stands: its stream and revision. */
export interface CorrelatedRef {
  readonly streamId: string;
  readonly revision: bigint;
}

/**
 * An index of correlation ids kept outside the store (the audit trail read
 * model), for a store that has none of its own that is on by default.
 */
export interface CorrelationIndex {
  /** The events that carry `correlationId` in log order (at most `limit`, after `after` when given), and the position up to which the index is complete. */
  lookup(correlationId: string, limit: number, after?: Position): Promise<{ readonly refs: readonly CorrelatedRef[]; readonly indexedTo: Position }>;
  /** Throws when the index cannot be read (e.g. its table is missing); start-up calls it. */
  check(): Promise<void>;
}

/** Correlations cannot be answered completely right now; the message says why and what fixes it. */
export class CorrelationsUnavailable extends Error {
  readonly code = 'CORRELATIONS_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'CorrelationsUnavailable';
  }
}

export function isCorrelationsUnavailable(error: unknown): error is CorrelationsUnavailable {
  return error instanceof CorrelationsUnavailable || (error as { code?: unknown } | null)?.code === 'CORRELATIONS_UNAVAILABLE';
}

import type { ExpectedRevision } from './EventStore.js';

/** The stream was not at the revision the caller expected: nothing was written. */
export class WrongExpectedRevision extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision when the append was refused; `no_stream` if it has none. */
    readonly actual: bigint | 'no_stream',
    detail?: string,
  ) {
    super(`Stream ${streamId} was expected at ${String(expected)} but is at ${String(actual)}${detail ? `: ${detail}` : ''}`);
    this.name = 'WrongExpectedRevision';
  }
}

export function isWrongExpectedRevision(error: unknown): error is WrongExpectedRevision {
  return error instanceof WrongExpectedRevision || (error as { code?: unknown } | null)?.code === 'WRONG_EXPECTED_REVISION';
}

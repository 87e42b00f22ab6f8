/**
 * An event the log cannot hold as written (a NUL character, an unpaired
 * surrogate, a value the database refuses): nothing of that append was
 * written, and retrying it unchanged fails the same way.
 */
export class UnstorableEvent extends Error {
  readonly code = 'UNSTORABLE_EVENT';
  constructor(readonly streamId: string, reason: string, options?: { cause?: unknown }) {
    super(`The append to ${streamId} cannot be stored: ${reason}. Nothing of it was written.`, options);
    this.name = 'UnstorableEvent';
  }
}

export function isUnstorableEvent(error: unknown): error is UnstorableEvent {
  return error instanceof UnstorableEvent || (error as { code?: unknown } | null)?.code === 'UNSTORABLE_EVENT';
}

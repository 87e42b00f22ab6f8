/** The configured event store cannot serve the ledger as set up; the message says what to change. */
export class EventStoreSetupError extends Error {
  readonly code = 'EVENT_STORE_NOT_SET_UP';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreSetupError';
  }
}

export function isEventStoreSetupError(error: unknown): error is EventStoreSetupError {
  return error instanceof EventStoreSetupError || (error as { code?: unknown } | null)?.code === 'EVENT_STORE_NOT_SET_UP';
}

import type pg from 'pg';
import type { EventStore } from './EventStore.js';
import { createEventStoreDbEventStore } from './eventstoredb/EventStoreDbEventStore.js';
import { createPostgresEventStore } from './postgres/PostgresEventStore.js';

export interface CreateEventStoreOptions {
  /** The service's PostgreSQL pool (the default log lives there). */
  readonly pool: pg.Pool;
  /** `EVENTSTORE_CONNECTION_STRING`: when set, the log lives in EventStoreDB instead. */
  readonly eventStoreConnectionString?: string | undefined;
  readonly log?: (message: string) => void;
  /** Told the size of each group-commit batch (PostgreSQL log only). */
  readonly onBatch?: (size: { appends: number; events: number }) => void;
}

/** The configured event log: EventStoreDB when a connection string is given, else PostgreSQL. */
export function createEventStore(options: CreateEventStoreOptions): EventStore {
  if (options.eventStoreConnectionString) {
    return createEventStoreDbEventStore({ connectionString: options.eventStoreConnectionString });
  }
  return createPostgresEventStore({
    pool: options.pool,
    ...(options.log ? { log: options.log } : {}),
    ...(options.onBatch ? { groupCommit: { onBatch: options.onBatch } } : {}),
  });
}

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
}

/** The configured event log: EventStoreDB when a connection string is given, else PostgreSQL. */
export function createEventStore(options: CreateEventStoreOptions): EventStore {
  if (options.eventStoreConnectionString) {
    return createEventStoreDbEventStore({ connectionString: options.eventStoreConnectionString });
  }
  return createPostgresEventStore(options.log ? { pool: options.pool, log: options.log } : { pool: options.pool });
}

import type pg from 'pg';
import { auditTrailCorrelations } from '../projections/readModels/auditTrailCorrelations.js';
import type { EventStore } from './EventStore.js';
import { createEventStoreDbEventStore } from './eventstoredb/EventStoreDbEventStore.js';
import { createPostgresEventStore } from './postgres/PostgresEventStore.js';

export interface CreateEventStoreOptions {
  /** The service's PostgreSQL pool (the default log lives there; the read models always do). */
  readonly pool: pg.Pool;
  /** `EVENTSTORE_CONNECTION_STRING`: when set, the log lives in KurrentDB/EventStoreDB instead. */
  readonly eventStoreConnectionString?: string | undefined;
  readonly log?: (message: string) => void;
  /** Told the size of each group-commit batch (PostgreSQL log only). */
  readonly onBatch?: (size: { appends: number; events: number }) => void;
}

/**
 * The configured event log: KurrentDB when a connection string is given,
 * else PostgreSQL. Every command that reads or writes the log opens it
 * here, so none of them works on the other store by mistake.
 */
export function createEventStore(options: CreateEventStoreOptions): EventStore {
  const log = options.log ? { log: options.log } : {};
  if (options.eventStoreConnectionString) {
    return createEventStoreDbEventStore({ connectionString: options.eventStoreConnectionString, correlations: auditTrailCorrelations(options.pool), ...log });
  }
  return createPostgresEventStore({
    pool: options.pool,
    ...log,
    ...(options.onBatch ? { groupCommit: { onBatch: options.onBatch } } : {}),
  });
}

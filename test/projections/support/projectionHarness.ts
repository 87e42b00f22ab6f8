import type pg from 'pg';
import type { EventStore, RecordedEvent } from '../../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../../src/eventstore/postgres/PostgresEventStore.js';
import { orderStreamId } from '../../../src/eventstore/streams.js';
import type { DomainEvent } from '../../../src/domain/events.js';
import { toAppend } from './orderEventBuilder.js';
import { untilReadable } from '../../support/untilReadable.js';

/** The real Postgres event store on a test database. */
export function storeOn(pool: pg.Pool): EventStore {
  return createPostgresEventStore({ pool, pollIntervalMs: 50 });
}

/** Appends an order's events to its stream through the real adapter, `chunk` events per append. */
export async function appendOrder(store: EventStore, orderKey: string, events: readonly DomainEvent[], chunk = 100): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) {
    await store.append(orderStreamId(orderKey), events.slice(i, i + chunk).map((e) => toAppend(orderKey, e)), { expectedRevision: 'any' });
  }
}

/** Every event in the log, in order, once everything appended so far is readable. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  await untilReadable(store);
  const all: RecordedEvent[] = [];
  let page = await store.readAll({ limit: 1000 });
  all.push(...page.events);
  while (!page.isEnd) {
    page = await store.readAll({ after: page.nextPosition, limit: 1000 });
    all.push(...page.events);
  }
  return all;
}

/** Rows of a table as JSON text, sorted, so two tables compare with toEqual. */
export async function tableRows(db: Pick<pg.Pool, 'query'>, table: string, orderBy: string): Promise<unknown[]> {
  const result = await db.query(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY ${orderBy}`);
  return result.rows.map((r: { row: string }) => JSON.parse(r.row));
}

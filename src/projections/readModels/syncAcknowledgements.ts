import type pg from 'pg';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import { orderEventOf } from '../orders/orderEventOf.js';
import { statelessApplier, type Projection, type TableTargets } from '../Projection.js';
import { target } from '../sql.js';

/**
 * `reporting.sync_acknowledgements`: one row per ledger event a consumer
 * acknowledged. Kept apart from the `orders` projection, which skips these
 * receipts: they change no order, only what a downstream system is known to
 * reflect (`reporting.sync_state`).
 */
export const syncAcknowledgementsProjection: Projection = {
  name: 'sync_acks',
  version: 1,
  handles: ['IntegrationAcknowledged'],
  tables: ['sync_acknowledgements'],
  open: () => statelessApplier(insertAcknowledgements),
};

const columns = ['position', 'event_id', 'ack_order_key', 'consumer', 'source_kind', 'outcome', 'ack_at', 'recorded_at'] as const;
const types = ['text', 'uuid', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz'];

function insertAcknowledgements(events: readonly RecordedEvent[]): (client: pg.ClientBase, tables: TableTargets) => Promise<void> {
  const arrays: unknown[][] = columns.map(() => []);
  for (const recorded of events) {
    for (const row of acknowledgementRows(recorded)) row.forEach((value, i) => arrays[i]!.push(value));
  }
  if (arrays[0]!.length === 0) return async () => undefined;
  const params = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  // A batch replayed after a crash between commit and acknowledgement must not fail.
  return async (client, tables) => void await client.query(
    `INSERT INTO ${target(tables, 'sync_acknowledgements')} (${columns.join(', ')})
     SELECT * FROM unnest(${params}) ON CONFLICT (position, event_id) DO NOTHING`,
    arrays,
  );
}

/** The rows of one acknowledgement, in `columns` order: one per event id it names. */
export function acknowledgementRows(recorded: RecordedEvent): unknown[][] {
  const found = orderEventOf(recorded);
  if (!found || found.event.type !== 'IntegrationAcknowledged') return [];
  const { data } = found.event;
  const kind = found.event.envelope.sourceSystem.kind;
  return [...new Set(data.eventIds)].map((eventId) => [
    recorded.position, eventId, found.orderKey, data.consumer, kind, data.outcome, data.ackAt, recorded.recordedAt,
  ]);
}

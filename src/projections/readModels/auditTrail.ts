import type pg from 'pg';
import type { RecordedEvent } from '../../eventstore/EventStore.js';
import { statelessApplier, type Projection, type TableTargets } from '../Projection.js';
import { target } from '../sql.js';

/**
 * `reporting.audit_trail`: one row per event with who, which system, when
 * and its hash (docs/domain.md §5, auditors). Needs no state, so it reads every
 * event and writes one multi-row INSERT per batch.
 */
export const auditTrailProjection: Projection = {
  name: 'audit_trail',
  version: 1,
  handles: 'all',
  tables: ['audit_trail'],
  open: () => statelessApplier(insertAuditRows),
};

const columns = [
  'position', 'order_key', 'stream_id', 'stream_version', 'event_id', 'event_type', 'source_kind', 'source_instance',
  'source_document', 'actor_type', 'actor_id', 'actor_name', 'correlation_id', 'causation_id', 'occurred_at',
  'received_at', 'recorded_at', 'hash', 'prev_hash',
] as const;

const types = [
  'text', 'text', 'text', 'int8', 'uuid', 'text', 'text', 'text',
  'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz',
  'timestamptz', 'timestamptz', 'text', 'text',
];

function insertAuditRows(events: readonly RecordedEvent[]): (client: pg.ClientBase, tables: TableTargets) => Promise<void> {
  const arrays: unknown[][] = columns.map(() => []);
  for (const event of events) auditRow(event).forEach((value, i) => arrays[i]!.push(value));
  const params = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  // Replaying a batch after a crash between commit and acknowledgement must not fail.
  return async (client, tables) => void await client.query(
    `INSERT INTO ${target(tables, 'audit_trail')} (${columns.join(', ')})
     SELECT * FROM unnest(${params}) ON CONFLICT (position) DO NOTHING`,
    arrays,
  );
}

/** The row of one event, in `columns` order. */
export function auditRow(event: RecordedEvent): unknown[] {
  const m = event.metadata as Partial<AuditMetadata>;
  const doc = m.sourceDocument;
  return [
    event.position, m.orderKey ?? null, event.streamId, event.revision.toString(), event.id, event.type,
    m.sourceSystem?.kind ?? null, m.sourceSystem?.instance ?? null, doc ? `${doc.type}:${doc.id}@${doc.revision}` : null,
    m.actor?.type ?? null, m.actor?.id ?? null, m.actor?.name ?? null, m.correlationId ?? null, m.causationId ?? null,
    m.occurredAt ?? null, m.receivedAt ?? null, event.recordedAt, event.hash, event.prevHash,
  ];
}

/** The envelope fields the audit trail reads from `metadata` (absent ones stay NULL). */
interface AuditMetadata {
  orderKey: string;
  sourceSystem: { kind: string; instance: string };
  sourceDocument: { type: string; id: string; revision: number };
  actor: { type: string; id: string; name?: string };
  correlationId: string;
  causationId: string;
  occurredAt: string;
  receivedAt: string;
}

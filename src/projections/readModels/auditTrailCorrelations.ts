import type pg from 'pg';
import type { CorrelationIndex } from '../../eventstore/CorrelationIndex.js';
import { START, type Position } from '../../eventstore/EventStore.js';
import { auditTrailProjection } from './auditTrail.js';

/**
 * The audit trail read model as a correlation index: it stores every
 * event's correlation id with its stream and revision, and its checkpoints
 * say how far it is complete (the furthest-behind partition's). One statement reads both, so the rows and
 * the checkpoint belong together.
 */
export function auditTrailCorrelations(pool: pg.Pool): CorrelationIndex {
  return {
    async lookup(correlationId, limit, after = START) {
      const { rows } = await pool.query<{ indexed_to: string; stream_id: string | null; revision: string | null }>(
        `SELECT cp.position AS indexed_to, a.stream_id, a.stream_version::text AS revision
           FROM (SELECT coalesce((SELECT min(position) FROM reporting.projection_checkpoints WHERE name = $3), '') AS position) cp
           LEFT JOIN LATERAL (
             SELECT stream_id, stream_version, position FROM reporting.audit_trail
              WHERE correlation_id = $1 AND position > $4 AND position <= cp.position ORDER BY position LIMIT $2
           ) a ON true`,
        [correlationId, limit, auditTrailProjection.name, after],
      );
      return {
        indexedTo: (rows[0]?.indexed_to ?? '') as Position,
        refs: rows.filter((r) => r.stream_id !== null).map((r) => ({ streamId: r.stream_id as string, revision: BigInt(r.revision as string) })),
      };
    },
    async check() {
      await pool.query('SELECT 1 FROM reporting.audit_trail LIMIT 0');
    },
  };
}

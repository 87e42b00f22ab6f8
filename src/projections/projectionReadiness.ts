import type pg from 'pg';
import type { ReadinessCheck } from '../observability/ReadinessCheck.js';
import { readCheckpoints } from './runner/checkpoints.js';

/**
 * Not ready while any projection (any partition of one) has stopped on an
 * event it could not apply: its reports are frozen for that partition's
 * orders, so the service is not doing its job. Read from the checkpoints,
 * so any instance answers for a failure in another.
 */
export function projectionReadiness(pool: pg.Pool): ReadinessCheck {
  return {
    name: 'projections',
    async check() {
      const failed = (await readCheckpoints(pool)).filter((c) => c.status === 'failed');
      if (failed.length === 0) return { ready: true };
      const named = failed.map((c) => (c.partitions > 1 ? `${c.name} (partition ${c.partition} of ${c.partitions})` : c.name));
      return {
        ready: false,
        reason: `projection ${named.join(', ')} failed`,
        projections: failed.map((c) => ({
          name: c.name, partition: c.partition, position: c.position, failedPosition: c.failedPosition, failedEventId: c.failedEventId, error: c.error,
        })),
      };
    },
  };
}

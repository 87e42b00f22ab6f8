import type pg from 'pg';
import type { EventStore } from './EventStore.js';

/** A stored checkpoint the configured store did not issue, with what resets it. */
export interface ForeignCheckpoint {
  readonly kind: 'projection' | 'integrator' | 'feed consumer';
  readonly name: string;
  readonly position: string;
  readonly reason: string;
  readonly fix: string;
}

/**
 * Every stored checkpoint (projections, integrators, feed consumers) that
 * the configured store refuses: what is left after switching stores. Each
 * would fail on every read; start-up names them all at once.
 */
export async function foreignCheckpoints(pool: pg.Pool, store: EventStore): Promise<ForeignCheckpoint[]> {
  const { rows } = await pool.query<{ kind: ForeignCheckpoint['kind']; name: string; position: string }>(
    `SELECT DISTINCT ON (name) 'projection' AS kind, name, position FROM reporting.projection_checkpoints WHERE position <> ''
     UNION ALL SELECT 'integrator', name, position FROM integration.integrator_checkpoints WHERE position <> ''
     UNION ALL SELECT 'feed consumer', name, position FROM integration.consumer_checkpoints WHERE position <> ''
     ORDER BY 1, 2`,
  );
  const fixes: Record<ForeignCheckpoint['kind'], (name: string) => string> = {
    projection: (name) => `order-ledger rebuild ${name}`,
    integrator: (name) => `order-ledger integrators reset ${name} start (or end)`,
    'feed consumer': (name) => `POST /v1/consumers/${name}/checkpoint/reset`,
  };
  return rows.flatMap((row) => {
    try {
      store.checkPosition(row.position);
      return [];
    } catch (error) {
      return [{ ...row, reason: (error as Error).message, fix: fixes[row.kind](row.name) }];
    }
  });
}

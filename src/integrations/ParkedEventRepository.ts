import type pg from 'pg';
import type { FailurePolicy } from './integratorConfig.js';

/** An event an integrator gave up on: the exception queue's row (body excluded). */
export interface ParkedEvent {
  id: string;
  integrator: string;
  eventId: string;
  position: string;
  streamId: string;
  orderKey: string | null;
  eventType: string;
  /** Open value at risk of the order, when parked. */
  priority: number;
  currency: string | null;
  policy: FailurePolicy;
  attempts: number;
  lastError: string;
  state: 'parked' | 'delivered' | 'discarded';
  parkedAt: Date;
  resolvedAt: Date | null;
}

export interface ParkInput {
  integrator: string;
  eventId: string;
  position: string;
  streamId: string;
  orderKey: string | undefined;
  eventType: string;
  priority: number;
  currency: string | undefined;
  policy: FailurePolicy;
  attempts: number;
  lastError: string;
  body: string;
}

const columns = `id::text, integrator, event_id AS "eventId", position, stream_id AS "streamId", order_key AS "orderKey",
  event_type AS "eventType", priority::float8 AS priority, currency, policy, attempts, last_error AS "lastError", state,
  parked_at AS "parkedAt", resolved_at AS "resolvedAt"`;

/**
 * The exception queue as a list to page through (with the report lists'
 * keyset pages): open (still parked) events, the highest value at risk
 * first, then the longest parked; `all` includes resolved ones, after the
 * open. Each sort key is over the SELECT's own columns, and `id` makes the
 * order unique.
 */
export function parkedEventList(options: { integrator?: string | undefined; all?: boolean | undefined } = {}) {
  return {
    sql: `SELECT ${columns} FROM integration.parked_events WHERE ($1::text IS NULL OR integrator = $1) AND ($2 OR state = 'parked')`,
    params: [options.integrator ?? null, options.all ?? false],
    keys: [
      { expr: `CASE WHEN state = 'parked' THEN 0 ELSE 1 END`, type: 'integer' },
      { expr: '-priority', type: 'numeric' },
      { expr: '"parkedAt"', type: 'timestamptz' },
      { expr: 'id::numeric', type: 'numeric' },
    ],
  } as const;
}

/** `integration.parked_events` and the record of what people did with them. */
export class ParkedEventRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Parks an event; parking it again (a stopped integrator that failed once more) adds the attempts. */
  async park(input: ParkInput): Promise<ParkedEvent> {
    const { rows } = await this.pool.query<ParkedEvent>(
      `INSERT INTO integration.parked_events AS p (integrator, event_id, position, stream_id, order_key, event_type, priority,
         currency, policy, attempts, last_error, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (integrator, event_id) DO UPDATE SET attempts = p.attempts + EXCLUDED.attempts, last_error = EXCLUDED.last_error,
         priority = EXCLUDED.priority, policy = EXCLUDED.policy, body = EXCLUDED.body, state = 'parked', parked_at = now(),
         resolved_at = NULL
       RETURNING ${columns}`,
      [input.integrator, input.eventId, input.position, input.streamId, input.orderKey ?? null, input.eventType, input.priority,
        input.currency ?? null, input.policy, input.attempts, input.lastError, input.body],
    );
    return rows[0]!;
  }

  async get(id: string): Promise<(ParkedEvent & { body: string }) | undefined> {
    const { rows } = await this.pool.query<ParkedEvent & { body: string }>(
      `SELECT ${columns}, body FROM integration.parked_events WHERE id = $1::bigint`,
      [id],
    );
    return rows[0];
  }

  /** Resolves a parked event and records the act (who, why, outcome) in one transaction. */
  async resolve(id: string, act: { action: 'retry' | 'discard'; actor: string; reason?: string; detail?: string }): Promise<boolean> {
    const state = act.action === 'retry' ? 'delivered' : 'discarded';
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const updated = await client.query(
        `UPDATE integration.parked_events SET state = $2, resolved_at = now() WHERE id = $1::bigint AND state = 'parked'`,
        [id, state],
      );
      if (updated.rowCount === 1) await insertAction(client, id, act.action, state, act);
      await client.query('COMMIT');
      return updated.rowCount === 1;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** A retry that failed: counted on the row and recorded as an act. */
  async recordFailedRetry(id: string, act: { actor: string; detail: string }): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE integration.parked_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1::bigint`,
        [id, act.detail],
      );
      await insertAction(client, id, 'retry', 'failed', act);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async actions(id: string): Promise<{ action: string; outcome: string; actor: string; reason: string | null; detail: string | null; at: Date }[]> {
    const { rows } = await this.pool.query(
      `SELECT action, outcome, actor, reason, detail, at FROM integration.parked_event_actions WHERE parked_id = $1::bigint ORDER BY id`,
      [id],
    );
    return rows;
  }
}

async function insertAction(
  client: pg.PoolClient, id: string, action: string, outcome: string, act: { actor: string; reason?: string; detail?: string },
): Promise<void> {
  await client.query(
    `INSERT INTO integration.parked_event_actions (parked_id, action, outcome, actor, reason, detail) VALUES ($1::bigint, $2, $3, $4, $5, $6)`,
    [id, action, outcome, act.actor, act.reason ?? null, act.detail ?? null],
  );
}

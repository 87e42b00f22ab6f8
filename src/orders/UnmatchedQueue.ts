import type pg from 'pg';
import type { Envelope } from '../domain/envelope.js';
import { eventIdFor } from '../domain/idempotency.js';
import type { Alias } from './orderAliases.js';

/** A transition waiting for an order to take the alias it names. */
export interface WaitingTransition {
  readonly id: string;
  readonly alias: Alias;
  readonly type: string;
  readonly data: unknown;
  readonly envelope: Envelope;
  readonly receivedAt: Date;
}

export type ParkResult =
  | { readonly kind: 'parked'; readonly entry: WaitingTransition }
  | { readonly kind: 'known'; readonly entry: WaitingTransition; readonly state: string; readonly orderKey: string | null };

/** A row of `ledger.unmatched_transitions`. */
export interface WaitingRow {
  id: string;
  alias_kind: 'erp' | 'po';
  alias_value: string;
  type: string;
  data: unknown;
  envelope: Envelope;
  received_at: Date;
  state: string;
  order_key: string | null;
}

/**
 * The unmatched queue, in `ledger.unmatched_transitions`: outside the event
 * log, so no reader of the log sees a transition before it is part of an
 * order's history. A row is never deleted; it records what became of it.
 */
export class UnmatchedQueue {
  constructor(private readonly pool: pg.Pool) {}

  /** The id a submission waits under: derived from its idempotency key, so a retry finds its row. */
  static idOf(envelope: Pick<Envelope, 'idempotencyKey'>): string {
    return eventIdFor(`unmatched:${envelope.idempotencyKey}`);
  }

  async park(alias: Alias, type: string, data: unknown, envelope: Envelope): Promise<ParkResult> {
    const id = UnmatchedQueue.idOf(envelope);
    const inserted = await this.pool.query<WaitingRow>(
      `INSERT INTO ledger.unmatched_transitions (id, alias_kind, alias_value, source_system, type, data, envelope)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO NOTHING
       RETURNING *`,
      [id, alias.kind, alias.value, envelope.sourceSystem.kind, type, JSON.stringify(data), JSON.stringify(envelope)],
    );
    if (inserted.rows[0]) return { kind: 'parked', entry: waitingOf(inserted.rows[0]) };
    const { rows } = await this.pool.query<WaitingRow>('SELECT * FROM ledger.unmatched_transitions WHERE id = $1', [id]);
    const row = rows[0]!;
    return { kind: 'known', entry: waitingOf(row), state: row.state, orderKey: row.order_key };
  }

  /** What waits under an alias, in arrival order. */
  async waitingFor(alias: Alias): Promise<WaitingTransition[]> {
    const { rows } = await this.pool.query<WaitingRow>(
      `SELECT * FROM ledger.unmatched_transitions
        WHERE alias_kind = $1 AND alias_value = $2 AND state = 'waiting'
        ORDER BY received_at, id`,
      [alias.kind, alias.value],
    );
    return rows.map(waitingOf);
  }

  /** Aliases with waiting transitions that an order has already taken (a crash between binding and applying). */
  async boundAliases(): Promise<{ alias: Alias; orderKey: string }[]> {
    const { rows } = await this.pool.query<{ kind: 'erp' | 'po'; value: string; order_key: string }>(
      `SELECT DISTINCT u.alias_kind AS kind, u.alias_value AS value, a.order_key
         FROM ledger.unmatched_transitions u
         JOIN ledger.order_aliases a ON a.kind = u.alias_kind AND a.value = u.alias_value
        WHERE u.state = 'waiting'`,
    );
    return rows.map((r) => ({ alias: { kind: r.kind, value: r.value }, orderKey: r.order_key }));
  }

  async markApplied(id: string, orderKey: string, eventId: string): Promise<void> {
    await this.pool.query(
      `UPDATE ledger.unmatched_transitions SET state = 'applied', order_key = $2, event_id = $3, resolved_at = now()
        WHERE id = $1 AND state = 'waiting'`,
      [id, orderKey, eventId],
    );
  }

  async markRefused(id: string, orderKey: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE ledger.unmatched_transitions SET state = 'refused', order_key = $2, reason = $3, resolved_at = now()
        WHERE id = $1 AND state = 'waiting'`,
      [id, orderKey, reason],
    );
  }

  /** Gives up on everything waiting under an alias, recording who and why; returns how many. */
  async discard(alias: Alias, actor: string, reason: string): Promise<number> {
    const result = await this.pool.query(
      `UPDATE ledger.unmatched_transitions SET state = 'discarded', reason = $3, resolved_by = $4, resolved_at = now()
        WHERE alias_kind = $1 AND alias_value = $2 AND state = 'waiting'`,
      [alias.kind, alias.value, reason, actor],
    );
    return result.rowCount ?? 0;
  }
}

export function waitingOf(row: WaitingRow): WaitingTransition {
  return {
    id: row.id, alias: { kind: row.alias_kind, value: row.alias_value }, type: row.type, data: row.data,
    envelope: row.envelope, receivedAt: row.received_at,
  };
}

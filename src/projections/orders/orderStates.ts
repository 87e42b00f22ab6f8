import type pg from 'pg';
import type { OrderState } from '../../domain/orderState.js';
import type { OrderView } from './OrderView.js';

/** The stored states of `orderKeys` (absent ones are new orders), in one query. */
export async function loadOrderStates(client: pg.ClientBase, table: string, orderKeys: readonly string[]): Promise<Map<string, OrderState>> {
  const result = await client.query<{ order_key: string; state: OrderState }>(
    `SELECT order_key, state FROM ${table} WHERE order_key = ANY($1::text[])`,
    [orderKeys],
  );
  return new Map(result.rows.map((row) => [row.order_key, row.state]));
}

/**
 * Upserts the states in one statement. The idempotency memo (`processed`)
 * is left out: no report reads it, and it is the bulk of a state.
 */
export async function saveOrderStates(client: pg.ClientBase, table: string, views: readonly OrderView[]): Promise<void> {
  const byKey = Object.fromEntries(views.map((view) => [view.orderKey, { ...view.state, processed: {} }]));
  await client.query(
    `INSERT INTO ${table} (order_key, state, updated_at)
     SELECT key, value::jsonb, now() FROM json_each($1::json)
     ON CONFLICT (order_key) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
    [JSON.stringify(byKey)],
  );
}

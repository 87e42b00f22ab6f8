import type pg from 'pg';
import type { OrderRowModel, OrderView } from './OrderView.js';
import { ident } from '../sql.js';

/**
 * Replaces the rows of `orders` in one read model with two statements (a
 * DELETE and a set-based INSERT from one JSON document), whatever the
 * number of orders: never one statement per event or per row.
 */
export async function replaceOrderRows(
  client: pg.ClientBase, model: OrderRowModel, table: string, views: readonly OrderView[],
): Promise<void> {
  await client.query(`DELETE FROM ${table} WHERE order_key = ANY($1::text[])`, [views.map((v) => v.orderKey)]);
  const rows = views.flatMap((view) => model.rowsOf(view));
  if (rows.length === 0) return;
  const names = model.columns.map((c) => ident(c.name)).join(', ');
  const shape = model.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
  await client.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${shape})`, [JSON.stringify(rows)]);
}

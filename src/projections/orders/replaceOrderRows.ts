import type pg from 'pg';
import type { OrderRowModel, OrderView } from './OrderView.js';
import { ident } from '../sql.js';

/** What one batch writes: per read model, the orders whose rows it replaces and their new rows as one JSON document. */
export interface OrderRows {
  readonly orderKeys: readonly string[];
  readonly tables: readonly { readonly model: OrderRowModel; readonly json: string | undefined }[];
}

/** Builds every row of `views` (CPU only), so it can run while an earlier batch is written. */
export function orderRowsOf(models: readonly OrderRowModel[], views: readonly OrderView[]): OrderRows {
  return {
    orderKeys: views.map((v) => v.orderKey),
    tables: models.map((model) => {
      const rows = views.flatMap((view) => model.rowsOf(view));
      return { model, json: rows.length === 0 ? undefined : JSON.stringify(rows) };
    }),
  };
}

/**
 * Replaces the rows of the orders in every read model with two statements
 * per table (a DELETE and a set-based INSERT from one JSON document),
 * whatever the number of orders: never one statement per event or per row.
 */
export async function replaceOrderRows(client: pg.ClientBase, rows: OrderRows, tableOf: (table: string) => string): Promise<void> {
  if (rows.orderKeys.length === 0) return;
  for (const { model, json } of rows.tables) {
    const table = tableOf(model.table);
    await client.query(`DELETE FROM ${table} WHERE order_key = ANY($1::text[])`, [rows.orderKeys]);
    if (json === undefined) continue;
    const names = model.columns.map((c) => ident(c.name)).join(', ');
    const shape = model.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
    await client.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM json_to_recordset($1::json) AS r(${shape})`, [json]);
  }
}

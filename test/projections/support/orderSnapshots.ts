import type pg from 'pg';
import type { Projection } from '../../../src/projections/Projection.js';
import { createOrdersProjection } from '../../../src/projections/orders/ordersProjection.js';
import { tableRows } from './projectionHarness.js';

const orderTables = [['crm_orders', 'order_key'], ['crm_order_lines', 'order_key, line_no'], ['backlog', 'order_key, line_no'],
  ['fill_rate_lines', 'order_key, line_no'], ['order_kpis', 'order_key'], ['exceptions', 'order_key, exception_id']] as const;

/** Every row of the orders projection's tables, sorted, to compare two runs with toEqual. */
export async function orderSnapshot(db: Pick<pg.Pool, 'query'>): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(orderTables.map(async ([table, key]) =>
    [table, (await tableRows(db, `reporting.${table}`, key)).map(withoutTimes)] as const));
  return Object.fromEntries(entries);
}

/** last_event_at is the store's clock, which differs between the run and the reference database. */
function withoutTimes(row: unknown): unknown {
  const { last_event_at: _ignored, ...rest } = row as Record<string, unknown>;
  return rest;
}

/** The orders projection, except that `around` runs inside each batch's transaction, after its rows are written. */
export function ordersProjectionWith(around: (events: readonly { id: string; streamId: string }[], client: pg.ClientBase) => Promise<void>): Projection {
  const real = createOrdersProjection();
  return {
    ...real,
    open(context) {
      const applier = real.open(context);
      return {
        ...applier,
        async prepare(events) {
          const prepared = await applier.prepare(events);
          return {
            ...prepared,
            async write(client, tables) {
              await prepared.write(client, tables);
              await around(events, client);
            },
          };
        },
      };
    },
  };
}

/** The orders projection, except that it throws on the chosen event after writing the rest of the batch. */
export function failingOn(eventId: string): Projection {
  return ordersProjectionWith(async (events) => {
    if (events.some((e) => e.id === eventId)) throw new Error('simulated crash');
  });
}

import type pg from 'pg';
import type { DomainEvent } from '../domain/events.js';
import { textProblem } from '../domain/primitives.js';
import { LruMap } from './LruMap.js';
import { waitingOf, type WaitingRow, type WaitingTransition } from './UnmatchedQueue.js';

/** How a submission names its order: the ledger's key, or an alias the ledger learnt. */
export type OrderRef = { readonly orderKey: string } | { readonly alias: Alias };
export interface Alias {
  readonly kind: 'erp' | 'po';
  readonly value: string;
}

/** What an order key may be: letters, digits, . _ - (up to 100), starting with a letter or digit. */
export const orderKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Parses the `{orderKey}` path segment: a plain key, `erp:<ERP order number>`
 * or `po:<soldTo>:<customer PO>` (URL-encode each part; the PO may itself
 * contain colons, the soldTo may not).
 */
export function parseOrderRef(segment: string): OrderRef | { error: string } {
  const problem = textProblem(segment);
  if (problem) return { error: `an order reference ${problem}` };
  const erp = /^erp:(.+)$/.exec(segment);
  if (erp) return { alias: { kind: 'erp', value: erp[1]! } };
  const po = /^po:([^:]+):(.+)$/.exec(segment);
  if (po) return { alias: { kind: 'po', value: `${po[1]}:${po[2]}` } };
  if (orderKeyPattern.test(segment)) return { orderKey: segment };
  return { error: 'must be an order key (letters, digits, . _ -; up to 100), erp:<ERP order number> or po:<soldTo>:<customer PO>' };
}

export function describeRef(ref: OrderRef): string {
  return 'orderKey' in ref ? ref.orderKey : `${ref.alias.kind}:${ref.alias.value}`;
}

/** An alias that is the order's (bound just now or before), and what waits under it, in arrival order. */
export interface BoundAlias {
  readonly alias: Alias;
  readonly waiting: WaitingTransition[];
}

/** The aliases an event teaches the ledger. */
export function aliasesOf(event: DomainEvent): Alias[] {
  if (event.type === 'OrderReceived' && event.data.customerPO) {
    return [{ kind: 'po', value: `${event.data.soldTo.id}:${event.data.customerPO}` }];
  }
  if (event.type === 'OrderAccepted') return [{ kind: 'erp', value: event.data.erpOrderNumber }];
  return [];
}

/**
 * The alias table, with the bindings already seen kept in memory. A binding
 * never changes once written (the first order to name an alias keeps it), so
 * a remembered one is always right; an alias not yet bound is asked for
 * every time, since another instance may bind it at any moment.
 */
export class OrderAliases {
  private readonly bound: LruMap<string, string>;
  constructor(private readonly pool: pg.Pool, capacity = 50_000) {
    this.bound = new LruMap(capacity);
  }

  async resolve(alias: Alias): Promise<string | undefined> {
    const key = `${alias.kind}:${alias.value}`;
    const known = this.bound.get(key);
    if (known !== undefined) return known;
    const { rows } = await this.pool.query<{ order_key: string }>({
      name: 'order-alias-resolve',
      text: 'SELECT order_key FROM ledger.order_aliases WHERE kind = $1 AND value = $2',
      values: [alias.kind, alias.value],
    });
    const orderKey = rows[0]?.order_key;
    if (orderKey !== undefined) this.bound.set(key, orderKey);
    return orderKey;
  }

  /**
   * Binds `aliases` to the order (an alias already bound elsewhere keeps its
   * first order) and, in the same statement, reads what waits under each one
   * that is this order's: one round trip for an event that names aliases,
   * whether they are new, known or another order's.
   */
  async bind(orderKey: string, aliases: readonly Alias[], position: string): Promise<BoundAlias[]> {
    if (aliases.length === 0) return [];
    const { rows } = await this.pool.query<WaitingRow & { kind: 'erp' | 'po'; value: string }>({
      name: 'order-alias-bind',
      text: `WITH input AS (SELECT DISTINCT k AS kind, v AS value FROM unnest($1::text[], $2::text[]) AS a(k, v)),
             learnt AS (
               INSERT INTO ledger.order_aliases (kind, value, order_key, first_position)
               SELECT kind, value, $3, $4 FROM input
               ON CONFLICT (kind, value) DO NOTHING
               RETURNING kind, value),
             -- The statement does not see the rows it inserts: those come from RETURNING, the bindings already made from the table.
             ours AS (
               SELECT kind, value FROM learnt
               UNION ALL
               SELECT a.kind, a.value FROM ledger.order_aliases a JOIN input i ON a.kind = i.kind AND a.value = i.value
                WHERE a.order_key = $3)
             SELECT o.kind, o.value, u.*
               FROM ours o
               LEFT JOIN ledger.unmatched_transitions u ON u.alias_kind = o.kind AND u.alias_value = o.value AND u.state = 'waiting'
              ORDER BY o.kind, o.value, u.received_at, u.id`,
      values: [aliases.map((a) => a.kind), aliases.map((a) => a.value), orderKey, position],
    });
    const bound = new Map<string, BoundAlias>();
    for (const row of rows) {
      const key = `${row.kind}:${row.value}`;
      let entry = bound.get(key);
      if (!entry) {
        entry = { alias: { kind: row.kind, value: row.value }, waiting: [] };
        bound.set(key, entry);
        this.bound.set(key, orderKey);
      }
      if (row.id !== null) entry.waiting.push(waitingOf(row));
    }
    return [...bound.values()];
  }
}

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

/** One order's bind waiting for the next statement. */
interface PendingBind {
  readonly orderKey: string;
  readonly aliases: readonly Alias[];
  readonly position: string;
  resolve(bound: BoundAlias[]): void;
  reject(error: unknown): void;
}

type BindRow = WaitingRow & { kind: 'erp' | 'po'; value: string; bound_to: string };

/** Most binds in one statement. */
const maxBindsPerStatement = 500;

/**
 * The alias table, with the bindings already seen kept in memory. A binding
 * never changes once written (the first order to name an alias keeps it), so
 * a remembered one is always right; an alias not yet bound is asked for
 * every time, since another instance may bind it at any moment.
 *
 * Binds that arrive while one is being written go together in the next
 * statement (a batch of new orders binds each order's aliases after its
 * append): a lone bind goes at once, a busy ledger sends one statement for
 * many. Within one statement the first bind to name an alias keeps it, as
 * when they go one after the other; a statement that fails whole is sent
 * again bind by bind, so no bind is failed by another's.
 */
export class OrderAliases {
  private readonly bound: LruMap<string, string>;
  private readonly queue: PendingBind[] = [];
  private writing = false;
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
   * whether they are new, known or another order's, shared with the binds
   * of other orders that arrive meanwhile.
   */
  bind(orderKey: string, aliases: readonly Alias[], position: string): Promise<BoundAlias[]> {
    if (aliases.length === 0) return Promise.resolve([]);
    return new Promise<BoundAlias[]>((resolve, reject) => {
      this.queue.push({ orderKey, aliases, position, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.writing || this.queue.length === 0) return;
    const binds = this.queue.splice(0, maxBindsPerStatement);
    this.writing = true;
    void this.write(binds).finally(() => {
      this.writing = false;
      this.pump();
    });
  }

  private async write(binds: readonly PendingBind[]): Promise<void> {
    let rows: BindRow[];
    try {
      rows = await this.statement(binds);
    } catch (error) {
      if (binds.length === 1) {
        binds[0]!.reject(error);
        return;
      }
      for (const bind of binds) await this.write([bind]);
      return;
    }
    let answers: BoundAlias[][];
    try {
      answers = this.answersOf(binds, rows);
    } catch (error) {
      for (const bind of binds) bind.reject(error);
      return;
    }
    binds.forEach((bind, i) => bind.resolve(answers[i]!));
  }

  /** Each bind's aliases that are its order's, with what waits under them; the bindings remembered. */
  private answersOf(binds: readonly PendingBind[], rows: readonly BindRow[]): BoundAlias[][] {
    const byOrder = new Map<string, Map<string, BoundAlias>>();
    for (const row of rows) {
      const key = `${row.kind}:${row.value}`;
      let ofOrder = byOrder.get(row.bound_to);
      if (!ofOrder) byOrder.set(row.bound_to, (ofOrder = new Map()));
      let entry = ofOrder.get(key);
      if (!entry) {
        entry = { alias: { kind: row.kind, value: row.value }, waiting: [] };
        ofOrder.set(key, entry);
        this.bound.set(key, row.bound_to);
      }
      if (row.id !== null) entry.waiting.push(waitingOf(row));
    }
    return binds.map((bind) => {
      const ofOrder = byOrder.get(bind.orderKey);
      if (!ofOrder) return [];
      const named = new Set(bind.aliases.map((a) => `${a.kind}:${a.value}`));
      // Each bind gets its own copies: two binds of one order in a statement must not share the lists they are handed.
      return [...ofOrder].filter(([key]) => named.has(key)).map(([, b]) => ({ alias: b.alias, waiting: [...b.waiting] }));
    });
  }

  private async statement(binds: readonly PendingBind[]): Promise<BindRow[]> {
    const kinds: string[] = [];
    const values: string[] = [];
    const orders: string[] = [];
    const positions: string[] = [];
    for (const bind of binds) {
      for (const alias of bind.aliases) {
        kinds.push(alias.kind);
        values.push(alias.value);
        orders.push(bind.orderKey);
        positions.push(bind.position);
      }
    }
    const { rows } = await this.pool.query<BindRow>({
      name: 'order-alias-bind-many',
      text: `WITH asked AS (SELECT k AS kind, v AS value, o AS order_key, p AS position, n
                             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS a(k, v, o, p, n)),
             -- The first bind of the statement to name an alias is the one that may take it.
             first AS (SELECT DISTINCT ON (kind, value) kind, value, order_key, position FROM asked ORDER BY kind, value, n),
             learnt AS (
               INSERT INTO ledger.order_aliases (kind, value, order_key, first_position)
               SELECT kind, value, order_key, position FROM first
               ON CONFLICT (kind, value) DO NOTHING
               RETURNING kind, value, order_key),
             -- The statement does not see the rows it inserts: those come from RETURNING, the bindings already made from the table.
             ours AS (
               SELECT kind, value, order_key FROM learnt
               UNION
               SELECT a.kind, a.value, a.order_key FROM ledger.order_aliases a
                 JOIN (SELECT DISTINCT kind, value, order_key FROM asked) i ON a.kind = i.kind AND a.value = i.value AND a.order_key = i.order_key)
             SELECT o.kind, o.value, o.order_key AS bound_to, u.*
               FROM ours o
               LEFT JOIN ledger.unmatched_transitions u ON u.alias_kind = o.kind AND u.alias_value = o.value AND u.state = 'waiting'
              ORDER BY o.order_key, o.kind, o.value, u.received_at, u.id`,
      values: [kinds, values, orders, positions],
    });
    return rows;
  }
}

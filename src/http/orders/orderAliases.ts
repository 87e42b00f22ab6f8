import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DomainEvent } from '../../domain/events.js';

/** How a submission names its order: the ledger's key, or an alias the ledger learnt. */
export type OrderRef = { readonly orderKey: string } | { readonly alias: Alias };
export interface Alias {
  readonly kind: 'erp' | 'po';
  readonly value: string;
}

const orderKeyPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Parses the `{orderKey}` path segment: a plain key, `erp:<ERP order number>`
 * or `po:<soldTo>:<customer PO>` (URL-encode each part; the PO may itself
 * contain colons, the soldTo may not).
 */
export function parseOrderRef(segment: string): OrderRef | { error: string } {
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

/** The aliases an event teaches the ledger. */
export function aliasesOf(event: DomainEvent): Alias[] {
  if (event.type === 'OrderReceived' && event.data.customerPO) {
    return [{ kind: 'po', value: `${event.data.soldTo.id}:${event.data.customerPO}` }];
  }
  if (event.type === 'OrderAccepted') return [{ kind: 'erp', value: event.data.erpOrderNumber }];
  return [];
}

/** The stream where submissions naming a not-yet-known alias wait (DOMAIN.md §3). */
export function unmatchedStreamId(alias: Alias): string {
  const digest = createHash('sha256').update(`${alias.kind}:${alias.value}`, 'utf8').digest('hex').slice(0, 32);
  return `unmatched-${alias.kind}-${digest}`;
}

export class OrderAliases {
  constructor(private readonly pool: pg.Pool) {}

  async resolve(alias: Alias): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ order_key: string }>({
      name: 'order-alias-resolve',
      text: 'SELECT order_key FROM ledger.order_aliases WHERE kind = $1 AND value = $2',
      values: [alias.kind, alias.value],
    });
    return rows[0]?.order_key;
  }

  /** Records aliases; returns those that were new. An alias already bound elsewhere keeps its first order. */
  async register(orderKey: string, aliases: readonly Alias[], position: string): Promise<Alias[]> {
    if (aliases.length === 0) return [];
    const { rows } = await this.pool.query<{ kind: 'erp' | 'po'; value: string }>({
      name: 'order-alias-register',
      text: `INSERT INTO ledger.order_aliases (kind, value, order_key, first_position)
             SELECT k, v, $3, $4 FROM unnest($1::text[], $2::text[]) AS a(k, v)
             ON CONFLICT (kind, value) DO NOTHING
             RETURNING kind, value`,
      values: [aliases.map((a) => a.kind), aliases.map((a) => a.value), orderKey, position],
    });
    return rows;
  }
}

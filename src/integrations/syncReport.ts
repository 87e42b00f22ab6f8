import type pg from 'pg';
import { crmView, type Milestone } from '../domain/crmView.js';
import { isSyncRecord } from '../domain/events.js';
import { foldOrder } from '../domain/foldOrder.js';
import type { EventStore } from '../eventstore/EventStore.js';
import { orderStreamId } from '../eventstore/streams.js';
import { orderEventsOf } from './orderEventsOf.js';

export type SyncState = 'in_step' | 'behind' | 'failing';

const stateRank = `CASE state WHEN 'failing' THEN 0 WHEN 'behind' THEN 1 ELSE 2 END`;

/**
 * Every downstream system — integrators (even those with nothing to deliver
 * yet) and consumers — as a list to page through (with the report lists'
 * keyset pages), worst first: by value at risk (of the orders in
 * `currency`; an order without one counts as in it), then failing before
 * behind, then by name. A stopped integrator is failing whatever its orders
 * say. Each row names the currency its value at risk is in.
 */
export function syncSystemList(currency: string) {
  return {
    sql: `WITH per_system AS (
       SELECT kind, system, bool_or(crm) AS crm, count(*)::int AS orders,
              (count(*) FILTER (WHERE state = 'in_step'))::int AS in_step,
              (count(*) FILTER (WHERE state = 'behind'))::int AS behind,
              (count(*) FILTER (WHERE state = 'failing'))::int AS failing,
              round(coalesce(sum(value_at_risk) FILTER (WHERE state <> 'in_step' AND coalesce(currency, $1) = $1), 0), 2)::float8 AS value_at_risk,
              min(behind_since) FILTER (WHERE state <> 'in_step') AS oldest_gap_since,
              max(reflected_at) AS last_reflected_at
         FROM reporting.sync_state GROUP BY kind, system
     ), systems AS (
       SELECT coalesce(s.kind, 'integrator') AS kind, coalesce(s.system, i.name) AS system,
              coalesce(s.crm, i.preset = 'crm-sync') AS crm, coalesce(s.orders, 0) AS orders, coalesce(s.in_step, 0) AS in_step,
              coalesce(s.behind, 0) AS behind, coalesce(s.failing, 0) AS failing, coalesce(s.value_at_risk, 0) AS value_at_risk,
              s.oldest_gap_since, coalesce(s.last_reflected_at, c.last_delivered_at) AS last_reflected_at,
              coalesce(c.status = 'stopped', false) AS stopped, coalesce(c.paused, false) AS paused
         FROM per_system s
         FULL JOIN integration.integrators i ON s.kind = 'integrator' AND s.system = i.name
         LEFT JOIN integration.integrator_checkpoints c ON c.name = i.name
     )
     SELECT kind, system, crm,
            CASE WHEN failing > 0 OR stopped THEN 'failing' WHEN behind > 0 THEN 'behind' ELSE 'in_step' END AS state,
            orders, in_step AS "inStep", behind, failing, value_at_risk AS "valueAtRisk", $1::text AS currency,
            oldest_gap_since AS "oldestGapSince", last_reflected_at AS "lastReflectedAt", stopped, paused
       FROM systems`,
    params: [currency],
    keys: [{ expr: '-"valueAtRisk"', type: 'numeric' }, { expr: stateRank, type: 'integer' }, { expr: 'system', type: 'text' }, { expr: 'kind', type: 'text' }],
  } as const;
}

/** One order as one system reflects it. */
export interface OrderSyncRow {
  readonly kind: 'integrator' | 'consumer';
  readonly system: string;
  readonly orderKey: string;
  readonly state: SyncState;
  readonly headRevision: number;
  readonly headRecordedAt: string;
  readonly reflectedRevision: number | null;
  readonly reflectedAt: string | null;
  readonly behindSince: string | null;
  readonly error: string | null;
  readonly valueAtRisk: number;
  readonly currency: string | null;
}

const rowColumns = `kind, system, order_key AS "orderKey", state, head_revision::int AS "headRevision", head_recorded_at AS "headRecordedAt",
  reflected_revision::int AS "reflectedRevision", reflected_at AS "reflectedAt", behind_since AS "behindSince", error,
  value_at_risk::float8 AS "valueAtRisk", currency`;

/**
 * The orders one system does not reflect (or, with `state`, those in that
 * state) as a list to page through: by value at risk, failing before
 * behind, the longest behind first, then by order key.
 */
export function systemOrderList(system: string, state?: SyncState) {
  return {
    sql: `SELECT ${rowColumns} FROM reporting.sync_state WHERE system = $1 AND ($2::text IS NULL AND state <> 'in_step' OR state = $2)`,
    params: [system, state ?? null],
    keys: [
      { expr: '-"valueAtRisk"', type: 'numeric' }, { expr: stateRank, type: 'integer' },
      { expr: `coalesce("behindSince", 'infinity')`, type: 'timestamptz' }, { expr: '"orderKey"', type: 'text' }, { expr: 'kind', type: 'text' },
    ],
  } as const;
}

/** What the ledger knows of an order, and what each downstream system reflects of it. */
export interface OrderSync {
  readonly orderKey: string;
  readonly ledger: { readonly revision: number; readonly recordedAt: string; readonly lastMilestone: Milestone | null };
  readonly systems: (OrderSyncRow & { readonly reflectedMilestone: Milestone | null })[];
}

/**
 * The order's head from its stream (its last event but sync records), and per system the revision it
 * reflects with the milestone the CRM view showed at that revision (the
 * same `crmView` the CRM sync sends), so "shows SHIPPED?" reads directly.
 */
export async function orderSync(pool: pg.Pool, store: EventStore, orderKey: string): Promise<OrderSync | undefined> {
  const { events, recorded } = await orderEventsOf(store.readStream(orderStreamId(orderKey)));
  // No system is due a sync record: the head is the last event of the order itself.
  const head = recorded.findLast((e) => !isSyncRecord(e.type)) ?? recorded.at(-1);
  if (!head) return undefined;
  const { rows } = await pool.query<OrderSyncRow>(
    `SELECT ${rowColumns} FROM reporting.sync_state WHERE order_key = $1 ORDER BY ${stateRank}, kind, system`, [orderKey]);
  const streamId = orderStreamId(orderKey);
  const milestoneAt = async (revision: number | null): Promise<Milestone | null> => {
    if (revision === null) return null;
    const upTo = await orderEventsOf(store.readStream(streamId), BigInt(revision));
    return crmView(foldOrder(upTo.events)).lastMilestone?.type ?? null;
  };
  const systems = await Promise.all(rows.map(async (row) => ({ ...isoRow(row), reflectedMilestone: await milestoneAt(row.reflectedRevision) })));
  return {
    orderKey,
    ledger: { revision: Number(head.revision), recordedAt: head.recordedAt.toISOString(), lastMilestone: crmView(foldOrder(events)).lastMilestone?.type ?? null },
    systems,
  };
}

function isoRow(row: OrderSyncRow): OrderSyncRow {
  return { ...row, headRecordedAt: iso(row.headRecordedAt)!, reflectedAt: iso(row.reflectedAt), behindSince: iso(row.behindSince) };
}

function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : (value as string | null);
}

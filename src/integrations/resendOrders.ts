import type pg from 'pg';
import type { SecretBox } from './SecretBox.js';
import type { EventStore, RecordedEvent } from '../eventstore/EventStore.js';
import { orderStreamId } from '../eventstore/streams.js';
import { bodyBuilderFor } from './bodyBuilderFor.js';
import { deliverWebhook, type Fetch } from './deliverWebhook.js';
import { deliveryArrays, IntegratorRepository, type IntegratorRunSpec } from './IntegratorRepository.js';
import { ParkedEventRepository } from './ParkedEventRepository.js';
import { deliveryOf } from './runIntegrator.js';

export interface ResendDeps {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  readonly fetch?: Fetch;
}

export type ResendOutcome =
  | { readonly orderKey: string; readonly outcome: 'delivered'; readonly eventIds: string[] }
  | { readonly orderKey: string; readonly outcome: 'failed'; readonly error: string }
  | { readonly orderKey: string; readonly outcome: 'not_found' };

export type ResendResult = { ok: true; results: ResendOutcome[] } | { ok: false; code: 'INTEGRATOR_NOT_FOUND' };

/**
 * Sends the current state of each order through one integrator now, outside
 * its run: a crm-sync integrator its view as of the order's last event it
 * subscribes to; a CloudEvents one every such event it has not delivered
 * (at least the last). On a 2xx the deliveries are stored, parked events of
 * that order the re-send covers are resolved, and every attempt is recorded
 * in `integration.resends` with who asked and why.
 */
export async function resendOrders(deps: ResendDeps, system: string, orderKeys: readonly string[], actor: string, reason: string): Promise<ResendResult> {
  const spec = await new IntegratorRepository(deps.pool, deps.secrets).runSpec(system);
  if (!spec) return { ok: false, code: 'INTEGRATOR_NOT_FOUND' };
  const results: ResendOutcome[] = [];
  for (const orderKey of new Set(orderKeys)) results.push(await resendOne(deps, spec, orderKey, actor, reason));
  return { ok: true, results };
}

async function resendOne(deps: ResendDeps, spec: IntegratorRunSpec, orderKey: string, actor: string, reason: string): Promise<ResendOutcome> {
  const { config } = spec;
  const due = await dueEvents(deps, spec, orderKey);
  if (due.length === 0) return { orderKey, outcome: 'not_found' };
  const bodyFor = bodyBuilderFor(config.preset, deps.store);
  const sent: RecordedEvent[] = [];
  for (const event of due) {
    const outcome = await deliverWebhook({
      url: config.url, secret: config.secret, id: event.id, position: event.position, integrator: config.name,
      body: await bodyFor(event), timeoutMs: config.timeoutMs, signal: new AbortController().signal,
    }, deps.fetch);
    if (!outcome.ok) {
      await record(deps.pool, { integrator: config.name, orderKey, eventId: event.id, outcome: 'failed', detail: outcome.error, actor, reason });
      await store(deps.pool, config.name, sent);
      return { orderKey, outcome: 'failed', error: outcome.error };
    }
    sent.push(event);
  }
  await store(deps.pool, config.name, sent);
  await resolveCovered(deps.pool, config.name, orderKey, sent.at(-1)!.position, actor);
  await record(deps.pool, { integrator: config.name, orderKey, eventId: sent.at(-1)!.id, outcome: 'delivered', detail: `${sent.length} event(s)`, actor, reason });
  return { orderKey, outcome: 'delivered', eventIds: sent.map((e) => e.id) };
}

/** The order's events the integrator subscribes to and has not delivered; the last one when it has them all. */
async function dueEvents(deps: ResendDeps, spec: IntegratorRunSpec, orderKey: string): Promise<RecordedEvent[]> {
  const types = spec.config.types;
  const matching: RecordedEvent[] = [];
  for await (const event of deps.store.readStream(orderStreamId(orderKey))) {
    if (!types || types.includes(event.type)) matching.push(event);
  }
  if (matching.length === 0) return [];
  const { rows } = await deps.pool.query<{ revision: string | null }>(
    'SELECT max(revision)::text AS revision FROM integration.deliveries WHERE integrator = $1 AND order_key = $2', [spec.config.name, orderKey]);
  const last = rows[0]?.revision;
  const delivered = last === undefined || last === null ? -1n : BigInt(last);
  const missing = matching.filter((e) => e.revision > delivered);
  if (missing.length === 0) return [matching.at(-1)!];
  // The crm-sync body is the whole view as of its event: the last one carries everything before it.
  return spec.config.preset === 'crm-sync' ? [missing.at(-1)!] : missing;
}

async function store(pool: pg.Pool, integrator: string, sent: readonly RecordedEvent[]): Promise<void> {
  if (sent.length === 0) return;
  const now = new Date();
  await pool.query(
    `INSERT INTO integration.deliveries (integrator, event_id, order_key, revision, position, event_type, recorded_at, delivered_at, resent)
     SELECT $1, d.*, true FROM unnest($2::uuid[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[]) d
     ON CONFLICT (integrator, event_id) DO NOTHING`,
    [integrator, ...deliveryArrays(sent.map((e) => deliveryOf(e, now)))],
  );
}

/** Parked deliveries of the order at or before what was re-sent are no longer owed; a halted integrator moves past them. */
async function resolveCovered(pool: pg.Pool, integrator: string, orderKey: string, position: string, actor: string): Promise<void> {
  const parked = new ParkedEventRepository(pool);
  const integrators = new IntegratorRepository(pool);
  const { rows } = await pool.query<{ id: string; policy: string; position: string }>(
    `SELECT id::text, policy, position FROM integration.parked_events
      WHERE integrator = $1 AND order_key = $2 AND state = 'parked' AND position <= $3 ORDER BY position`,
    [integrator, orderKey, position],
  );
  for (const row of rows) {
    if (!(await parked.resolve(row.id, { action: 'retry', actor, detail: 'covered by a re-send of the order\'s current state' }))) continue;
    if (row.policy === 'stop') await integrators.moveStoppedPast(integrator, row.position);
  }
}

async function record(pool: pg.Pool, act: { integrator: string; orderKey: string; eventId: string; outcome: 'delivered' | 'failed'; detail: string; actor: string; reason: string }): Promise<void> {
  await pool.query(
    'INSERT INTO integration.resends (integrator, order_key, event_id, outcome, detail, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [act.integrator, act.orderKey, act.eventId, act.outcome, act.detail, act.actor, act.reason],
  );
}

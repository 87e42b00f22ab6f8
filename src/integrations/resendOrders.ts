import type pg from 'pg';
import type { EventData } from '../domain/events.js';
import { toNonEmptyText } from '../domain/primitives.js';
import type { SecretBox } from './SecretBox.js';
import type { EventStore, RecordedEvent } from '../eventstore/EventStore.js';
import { orderStreamId } from '../eventstore/streams.js';
import { bodyBuilderFor } from './bodyBuilderFor.js';
import { deliverWebhook, type Fetch } from './deliverWebhook.js';
import { deliveredTypes } from './integratorConfig.js';
import { deliveryArrays, IntegratorRepository, type IntegratorRunSpec } from './IntegratorRepository.js';
import { ParkedEventRepository } from './ParkedEventRepository.js';
import { deliveryOf } from './runIntegrator.js';

/** What the log keeps of one order's re-send: the payload of its IntegrationResent event. */
export type ResendRecord = EventData<'IntegrationResent'>;

/**
 * Appends the record to the order's stream through the write side's one
 * command path (which knows who asked), resolving when it stands in the log.
 */
export type RecordResend = (orderKey: string, record: ResendRecord) => Promise<void>;

export interface ResendDeps {
  readonly pool: pg.Pool;
  readonly secrets: SecretBox;
  readonly store: EventStore;
  readonly record: RecordResend;
  readonly fetch?: Fetch;
}

/** Who asks (as the parked events they resolve record it), why, and the drift report it answers, if any. */
export interface ResendRequest {
  readonly actor: string;
  readonly reason: string;
  readonly reconciliationId?: string;
}

export type ResendOutcome =
  | { readonly orderKey: string; readonly outcome: 'delivered'; readonly eventIds: string[] }
  | { readonly orderKey: string; readonly outcome: 'failed'; readonly error: string }
  | { readonly orderKey: string; readonly outcome: 'not_found' };

export type ResendResult = { ok: true; results: ResendOutcome[] } | { ok: false; code: 'INTEGRATOR_NOT_FOUND' };

/**
 * Sends the current state of each order through one integrator now, outside
 * its run: a crm-sync integrator its view as of the order's last event it
 * delivers; a CloudEvents one every such event it has not delivered (at
 * least the last). On a 2xx the deliveries are stored and parked events of
 * that order the re-send covers are resolved. Every attempt, delivered or
 * failed, then becomes an IntegrationResent event of the order (`record`):
 * the order's history is the one record of who re-sent what, where, why and
 * with what outcome. A sync record, it makes no system due anything.
 */
export async function resendOrders(deps: ResendDeps, system: string, orderKeys: readonly string[], request: ResendRequest): Promise<ResendResult> {
  const spec = await new IntegratorRepository(deps.pool, deps.secrets).runSpec(system);
  if (!spec) return { ok: false, code: 'INTEGRATOR_NOT_FOUND' };
  const results: ResendOutcome[] = [];
  for (const orderKey of new Set(orderKeys)) results.push(await resendOne(deps, spec, orderKey, request));
  return { ok: true, results };
}

async function resendOne(deps: ResendDeps, spec: IntegratorRunSpec, orderKey: string, request: ResendRequest): Promise<ResendOutcome> {
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
      await store(deps.pool, config.name, sent);
      await deps.record(orderKey, recordOf(config.name, [...sent, event], request, outcome.error));
      return { orderKey, outcome: 'failed', error: outcome.error };
    }
    sent.push(event);
  }
  await store(deps.pool, config.name, sent);
  await resolveCovered(deps.pool, config.name, orderKey, sent.at(-1)!.position, request.actor);
  await deps.record(orderKey, recordOf(config.name, sent, request));
  return { orderKey, outcome: 'delivered', eventIds: sent.map((e) => e.id) };
}

/** The IntegrationResent payload, the receiver's error text made storable. */
function recordOf(integrator: string, sent: readonly RecordedEvent[], request: ResendRequest, error?: string): ResendRecord {
  return {
    integrator, eventIds: sent.map((e) => e.id), reason: request.reason,
    ...(request.reconciliationId ? { reconciliationId: request.reconciliationId } : {}),
    ...(error === undefined
      ? { outcome: 'delivered' as const }
      : { outcome: 'failed' as const, error: toNonEmptyText(error, 'refused') }),
  };
}

/** The order's events the integrator delivers and has not delivered; the last one when it has them all. */
async function dueEvents(deps: ResendDeps, spec: IntegratorRunSpec, orderKey: string): Promise<RecordedEvent[]> {
  const types = deliveredTypes(spec.config.types);
  const matching: RecordedEvent[] = [];
  for await (const event of deps.store.readStream(orderStreamId(orderKey))) {
    if (types.includes(event.type)) matching.push(event);
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

import type { EventStore, Position } from '../eventstore/EventStore.js';
import { deliveredTypes } from './integratorConfig.js';
import type { IntegratorRecord } from './IntegratorRepository.js';

/** Counting stops here: beyond it the exact backlog matters less than the age of its oldest event. */
export const lagCountCap = 1000;

/** What an operator sees of an integrator (never its secret). */
export interface IntegratorStatusView {
  name: string;
  url: string;
  types: string[] | null;
  preset: string;
  onFailure: string;
  origin: string;
  status: IntegratorRecord['status'];
  checkpoint: string;
  lag: {
    /** Events after the checkpoint that the integrator will deliver, counted up to `lagCountCap`. */
    events: number;
    capped: boolean;
    /** Age of the oldest undelivered event; 0 when caught up. */
    seconds: number;
  };
  breaker: IntegratorRecord['breakerState'];
  delivered: number;
  lastDeliveredAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** An integrator's record with its lag behind the log. */
export async function integratorStatus(store: EventStore, record: IntegratorRecord, now = Date.now()): Promise<IntegratorStatusView> {
  const page = await store.readAll({ after: record.position as Position, limit: lagCountCap, types: deliveredTypes(record.types) });
  const oldest = page.events[0]?.recordedAt.getTime();
  return {
    name: record.name,
    url: record.url,
    types: record.types,
    preset: record.preset,
    onFailure: record.onFailure,
    origin: record.origin,
    status: record.status,
    checkpoint: record.position,
    lag: { events: page.events.length, capped: !page.isEnd, seconds: oldest === undefined ? 0 : Math.max(0, Math.round((now - oldest) / 1000)) },
    breaker: record.breakerState,
    delivered: Number(record.deliveredCount),
    lastDeliveredAt: record.lastDeliveredAt?.toISOString() ?? null,
    lastError: record.lastError,
    lastErrorAt: record.lastErrorAt?.toISOString() ?? null,
  };
}

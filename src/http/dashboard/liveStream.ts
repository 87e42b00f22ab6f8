import { openEventStream } from '../openEventStream.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';

export interface LiveStreamOptions {
  readonly pool: pg.Pool;
  /** How often the read models' checkpoint is looked at. */
  readonly pollMs: number;
  readonly heartbeatMs: number;
  /** Ends the stream when the server shuts down. */
  readonly shutdown: AbortSignal;
}

const recentLimit = 20;

/**
 * Server-sent events for the dashboard: whenever the order read models
 * (`orders`, `audit_trail`, `sync_acks`) have moved, or an integrator
 * delivered (its checkpoint moved: the sync figures changed without a new
 * event), one `changed` message with the new events from the audit trail
 * (newest last, at most 20; none for a delivery), so the page refreshes
 * figures that already include them; first a `hello` with the latest 20
 * events already applied. Polling a few checkpoint rows a second per viewer
 * is cheaper than following the log itself.
 */
export async function liveStream(request: FastifyRequest, reply: FastifyReply, options: LiveStreamOptions): Promise<void> {
  const { raw, closed, end } = openEventStream(request, reply, options.shutdown);
  let { position: last, deliveries } = await seen(options.pool);
  let lastBeat = Date.now();
  raw.write(`event: hello\nid: ${last}\ndata: ${JSON.stringify({ position: last, events: await recentEvents(options.pool, '', last) })}\n\n`);
  try {
    while (!closed.aborted) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      if (closed.aborted) break;
      const now = await seen(options.pool);
      if (now.position !== last || now.deliveries !== deliveries) {
        const events = now.position === last ? [] : await recentEvents(options.pool, last, now.position);
        raw.write(`event: changed\nid: ${now.position}\ndata: ${JSON.stringify({ position: now.position, events })}\n\n`);
        ({ position: last, deliveries } = now);
        lastBeat = Date.now();
      } else if (Date.now() - lastBeat >= options.heartbeatMs) {
        raw.write(': heartbeat\n\n');
        lastBeat = Date.now();
      }
    }
  } catch (error) {
    if (!closed.aborted) request.log.error({ err: error }, 'dashboard stream failed');
  } finally {
    end();
  }
}

/** The newest events (at most 20) after `after` up to `upTo`, oldest first, as the audit trail has them. */
async function recentEvents(pool: pg.Pool, after: string, upTo: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query(
    `SELECT position, order_key AS "orderKey", event_type AS "type", source_kind AS "system", actor_id AS "actor",
            occurred_at AS "occurredAt", correlation_id AS "correlationId"
       FROM (SELECT * FROM reporting.audit_trail WHERE position > $1 AND position <= $2 ORDER BY position DESC LIMIT ${recentLimit}) a
      ORDER BY position`,
    [after, upTo],
  );
  return rows;
}

/** The position every order read model has reached (the slowest), and every integrator's checkpoint. */
async function seen(pool: pg.Pool): Promise<{ position: string; deliveries: string }> {
  const { rows } = await pool.query<{ position: string | null; deliveries: string | null }>(
    `SELECT (SELECT min(position) FROM reporting.projection_checkpoints WHERE name IN ('orders', 'audit_trail', 'sync_acks')) AS position,
            (SELECT string_agg(name || ' ' || position, ',' ORDER BY name) FROM integration.integrator_checkpoints) AS deliveries`,
  );
  return { position: rows[0]?.position ?? '', deliveries: rows[0]?.deliveries ?? '' };
}

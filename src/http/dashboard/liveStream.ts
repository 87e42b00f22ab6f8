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
 * Server-sent events for the dashboard: whenever the `orders` and
 * `audit_trail` projections have moved, one `changed` message with the new
 * events from the audit trail (newest last, at most 20), so the page
 * refreshes figures that already include them; first a `hello` with the
 * latest 20 events already applied. Polling one checkpoint row a
 * second per viewer is cheaper than following the log itself.
 */
export async function liveStream(request: FastifyRequest, reply: FastifyReply, options: LiveStreamOptions): Promise<void> {
  const { raw, closed, end } = openEventStream(request, reply, options.shutdown);
  let last = await seenPosition(options.pool);
  let lastBeat = Date.now();
  raw.write(`event: hello\nid: ${last}\ndata: ${JSON.stringify({ position: last, events: await recentEvents(options.pool, '', last) })}\n\n`);
  try {
    while (!closed.aborted) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      if (closed.aborted) break;
      const position = await seenPosition(options.pool);
      if (position !== last) {
        raw.write(`event: changed\nid: ${position}\ndata: ${JSON.stringify({ position, events: await recentEvents(options.pool, last, position) })}\n\n`);
        last = position;
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

/** The position both order read models have reached (the slower of the two). */
async function seenPosition(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ position: string | null }>(
    "SELECT min(position) AS position FROM reporting.projection_checkpoints WHERE name IN ('orders', 'audit_trail')",
  );
  return rows[0]?.position ?? '';
}

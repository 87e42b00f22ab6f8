import type pg from 'pg';
import type { BreakerState } from './CircuitBreaker.js';
import type { FailurePolicy, IntegratorConfig, IntegratorPreset } from './integratorConfig.js';
import type { SecretBox } from './SecretBox.js';

export type IntegratorStatus = 'running' | 'paused' | 'stopped';

/** An integrator's configuration and run state, as stored (the secret excluded). */
export interface IntegratorRecord {
  name: string;
  url: string;
  types: string[] | null;
  preset: IntegratorPreset;
  onFailure: FailurePolicy;
  maxAttempts: number;
  origin: 'file' | 'api';
  position: string;
  epoch: string;
  paused: boolean;
  /** running | paused | stopped (an event exhausted its attempts under the stop policy). */
  status: IntegratorStatus;
  breakerState: BreakerState;
  deliveredCount: string;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** What a runner needs: the full configuration with its secret, and where to resume. */
export interface IntegratorRunSpec {
  config: IntegratorConfig;
  position: string;
  epoch: string;
  paused: boolean;
  stopped: boolean;
}

export type IntegratorChange = { ok: true; record: IntegratorRecord } | { ok: false; code: 'INTEGRATOR_NOT_FOUND' };

const recordColumns = `
  i.name, i.url, i.types, i.preset, i.on_failure AS "onFailure", i.max_attempts AS "maxAttempts", i.origin,
  c.position, c.epoch::text AS epoch, c.paused,
  CASE WHEN c.status = 'stopped' THEN 'stopped' WHEN c.paused THEN 'paused' ELSE 'running' END AS status,
  c.breaker_state AS "breakerState", c.delivered_count::text AS "deliveredCount",
  c.last_delivered_at AS "lastDeliveredAt", c.last_error AS "lastError", c.last_error_at AS "lastErrorAt"`;

const specColumns = `
  i.*, c.position, c.epoch::text AS epoch, c.paused, c.status = 'stopped' AS stopped`;

const from = 'integration.integrators i JOIN integration.integrator_checkpoints c USING (name)';

/** The integrators as a list to page through (with the report lists' keyset pages), by name; rows are `IntegratorRecord`s. */
export function integratorList() {
  return { sql: `SELECT ${recordColumns} FROM ${from}`, params: [], keys: [{ expr: 'name', type: 'text' }] } as const;
}

/** The integrators and their checkpoints in `integration.*` (the supervisor, the admin API and the CLI share it). */
export class IntegratorRepository {
  /** `secrets` seals and opens signing secrets; only writing a configuration and reading run specs need it. */
  constructor(private readonly pool: pg.Pool, private readonly secrets?: SecretBox) {}

  private box(): SecretBox {
    if (!this.secrets) throw new Error('IntegratorRepository needs the secrets key to read or write signing secrets');
    return this.secrets;
  }

  /**
   * Seals every secret still in plain text (stored before secrets were
   * sealed) or sealed with a key other than the current one; answers how many.
   */
  async resealSecrets(): Promise<number> {
    const box = this.box();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ name: string; secret: string }>('SELECT name, secret FROM integration.integrators ORDER BY name FOR UPDATE');
      let resealed = 0;
      for (const row of rows.filter((r) => box.needsSealing(r.secret))) {
        const plain = row.secret.startsWith('whsec_') ? row.secret : box.open(row.secret, row.name);
        await client.query('UPDATE integration.integrators SET secret = $2 WHERE name = $1', [row.name, box.seal(plain, row.name)]);
        resealed++;
      }
      await client.query('COMMIT');
      return resealed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Creates or updates an integrator's configuration; its checkpoint and run
   * state are kept. A new one starts after `startAfter` (default: the start of the log).
   */
  async upsert(config: IntegratorConfig, origin: 'file' | 'api', startAfter = ''): Promise<{ created: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ created: boolean }>(
        `INSERT INTO integration.integrators AS i (name, url, types, secret, preset, max_attempts, backoff_base_ms, backoff_max_ms,
           timeout_ms, breaker_failure_threshold, breaker_open_ms, on_failure, origin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, types = EXCLUDED.types, secret = EXCLUDED.secret,
           preset = EXCLUDED.preset, max_attempts = EXCLUDED.max_attempts, backoff_base_ms = EXCLUDED.backoff_base_ms,
           backoff_max_ms = EXCLUDED.backoff_max_ms, timeout_ms = EXCLUDED.timeout_ms,
           breaker_failure_threshold = EXCLUDED.breaker_failure_threshold, breaker_open_ms = EXCLUDED.breaker_open_ms,
           on_failure = EXCLUDED.on_failure, origin = EXCLUDED.origin, updated_at = now()
         RETURNING (xmax = 0) AS created`,
        [config.name, config.url, config.types ?? null, this.box().seal(config.secret, config.name), config.preset, config.maxAttempts, config.backoff.baseMs,
          config.backoff.maxMs, config.timeoutMs, config.breaker.failureThreshold, config.breaker.openMs, config.onFailure, origin],
      );
      // A configuration change restarts a running integrator (new epoch) so it takes effect.
      await client.query(
        `INSERT INTO integration.integrator_checkpoints (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET epoch = integration.integrator_checkpoints.epoch + 1, updated_at = now()`,
        [config.name, startAfter],
      );
      await client.query('COMMIT');
      return { created: rows[0]?.created ?? false };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Deletes an integrator with its checkpoint and parked events. */
  async remove(name: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM integration.integrators WHERE name = $1', [name]);
    return result.rowCount === 1;
  }

  async list(): Promise<IntegratorRecord[]> {
    const { rows } = await this.pool.query<IntegratorRecord>(`SELECT ${recordColumns} FROM ${from} ORDER BY i.name`);
    return rows;
  }

  async get(name: string): Promise<IntegratorRecord | undefined> {
    const { rows } = await this.pool.query<IntegratorRecord>(`SELECT ${recordColumns} FROM ${from} WHERE i.name = $1`, [name]);
    return rows[0];
  }

  /** Every integrator with its secret and resume point, for the supervisor. */
  async runSpecs(): Promise<IntegratorRunSpec[]> {
    const { rows } = await this.pool.query<SpecRow>(`SELECT ${specColumns} FROM ${from} ORDER BY i.name`);
    return rows.map((row) => toRunSpec(row, this.box()));
  }

  async runSpec(name: string): Promise<IntegratorRunSpec | undefined> {
    const { rows } = await this.pool.query<SpecRow>(`SELECT ${specColumns} FROM ${from} WHERE i.name = $1`, [name]);
    return rows[0] && toRunSpec(rows[0], this.box());
  }

  /** Moves the checkpoint to `position` (either way) and restarts delivery from there. */
  reset(name: string, position: string): Promise<IntegratorChange> {
    return this.change(name, `position = $2, epoch = epoch + 1, status = 'running', last_error = NULL`, [position]);
  }

  pause(name: string): Promise<IntegratorChange> {
    return this.change(name, 'paused = true', []);
  }

  /** Unpauses, and restarts an integrator the stop policy stopped (it retries the event it stopped on). */
  resume(name: string): Promise<IntegratorChange> {
    return this.change(name, `paused = false, status = 'running'`, []);
  }

  /**
   * Advances the checkpoint past `delivered` 2xx deliveries (or a park), only
   * while `epoch` holds: false means a reset or reconfiguration happened meanwhile.
   */
  async advance(name: string, epoch: string, position: string, delivered: readonly Delivery[]): Promise<boolean> {
    // One statement: the deliveries are stored exactly when the checkpoint moves past them.
    const { rows } = await this.pool.query<{ held: boolean }>(
      `WITH moved AS (
         UPDATE integration.integrator_checkpoints
            SET position = $3, updated_at = now(),
                delivered_count = delivered_count + $4,
                last_delivered_at = CASE WHEN $4 > 0 THEN now() ELSE last_delivered_at END
          WHERE name = $1 AND epoch = $2::bigint
          RETURNING name
       ), stored AS (
         INSERT INTO integration.deliveries (integrator, event_id, order_key, revision, position, event_type, recorded_at, delivered_at)
         SELECT m.name, d.* FROM moved m,
                unnest($5::uuid[], $6::text[], $7::int8[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[]) d
         ON CONFLICT (integrator, event_id) DO NOTHING
       )
       SELECT EXISTS (SELECT 1 FROM moved) AS held`,
      [name, epoch, position, delivered.length, ...deliveryArrays(delivered)],
    );
    return rows[0]?.held === true;
  }

  /** The stop policy: the integrator stays before the event until someone resumes it. */
  async stop(name: string, epoch: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE integration.integrator_checkpoints SET status = 'stopped', last_error = $3, last_error_at = now(), updated_at = now()
        WHERE name = $1 AND epoch = $2::bigint`,
      [name, epoch, error],
    );
  }

  async recordError(name: string, error: string, breakerState: BreakerState): Promise<void> {
    await this.pool.query(
      `UPDATE integration.integrator_checkpoints SET last_error = $2, last_error_at = now(), breaker_state = $3 WHERE name = $1`,
      [name, error, breakerState],
    );
  }

  async recordBreaker(name: string, breakerState: BreakerState): Promise<void> {
    await this.pool.query(`UPDATE integration.integrator_checkpoints SET breaker_state = $2 WHERE name = $1`, [name, breakerState]);
  }

  /**
   * After a parked event that stopped its integrator is delivered or
   * discarded: move past it and run again, if it is still stuck there.
   */
  async moveStoppedPast(name: string, position: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE integration.integrator_checkpoints SET position = $2, status = 'running', epoch = epoch + 1, updated_at = now()
        WHERE name = $1 AND status = 'stopped' AND position COLLATE "C" < $2 COLLATE "C"`,
      [name, position],
    );
    return result.rowCount === 1;
  }

  private async change(name: string, set: string, params: unknown[]): Promise<IntegratorChange> {
    const result = await this.pool.query(
      `UPDATE integration.integrator_checkpoints SET ${set}, updated_at = now() WHERE name = $1`,
      [name, ...params],
    );
    if (result.rowCount !== 1) return { ok: false, code: 'INTEGRATOR_NOT_FOUND' };
    const record = await this.get(name);
    return record ? { ok: true, record } : { ok: false, code: 'INTEGRATOR_NOT_FOUND' };
  }
}

interface SpecRow {
  name: string; url: string; types: string[] | null; secret: string; preset: IntegratorPreset; max_attempts: number;
  backoff_base_ms: number; backoff_max_ms: number; timeout_ms: number; breaker_failure_threshold: number;
  breaker_open_ms: number; on_failure: FailurePolicy; position: string; epoch: string; paused: boolean; stopped: boolean;
}

function toRunSpec(row: SpecRow, secrets: SecretBox): IntegratorRunSpec {
  return {
    config: {
      name: row.name,
      url: row.url,
      ...(row.types ? { types: row.types } : {}),
      secret: secrets.open(row.secret, row.name),
      preset: row.preset,
      maxAttempts: row.max_attempts,
      backoff: { baseMs: row.backoff_base_ms, maxMs: row.backoff_max_ms },
      timeoutMs: row.timeout_ms,
      breaker: { failureThreshold: row.breaker_failure_threshold, openMs: row.breaker_open_ms },
      onFailure: row.on_failure,
    },
    position: row.position,
    epoch: row.epoch,
    paused: row.paused,
    stopped: row.stopped,
  };
}

/** One event delivered with a 2xx, as `integration.deliveries` keeps it. */
export interface Delivery {
  readonly eventId: string;
  readonly orderKey: string | null;
  readonly revision: bigint;
  readonly position: string;
  readonly eventType: string;
  readonly recordedAt: Date;
  readonly deliveredAt: Date;
}

/** The deliveries as parallel arrays, in the column order of `integration.deliveries`. */
export function deliveryArrays(delivered: readonly Delivery[]): unknown[][] {
  return [
    delivered.map((d) => d.eventId), delivered.map((d) => d.orderKey), delivered.map((d) => d.revision.toString()),
    delivered.map((d) => d.position), delivered.map((d) => d.eventType), delivered.map((d) => d.recordedAt), delivered.map((d) => d.deliveredAt),
  ];
}

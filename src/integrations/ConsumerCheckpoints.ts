import type pg from 'pg';

export interface ConsumerCheckpoint {
  name: string;
  /** '' (the start of the log) for a consumer that never stored one. */
  position: string;
  updatedAt: Date | null;
}

/** Storing a checkpoint: accepted, or refused because the stored one is further on. */
export type CheckpointWrite =
  | { ok: true; checkpoint: ConsumerCheckpoint }
  | { ok: false; code: 'CHECKPOINT_BEHIND'; current: ConsumerCheckpoint };

const columns = 'name, position, updated_at AS "updatedAt"';

/** Named pull consumers' server-side checkpoints (`integration.consumer_checkpoints`). */
export class ConsumerCheckpoints {
  constructor(private readonly pool: pg.Pool) {}

  async get(name: string): Promise<ConsumerCheckpoint> {
    const { rows } = await this.pool.query<ConsumerCheckpoint>(`SELECT ${columns} FROM integration.consumer_checkpoints WHERE name = $1`, [name]);
    return rows[0] ?? { name, position: '', updatedAt: null };
  }

  /** Stores `position` unless the stored checkpoint is already further on (equal is a no-op success). */
  async advance(name: string, position: string, actor: string): Promise<CheckpointWrite> {
    const { rows } = await this.pool.query<ConsumerCheckpoint>(
      `INSERT INTO integration.consumer_checkpoints AS c (name, position, updated_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now(), updated_by = EXCLUDED.updated_by
         WHERE c.position COLLATE "C" <= EXCLUDED.position COLLATE "C"
       RETURNING ${columns}`,
      [name, position, actor],
    );
    if (rows[0]) return { ok: true, checkpoint: rows[0] };
    return { ok: false, code: 'CHECKPOINT_BEHIND', current: await this.get(name) };
  }

  /** The one way back: an admin reset, recorded with who, why, and from where. */
  async reset(name: string, position: string, actor: string, reason: string): Promise<{ checkpoint: ConsumerCheckpoint; previous: string | null }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const before = await client.query<{ position: string }>(
        'SELECT position FROM integration.consumer_checkpoints WHERE name = $1 FOR UPDATE', [name]);
      const { rows } = await client.query<ConsumerCheckpoint>(
        `INSERT INTO integration.consumer_checkpoints (name, position, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING ${columns}`,
        [name, position, actor],
      );
      const previous = before.rows[0]?.position ?? null;
      await client.query(
        `INSERT INTO integration.consumer_checkpoint_resets (name, from_position, to_position, actor, reason) VALUES ($1, $2, $3, $4, $5)`,
        [name, previous, position, actor, reason],
      );
      await client.query('COMMIT');
      return { checkpoint: rows[0]!, previous };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

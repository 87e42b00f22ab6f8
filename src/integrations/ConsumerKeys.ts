import type pg from 'pg';

export interface ConsumerKeyBinding {
  readonly consumer: string;
  readonly keyId: string;
  readonly boundBy: string;
  readonly boundAt: Date;
}

const columns = 'consumer, key_id AS "keyId", bound_by AS "boundBy", bound_at AS "boundAt"';

/**
 * The keys bound to each named consumer (`integration.consumer_keys`):
 * besides admin keys, only they may store its checkpoint.
 */
export class ConsumerKeys {
  constructor(private readonly pool: pg.Pool) {}

  async isBound(consumer: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM integration.consumer_keys WHERE consumer = $1 AND key_id = $2', [consumer, keyId]);
    return rowCount === 1;
  }

  async list(consumer: string): Promise<ConsumerKeyBinding[]> {
    const { rows } = await this.pool.query<ConsumerKeyBinding>(`SELECT ${columns} FROM integration.consumer_keys WHERE consumer = $1 ORDER BY bound_at, key_id`, [consumer]);
    return rows;
  }

  /** Binds an active key; false when no active key has that id. Binding twice keeps the first record. */
  async bind(consumer: string, keyId: string, actor: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO integration.consumer_keys (consumer, key_id, bound_by)
       SELECT $1, id, $3 FROM ledger.api_keys WHERE id = $2 AND revoked_at IS NULL
       ON CONFLICT (consumer, key_id) DO UPDATE SET consumer = EXCLUDED.consumer
       RETURNING 1`,
      [consumer, keyId, actor],
    );
    return rowCount === 1;
  }

  async unbind(consumer: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM integration.consumer_keys WHERE consumer = $1 AND key_id = $2', [consumer, keyId]);
    return rowCount === 1;
  }
}

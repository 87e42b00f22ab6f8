import type pg from 'pg';

export interface ConsumerKeyBinding {
  readonly consumer: string;
  readonly keyId: string;
  readonly boundBy: string;
  readonly boundAt: Date;
}

const columns = 'consumer, key_id AS "keyId", bound_by AS "boundBy", bound_at AS "boundAt"';

/**
 * The keys bound to a consumer as a list to page through (with the report
 * lists' keyset pages), oldest binding first.
 */
export function consumerKeyList(consumer: string) {
  return {
    sql: `SELECT ${columns} FROM integration.consumer_keys WHERE consumer = $1`,
    params: [consumer],
    keys: [{ expr: '"boundAt"', type: 'timestamptz' }, { expr: '"keyId"', type: 'text' }],
  } as const;
}

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

  /** Binds an active key; undefined when no active key has that id. Binding twice keeps (and answers) the first record. */
  async bind(consumer: string, keyId: string, actor: string): Promise<ConsumerKeyBinding | undefined> {
    const { rows } = await this.pool.query<ConsumerKeyBinding>(
      `INSERT INTO integration.consumer_keys (consumer, key_id, bound_by)
       SELECT $1, id, $3 FROM ledger.api_keys WHERE id = $2 AND revoked_at IS NULL
       ON CONFLICT (consumer, key_id) DO UPDATE SET consumer = EXCLUDED.consumer
       RETURNING ${columns}`,
      [consumer, keyId, actor],
    );
    return rows[0];
  }

  async unbind(consumer: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM integration.consumer_keys WHERE consumer = $1 AND key_id = $2', [consumer, keyId]);
    return rowCount === 1;
  }
}

import type pg from 'pg';
import { keysetPage, type Page, type PageRequest } from '../../projections/reports/keysetPage.js';
import { keyIdOf, keyMatches, keyPattern, newKey, type ApiPrincipal, type ApiScope, type KeySystem, type StoredKey } from './apiKeyFormat.js';

export interface ApiKeyStoreOptions {
  /** How often the store looks for keys created or revoked elsewhere (another instance, the CLI). */
  refreshMs?: number;
  log?: (message: string) => void;
}

/** One act on a key, as `ledger.api_key_acts` records it. */
export interface KeyAct {
  readonly seq: number;
  readonly keyId: string;
  readonly act: 'created' | 'revoked' | 'imported';
  readonly actor: string;
  readonly at: string;
}

/** A key as the admin list shows it: neither the secret nor its hash, in any form. */
export type ListedKey = Omit<StoredKey, 'secretSha256'>;

interface KeyRow {
  id: string;
  system: KeySystem;
  scopes: ApiScope[];
  secret_sha256: string;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const columns = 'id, system, scopes, secret_sha256, label, created_at, revoked_at';
const listedColumns = 'id, system, scopes, label, created_at, revoked_at';

/**
 * API keys in PostgreSQL (`ledger.api_keys`), shared by every instance on the
 * database. Requests are authenticated against an in-memory copy of the
 * active keys, so the hot path never waits on the database; the copy is
 * reloaded whenever the act log has grown, checked every `refreshMs`. A key
 * created or revoked anywhere therefore takes effect everywhere within about
 * one refresh interval.
 */
export class ApiKeyStore {
  private active = new Map<string, StoredKey>();
  private seenSeq = -1;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  readonly refreshMs: number;
  private readonly log: (message: string) => void;

  private constructor(private readonly pool: pg.Pool, options: ApiKeyStoreOptions) {
    this.refreshMs = options.refreshMs ?? 1000;
    this.log = options.log ?? (() => undefined);
  }

  /** Opens the store and loads the active keys once. */
  static async open(pool: pg.Pool, options: ApiKeyStoreOptions = {}): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(pool, options);
    await store.refresh();
    return store;
  }

  /** Starts looking for changes made elsewhere every `refreshMs`. */
  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((error: Error) => this.log(`API key refresh failed, keeping the last known keys: ${error.message}`));
    }, this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => undefined);
  }

  /** Reloads the active keys if any key was created or revoked since the last look. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  authenticate(presented: string): ApiPrincipal | undefined {
    const id = keyPattern.exec(presented)?.[1];
    const record = id === undefined ? undefined : this.active.get(id);
    if (!record || !keyMatches(record, presented)) return undefined;
    return { keyId: record.id, system: record.system, scopes: new Set(record.scopes) };
  }

  /** Whether no key was ever made on this database (first start). */
  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM ledger.api_keys) AS any');
    return !rows[0]!.any;
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<StoredKey[]> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT ${columns} FROM ledger.api_keys ORDER BY created_at, id`);
    return rows.map(toStoredKey);
  }

  /** A page of every key, revoked ones included, oldest first; the hash is not even read. */
  async page(page: PageRequest): Promise<Page<ListedKey>> {
    const found = await keysetPage(this.pool, {
      sql: `SELECT ${listedColumns} FROM ledger.api_keys`,
      params: [],
      keys: [{ expr: 'created_at', type: 'timestamptz' }, { expr: 'id', type: 'text' }],
    }, page);
    return { ...found, items: found.items.map((row) => toListedKey(row as unknown as Omit<KeyRow, 'secret_sha256'>)) };
  }

  async acts(): Promise<KeyAct[]> {
    const { rows } = await this.pool.query<{ seq: string; key_id: string; act: KeyAct['act']; actor: string; at: Date }>(
      'SELECT seq, key_id, act, actor, at FROM ledger.api_key_acts ORDER BY seq',
    );
    return rows.map((r) => ({ seq: Number(r.seq), keyId: r.key_id, act: r.act, actor: r.actor, at: r.at.toISOString() }));
  }

  /** Creates a key, records who did, and returns its secret form once; only the hash is written. */
  async create(input: { system: KeySystem; scopes: readonly ApiScope[]; label?: string | undefined; actor: string }): Promise<{ key: string; record: StoredKey }> {
    const { id, key, secretSha256 } = newKey();
    const record = await this.inTransaction(async (client) => {
      const { rows } = await client.query<KeyRow>(
        `INSERT INTO ledger.api_keys (id, system, scopes, secret_sha256, label) VALUES ($1, $2, $3, $4, $5) RETURNING ${columns}`,
        [id, input.system, [...new Set(input.scopes)], secretSha256, input.label ?? null],
      );
      await client.query("INSERT INTO ledger.api_key_acts (key_id, act, actor) VALUES ($1, 'created', $2)", [id, input.actor]);
      return toStoredKey(rows[0]!);
    });
    this.active.set(id, record);
    return { key, record };
  }

  /** Imports keys kept elsewhere as hashes (an older key file); ids already known are left alone. */
  async importHashed(records: readonly StoredKey[], actor: string): Promise<number> {
    let imported = 0;
    await this.inTransaction(async (client) => {
      for (const r of records) {
        const { rowCount } = await client.query(
          'INSERT INTO ledger.api_keys (id, system, scopes, secret_sha256, label, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING',
          [r.id, r.system, r.scopes, r.secretSha256, r.label ?? null, r.createdAt],
        );
        if (rowCount === 0) continue;
        await client.query("INSERT INTO ledger.api_key_acts (key_id, act, actor) VALUES ($1, 'imported', $2)", [r.id, actor]);
        imported++;
      }
    });
    await this.refresh();
    return imported;
  }

  /** Revokes a key by id (or by its full secret form). False if unknown or already revoked. */
  async revoke(idOrKey: string, actor: string): Promise<boolean> {
    const id = keyIdOf(idOrKey);
    const revoked = await this.inTransaction(async (client) => {
      const { rowCount } = await client.query('UPDATE ledger.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
      if (rowCount === 0) return false;
      await client.query("INSERT INTO ledger.api_key_acts (key_id, act, actor) VALUES ($1, 'revoked', $2)", [id, actor]);
      return true;
    });
    this.active.delete(id);
    return revoked;
  }

  private async reload(): Promise<void> {
    const { rows: [head] } = await this.pool.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM ledger.api_key_acts');
    const seq = Number(head!.seq);
    if (seq === this.seenSeq) return;
    const { rows } = await this.pool.query<KeyRow>(`SELECT ${columns} FROM ledger.api_keys WHERE revoked_at IS NULL`);
    this.active = new Map(rows.map((r) => [r.id, toStoredKey(r)]));
    this.seenSeq = seq;
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function toStoredKey(row: KeyRow): StoredKey {
  return { ...toListedKey(row), secretSha256: row.secret_sha256 };
}

function toListedKey(row: Omit<KeyRow, 'secret_sha256'>): ListedKey {
  return {
    id: row.id, system: row.system, scopes: row.scopes,
    ...(row.label === null ? {} : { label: row.label }),
    createdAt: row.created_at.toISOString(),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at.toISOString() }),
  };
}

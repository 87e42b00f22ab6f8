import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quoteIdent, startEmbeddedPostgres, type EmbeddedServer } from '../../src/postgres/embeddedPostgres.js';
import { migrate } from '../../src/postgres/migrate.js';
import { adminQuery } from '../../src/postgres/adminQuery.js';

/** A database made for one benchmark, dropped when it is done. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** The one PostgreSQL server of a bench run. */
export interface BenchServer {
  /** The embedded server's data folder (undefined with DATABASE_URL). */
  readonly dataDir: string | undefined;
  readonly adminUrl: string;
  /** A fresh database; `migrated` applies the project's migrations (the ledger schema). */
  createDatabase(label: string, options: { migrated: boolean }): Promise<BenchDatabase>;
  stop(): Promise<void>;
}

/**
 * Uses DATABASE_URL (a role that may CREATE DATABASE) when set; otherwise
 * starts embedded PostgreSQL with all defaults (fsync and synchronous_commit
 * on) in a temp folder the postgres user can enter even when we run as root.
 */
export async function startBenchServer(log: (message: string) => void): Promise<BenchServer> {
  let embedded: EmbeddedServer | undefined;
  let dataRoot: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataRoot = await mkdtemp(path.join(tmpdir(), 'order-ledger-bench-'));
    await chmod(dataRoot, 0o755);
    log(`starting embedded PostgreSQL in ${dataRoot}`);
    embedded = await startEmbeddedPostgres({ dir: path.join(dataRoot, 'pg') });
    adminUrl = embedded.adminUrl;
  }
  const admin = adminUrl;
  let counter = 0;
  return {
    dataDir: dataRoot && path.join(dataRoot, 'pg'),
    adminUrl: admin,
    async createDatabase(label, { migrated }) {
      counter += 1;
      const name = `bench_${label.replace(/[^a-z0-9_]/gi, '_')}_${process.pid}_${counter}`;
      await adminQuery(admin, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      await adminQuery(admin, `CREATE DATABASE ${quoteIdent(name)}`);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      if (migrated) await migrate(url.toString());
      return { name, url: url.toString(), drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`) };
    },
    async stop() {
      await embedded?.stop();
      if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
    },
  };
}

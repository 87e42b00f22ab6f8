import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import { migrationsDir } from '../postgres/migrate.js';
import type { ReadinessCheck } from '../observability/ReadinessCheck.js';

/** Ready when the database answers and every migration of this build is applied. */
export async function databaseReadiness(pool: pg.Pool): Promise<ReadinessCheck> {
  const migrationNames = (await readdir(migrationsDir))
    .filter((f) => /\.(sql|ts|js)$/.test(f))
    .map((f) => f.replace(/\.(sql|ts|js)$/, ''));
  return {
    name: 'database',
    async check() {
      let applied: Set<string>;
      try {
        const { rows } = await pool.query<{ name: string }>('SELECT name FROM public.pgmigrations');
        applied = new Set(rows.map((r) => r.name));
      } catch (error) {
        return { ready: false, reason: 'database unreachable', detail: (error as Error).message };
      }
      const pending = migrationNames.filter((name) => !applied.has(name));
      return pending.length > 0 ? { ready: false, reason: 'migrations pending', pending } : { ready: true };
    },
  };
}

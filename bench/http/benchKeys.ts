import pg from 'pg';
import { sourceSystemKinds, type SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';

/** A submit+read key per source system and a reader for the reports, in the (migrated) bench database. */
export async function benchKeys(databaseUrl: string): Promise<{ keys: Record<SourceSystemKind, string>; reader: string }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const store = await ApiKeyStore.open(pool);
    const keys = {} as Record<SourceSystemKind, string>;
    for (const system of sourceSystemKinds) keys[system] = (await store.create({ system, scopes: ['submit', 'read'], actor: 'bench' })).key;
    const reader = (await store.create({ system: 'ADMIN', scopes: ['read', 'audit'], actor: 'bench' })).key;
    return { keys, reader };
  } finally {
    await pool.end();
  }
}

import type { KeySystem } from './apiKeyFormat.js';
import type { ApiKeyStore } from './ApiKeyStore.js';

const sourceSystems: readonly KeySystem[] = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'];

/**
 * On the first start on a database that never had a key, creates one key per
 * source system (submit, read) and an admin key, and returns them so the
 * caller can print them once. Only hashes are kept.
 */
export async function bootstrapKeys(keys: ApiKeyStore): Promise<{ system: KeySystem; scopes: string[]; key: string }[]> {
  if (!(await keys.isEmpty())) return [];
  const actor = 'first start';
  const created = [];
  for (const system of sourceSystems) {
    const { key, record } = await keys.create({ system, scopes: ['submit', 'read'], label: 'created on first start', actor });
    created.push({ system, scopes: [...record.scopes], key });
  }
  const admin = await keys.create({ system: 'ADMIN', scopes: ['admin', 'read', 'audit', 'submit'], label: 'created on first start', actor });
  created.push({ system: 'ADMIN' as const, scopes: [...admin.record.scopes], key: admin.key });
  return created;
}

export function formatNewKeys(created: readonly { system: string; scopes: string[]; key: string }[]): string {
  const width = Math.max(...created.map((c) => c.system.length));
  return [
    '',
    '== order-ledger: API keys created on first start. They are shown ONLY NOW; the database keeps hashes only. ==',
    ...created.map((c) => `  ${c.system.padEnd(width)}  ${c.key}   (${c.scopes.join(',')})`),
    '  (order-ledger keys create|list|revoke; simulate --keys reads this block from a file)',
    '',
  ].join('\n');
}

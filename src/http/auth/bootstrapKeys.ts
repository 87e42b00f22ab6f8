import { type ApiKeyFile, type KeySystem } from './apiKeyFile.js';

const sourceSystems: readonly KeySystem[] = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'];

/**
 * On the first start with an empty key file, creates one key per source
 * system (submit, read) and an admin key, and returns them so the caller can
 * print them once. Only hashes are kept.
 */
export async function bootstrapKeys(keys: ApiKeyFile): Promise<{ system: KeySystem; scopes: string[]; key: string }[]> {
  if (keys.size > 0) return [];
  const created = [];
  for (const system of sourceSystems) {
    const { key, record } = await keys.create({ system, scopes: ['submit', 'read'], label: 'created on first start' });
    created.push({ system, scopes: record.scopes, key });
  }
  const admin = await keys.create({ system: 'ADMIN', scopes: ['admin', 'read', 'audit', 'submit'], label: 'created on first start' });
  created.push({ system: 'ADMIN' as const, scopes: admin.record.scopes, key: admin.key });
  return created;
}

export function formatNewKeys(file: string, created: readonly { system: string; scopes: string[]; key: string }[]): string {
  const width = Math.max(...created.map((c) => c.system.length));
  return [
    '',
    '== order-ledger: API keys created on first start. They are shown ONLY NOW; the key file keeps hashes only. ==',
    ...created.map((c) => `  ${c.system.padEnd(width)}  ${c.key}   (${c.scopes.join(',')})`),
    `  key file: ${file}  (order-ledger keys create|list|revoke)`,
    '',
  ].join('\n');
}

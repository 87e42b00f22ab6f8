import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bootstrapKeys, formatNewKeys } from '../../src/http/auth/bootstrapKeys.js';
import { ApiKeyStore } from '../../src/http/auth/ApiKeyStore.js';
import { readKeysFile } from '../../src/simulator/readKeysFile.js';
import { tempPath } from '../support/tempFile.js';
import { createTestDatabase } from '../support/testDatabase.js';

const key = (id: string) => `olk_${id.padEnd(12, '0')}_${'A'.repeat(43)}`;

describe('readKeysFile', () => {
  it('reads the key block the first start prints, as pasted', async () => {
    const db = await createTestDatabase(2);
    const created = await bootstrapKeys(await ApiKeyStore.open(db.pool));
    const file = await tempPath('keys.txt');
    await writeFile(file, formatNewKeys(created));
    const keys = await readKeysFile(file);
    for (const c of created) expect(keys[c.system as keyof typeof keys]).toBe(c.key);
    expect(Object.keys(keys).sort()).toEqual(['ADMIN', 'CRM', 'ECOMMERCE', 'EDI', 'ERP', 'TMS', 'WMS']);
  });

  it('reads a JSON object, with an ADMIN key beside the source systems', async () => {
    const file = await tempPath('keys.json');
    const systems = ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'];
    await writeFile(file, JSON.stringify({ ...Object.fromEntries(systems.map((s) => [s, key(s.toLowerCase())])), ADMIN: key('admin') }));
    expect((await readKeysFile(file)).WMS).toBe(key('wms'));
  });

  it('names the systems a file has no key for, and a malformed key', async () => {
    const file = await tempPath('keys.json');
    await writeFile(file, JSON.stringify({ CRM: key('crm'), ERP: 'sk_live_1234' }));
    await expect(readKeysFile(file)).rejects.toThrow(/ERP must be an order-ledger API key/);
    await writeFile(file, `  CRM  ${key('crm')}   (submit,read)\n`);
    await expect(readKeysFile(file)).rejects.toThrow('has no key for ECOMMERCE, EDI, ERP, WMS, TMS');
  });
});

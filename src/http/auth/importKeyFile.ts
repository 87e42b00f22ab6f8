import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { apiScopes, keySystems } from './apiKeyFormat.js';
import type { ApiKeyStore } from './ApiKeyStore.js';

const fileSchema = z.object({
  version: z.literal(1),
  keys: z.array(z.object({
    id: z.string().regex(/^[a-z0-9]{12}$/),
    system: z.enum(keySystems),
    scopes: z.array(z.enum(apiScopes)).min(1),
    secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
    label: z.string().optional(),
    createdAt: z.string(),
  })),
});

/**
 * Earlier versions kept key hashes in `api-keys.json` in the data folder.
 * Its keys move into the database once, and the file is renamed so that
 * nobody takes it for the live list. Returns how many keys were imported.
 */
export async function importKeyFile(keys: ApiKeyStore, file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`API key file ${file} cannot be imported: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const imported = await keys.importHashed(parsed.data.keys, `key file ${file}`);
  await rename(file, `${file}.imported`);
  return imported;
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { sourceSystemKinds, type SourceSystemKind } from '../domain/sourceSystems.js';

const keysSchema = z.partialRecord(z.enum(sourceSystemKinds), z.string().regex(/^olk_/, 'must be an order-ledger API key (olk_…)'));

/** `{CRM: key, ERP: key, …}`: the key each simulated system submits with. */
export async function readKeysFile(file: string): Promise<Partial<Record<SourceSystemKind, string>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`--keys: cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = keysSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`--keys: ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const missing = sourceSystemKinds.filter((system) => !parsed.data[system]);
  if (missing.length > 0) throw new Error(`--keys: ${file} has no key for ${missing.join(', ')}; the simulator submits as every source system`);
  return parsed.data;
}

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { sourceSystemKinds, type SourceSystemKind } from '../domain/sourceSystems.js';

const apiKey = z.string().regex(/^olk_\S+$/, 'must be an order-ledger API key (olk_…)');
/** Other systems (ADMIN) may be in the file too; the simulator only submits as the source systems. */
const keysSchema = z.looseObject({ ...Object.fromEntries(sourceSystemKinds.map((s) => [s, apiKey.optional()])), ADMIN: apiKey.optional() });

/** A key per source system, and the admin key when the file has one (the drifting CRM registers itself with it). */
export type SimulationKeys = Partial<Record<SourceSystemKind | 'ADMIN', string>>;

/** `  WMS  olk_…   (submit,read)`: a line of the block the first start prints. */
const printedLine = /^\s*([A-Z]+)\s+(olk_\S+)/;

/**
 * The key each simulated system submits with, from a JSON object
 * `{"CRM": key, "ERP": key, …}` or from the key block `npm start` printed on
 * its first start, pasted into a file as it is.
 */
export async function readKeysFile(file: string): Promise<SimulationKeys> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`--keys: cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = keysSchema.safeParse(text.trimStart().startsWith('{') ? parseJson(file, text) : fromPrintedBlock(text));
  if (!parsed.success) throw new Error(`--keys: ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const keys: SimulationKeys = {};
  const data = parsed.data as Partial<Record<SourceSystemKind | 'ADMIN', string>>;
  for (const system of sourceSystemKinds) if (data[system]) keys[system] = data[system];
  if (data.ADMIN) keys.ADMIN = data.ADMIN;
  const missing = sourceSystemKinds.filter((system) => !keys[system]);
  if (missing.length > 0) throw new Error(`--keys: ${file} has no key for ${missing.join(', ')}; the simulator submits as every source system`);
  return keys;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`--keys: ${file} is neither JSON nor the printed key block: ${(error as Error).message}`);
  }
}

function fromPrintedBlock(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = printedLine.exec(line);
    if (match) keys[match[1]!] = match[2]!;
  }
  return keys;
}

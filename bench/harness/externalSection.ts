import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figure } from './results.js';
import type { Section, SectionContext, SectionOutput } from './section.js';
import { spreadOf } from './stats.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type RunBench = (context: SectionContext) => Promise<unknown>;

/**
 * A section whose benchmark another area owns: `bench/<folder>/<exportName>.ts`
 * (or any file there that exports `exportName`), loaded only when present.
 */
export function externalSection(name: string, title: string, folder: string, exportName: string): Section {
  return {
    name,
    title,
    async run(context) {
      const run = await findExport(path.join(benchDir, folder), exportName);
      if (!run) return undefined;
      return normalise(await run(context), name);
    },
  };
}

async function findExport(dir: string, exportName: string): Promise<RunBench | undefined> {
  const conventional = path.join(dir, `${exportName}.ts`);
  const files = existsSync(conventional) ? [conventional] : await candidates(dir, exportName);
  for (const file of files) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const run = module[exportName];
    if (typeof run === 'function') return run as RunBench;
  }
  return undefined;
}

/** Files that declare the export, found by reading (importing every file could have side effects). */
async function candidates(dir: string, exportName: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const text = await readFile(path.join(dir, name), 'utf8');
    if (new RegExp(`export\\s+(async\\s+)?(function|const|let)\\s+${exportName}\\b`).test(text)) found.push(path.join(dir, name));
  }
  return found;
}

/** Accepts `{ figures, notes }` as `SectionOutput`, tolerating a plain number or an array of runs as `value`. */
function normalise(output: unknown, section: string): SectionOutput {
  const raw = (output ?? {}) as { figures?: unknown; notes?: unknown };
  const notes = Array.isArray(raw.notes) ? raw.notes.map(String) : [];
  const figures: Figure[] = [];
  for (const [i, item] of (Array.isArray(raw.figures) ? raw.figures : []).entries()) {
    const figure = item as Partial<Figure> & { value?: unknown };
    const value = figure.value;
    const spread = typeof value === 'number' ? spreadOf([value]) : Array.isArray(value) ? spreadOf(value.map(Number)) : (value as Figure['value'] | undefined);
    if (!spread || typeof spread.median !== 'number') {
      notes.push(`A figure was not in the expected shape: ${JSON.stringify(item)}`);
      continue;
    }
    figures.push({ ...figure, key: figure.key ?? `${section}.${i}`, work: figure.work ?? '?', concurrency: figure.concurrency ?? '', unit: figure.unit ?? '', value: spread } as Figure);
  }
  if (!Array.isArray(raw.figures)) notes.push(`Output was not { figures, notes }: ${JSON.stringify(output)?.slice(0, 500)}`);
  return { figures, notes };
}

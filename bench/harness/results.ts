import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Machine } from './machine.js';
import type { Spread } from './stats.js';

/** One measured figure: a rate (or time) as median and spread of several runs. */
export interface Figure {
  /** Stable key the targets table looks figures up by, e.g. `append.1.8`. */
  readonly key: string;
  /** What was done, e.g. "append, 1 event per call". */
  readonly work: string;
  /** e.g. "8 writers". */
  readonly concurrency: string;
  /** Unit of `value`, e.g. "events/s". */
  readonly unit: string;
  readonly value: Spread;
  /** Per-operation latency percentiles (median and spread of each run's p50/p99). */
  readonly p50Ms?: Spread;
  readonly p99Ms?: Spread;
  readonly p999Ms?: Spread;
  /** Milliseconds per page, for paged reads. */
  readonly pageMs?: Spread;
  /** An absolute target for `value` (relative targets, ours vs Emmett or bare, live in `comparisons.ts`). */
  readonly target?: { readonly value: number; readonly text: string; readonly lowerIsBetter?: boolean };
}

export type SectionStatus = 'measured' | 'not yet available' | 'failed';

/** Everything one section measured in one `npm run bench` invocation. */
export interface SectionResult {
  readonly section: string;
  readonly title: string;
  readonly status: SectionStatus;
  /** Start time of the invocation: sections with the same runId ran side by side on one server. */
  readonly runId: string;
  readonly ranAt: string;
  readonly command: string;
  readonly quick: boolean;
  readonly repetitions: number;
  readonly machine: Machine;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
  readonly durationSeconds: number;
  /** 1-minute load average when the section started (other work on the machine skews figures). */
  readonly loadAverage: number;
}

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const perSectionDir = path.join(benchDir, 'results');
/** Committed: the source of truth for bench/README.md (bench/results/*.json is gitignored). */
const allResultsFile = path.join(benchDir, 'results.json');

export async function saveSection(result: SectionResult): Promise<void> {
  await mkdir(perSectionDir, { recursive: true });
  await writeFile(path.join(perSectionDir, `${result.section}.json`), JSON.stringify(result, null, 2) + '\n');
}

/** Every section's latest result: the committed file, overlaid by newer local per-section files. */
export async function loadAll(): Promise<Map<string, SectionResult>> {
  const latest = new Map<string, SectionResult>();
  const keep = (result: SectionResult): void => {
    const known = latest.get(result.section);
    if (!known || known.ranAt < result.ranAt) latest.set(result.section, result);
  };
  for (const result of await readJson<SectionResult[]>(allResultsFile, [])) keep(result);
  const files = await readdir(perSectionDir).catch(() => [] as string[]);
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    const result = await readJson<SectionResult | undefined>(path.join(perSectionDir, file), undefined);
    if (result) keep(result);
  }
  return latest;
}

export async function saveAll(results: Map<string, SectionResult>): Promise<void> {
  const sorted = [...results.values()].sort((a, b) => a.section.localeCompare(b.section));
  await writeFile(allResultsFile, JSON.stringify(sorted, null, 1) + '\n');
}

export const readmeFile = path.join(benchDir, 'README.md');

/** Hand-written profile findings, included at the end of the README. */
export async function loadFindings(): Promise<string> {
  return readFile(path.join(benchDir, 'FINDINGS.md'), 'utf8').catch(() => '');
}

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

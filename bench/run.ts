/**
 * `npm run bench [-- <section>…] [--quick] [--repetitions N] [--log-sizes a,b]`:
 * runs the benchmarks on one PostgreSQL, stores each section's result, and
 * rewrites bench/README.md from every section's latest result
 * (`npm run bench -- --readme` only rewrites it).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { describeMachine, loadAverage, type Machine } from './harness/machine.js';
import { planFor } from './harness/plan.js';
import { renderReadme } from './harness/readme.js';
import { loadAll, loadFindings, readmeFile, saveAll, saveSection, type SectionResult } from './harness/results.js';
import type { Section, SectionOutput } from './harness/section.js';
import { startBenchServer, type BenchServer } from './harness/server.js';
import { sections } from './sections.js';

const valueFlags = new Set(['--repetitions', '--log-sizes']);

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function parseArgs(args: readonly string[]): { chosen: Section[]; flags: string[] } {
  const names: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (valueFlags.has(arg)) flags.push(arg, args[++i] ?? '');
    else if (arg.startsWith('--')) flags.push(arg);
    else names.push(arg);
  }
  const unknown = names.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
  return { chosen: names.length === 0 ? [...sections] : sections.filter((section) => names.includes(section.name)), flags };
}

async function runSection(section: Section, server: BenchServer, machine: Machine, runId: string, flags: string[]): Promise<SectionResult> {
  const plan = planFor(flags);
  const started = performance.now();
  const load = loadAverage();
  log(`— ${section.name}: ${section.title} (load average ${load})`);
  let output: SectionOutput | undefined;
  let status: SectionResult['status'] = 'measured';
  let failure: string[] = [];
  try {
    output = await section.run({ server, plan, log, tag: randomBytes(4).toString('hex') });
    if (!output) status = 'not yet available';
  } catch (error) {
    status = 'failed';
    failure = [`${(error as Error).stack ?? String(error)}`.split('\n').slice(0, 6).join(' ')];
    log(`${section.name} failed: ${(error as Error).stack ?? String(error)}`);
  }
  return {
    section: section.name,
    title: section.title,
    status,
    runId,
    ranAt: new Date().toISOString(),
    command: ['npm run bench --', section.name, ...flags].join(' '),
    quick: plan.quick,
    repetitions: plan.repetitions,
    machine,
    figures: output?.figures ?? [],
    notes: [...(output?.notes ?? []), ...failure],
    durationSeconds: (performance.now() - started) / 1000,
    loadAverage: load,
  };
}

async function main(): Promise<number> {
  const { chosen, flags } = parseArgs(process.argv.slice(2));
  planFor(flags); // validate before starting anything
  if (flags.includes('--readme')) {
    await writeFile(readmeFile, renderReadme(sections, await loadAll(), await loadFindings()));
    log('bench/README.md rewritten from the stored results (nothing run)');
    return 0;
  }
  const runId = new Date().toISOString();
  const server = await startBenchServer(log);
  let failed = false;
  try {
    const admin = new pg.Pool({ connectionString: server.adminUrl, max: 1 });
    const machine = await describeMachine(admin, server.dataDir).finally(() => admin.end());
    log(`machine: ${machine.cpu} × ${machine.cores}, PostgreSQL ${machine.postgres.split(' ')[0]}, ${machine.disk}`);
    const results = await loadAll();
    for (const section of chosen) {
      const result = await runSection(section, server, machine, runId, flags);
      failed ||= result.status === 'failed';
      // Only measured results replace what the README already shows.
      if (result.status === 'measured' || !results.get(section.name) || results.get(section.name)?.status !== 'measured') {
        results.set(section.name, result);
        await saveSection(result);
      }
      await saveAll(results);
      await writeFile(readmeFile, renderReadme(sections, results, await loadFindings()));
      log(`${section.name}: ${result.status} in ${Math.round(result.durationSeconds)} s; bench/README.md rewritten`);
    }
  } finally {
    await server.stop();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);

import { drive, type DriveResult } from './drive.js';
import { orderLineEvents } from './payload.js';
import { eventsPerStream, pageSize, type BenchPlan } from './plan.js';
import type { Figure } from './results.js';
import { spreadOf } from './stats.js';
import { streamCursor } from './streamCursor.js';
import type { AppendTargetFactory, PagedReadTarget, StreamReadTargetFactory } from './targets.js';

export type Log = (message: string) => void;

/** A figure from one DriveResult per repetition. */
export function figureOf(key: string, work: string, concurrency: string, runs: readonly DriveResult[]): Figure {
  return {
    key,
    work,
    concurrency,
    unit: 'events/s',
    value: spreadOf(runs.map((run) => run.eventsPerSecond)),
    p50Ms: spreadOf(runs.map((run) => run.latency.p50)),
    p99Ms: spreadOf(runs.map((run) => run.latency.p99)),
  };
}

/** `writers` closed-loop writers, each appending `perCall` events at a time to streams of its own. */
export async function measureAppends(
  plan: BenchPlan,
  open: AppendTargetFactory,
  options: { key: string; label: string; perCall: number; writers: number; tag: string; log: Log },
): Promise<Figure> {
  const runs: DriveResult[] = [];
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const target = await open(options.writers);
    try {
      const cursors = Array.from({ length: options.writers }, (_, w) => streamCursor(`${options.tag}-${options.perCall}x${options.writers}-r${rep}-w${w}`));
      const run = await drive({
        workers: options.writers,
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
        operation: async (worker) => {
          const slot = (cursors[worker] as ReturnType<typeof streamCursor>)(options.perCall);
          await target.append(slot.stream, slot.revision, orderLineEvents(slot.stream, slot.revision, options.perCall));
          return options.perCall;
        },
      });
      runs.push(run);
      options.log(`  ${options.label} ${options.perCall}/call × ${options.writers}: ${Math.round(run.eventsPerSecond)} events/s, p50 ${run.latency.p50.toFixed(2)} ms, p99 ${run.latency.p99.toFixed(2)} ms`);
    } finally {
      await target.close();
    }
  }
  const per = options.perCall === 1 ? '1 event' : `${options.perCall} events`;
  return figureOf(options.key, `append, ${per} per call`, `${options.writers} writer${options.writers > 1 ? 's' : ''}`, runs);
}

/** `readers` closed-loop readers reading the same `eventsPerStream`-event stream again and again. */
export async function measureStreamReads(
  plan: BenchPlan,
  open: StreamReadTargetFactory,
  options: { key: string; label: string; stream: string; readers: number; log: Log },
): Promise<Figure> {
  const runs: DriveResult[] = [];
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const target = await open(options.readers);
    try {
      const run = await drive({
        workers: options.readers,
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
        operation: async () => {
          const read = await target.readStream(options.stream);
          if (read !== eventsPerStream) throw new Error(`${options.label}: read ${read} events of ${options.stream}, expected ${eventsPerStream}`);
          return read;
        },
      });
      runs.push(run);
      options.log(`  ${options.label} readStream × ${options.readers}: ${Math.round(run.eventsPerSecond)} events/s`);
    } finally {
      await target.close();
    }
  }
  return figureOf(options.key, `read one ${eventsPerStream}-event stream`, `${options.readers} reader${options.readers > 1 ? 's' : ''}`, runs);
}

/**
 * One reader paging through the global log: `pages` pages from the start
 * and `pages` pages ending at the head. Page time must not depend on where
 * in the log (or how long the log is).
 */
export async function measurePagedReads<Cursor>(
  plan: BenchPlan,
  open: () => Promise<PagedReadTarget<Cursor>>,
  options: { key: string; label: string; logSize: number; pages: number; log: Log },
): Promise<Figure[]> {
  const starts: PageRun[] = [];
  const ends: PageRun[] = [];
  const target = await open();
  try {
    for (let rep = 0; rep < plan.repetitions; rep += 1) {
      starts.push(await readPages(target, target.start, options.pages));
      ends.push(await readPages(target, await target.cursorBeforeEnd(options.pages * pageSize), options.pages));
      const [s, e] = [starts[rep] as PageRun, ends[rep] as PageRun];
      options.log(`  ${options.label} readAll at ${millions(options.logSize)}: start ${s.msPerPage.toFixed(1)} ms/page, end ${e.msPerPage.toFixed(1)} ms/page`);
    }
  } finally {
    await target.close();
  }
  const work = `read the global log in pages of ${pageSize.toLocaleString('en-US')}, ${millions(options.logSize)} events in the log`;
  return [pageFigure(`${options.key}.${options.logSize}.start`, `${work}, at its start`, starts), pageFigure(`${options.key}.${options.logSize}.end`, `${work}, at its end`, ends)];
}

interface PageRun {
  readonly eventsPerSecond: number;
  readonly msPerPage: number;
}

async function readPages<Cursor>(target: PagedReadTarget<Cursor>, from: Cursor, pages: number): Promise<PageRun> {
  let cursor = from;
  let events = 0;
  let pagesRead = 0;
  const started = performance.now();
  while (pagesRead < pages) {
    const page = await target.readPage(cursor, pageSize);
    if (page.count === 0) break;
    pagesRead += 1;
    events += page.count;
    cursor = page.next;
  }
  const ms = performance.now() - started;
  // Emmett resumes after the last global_position of a page ordered by transaction id first: with
  // concurrent writers its pages near the end come back short. Rates count what was actually read.
  if (events < pages * pageSize * 0.5) throw new Error(`paged read got ${events} events in ${pagesRead} pages, expected ${pages * pageSize}`);
  return { eventsPerSecond: (events / ms) * 1000, msPerPage: ms / pagesRead };
}

function pageFigure(key: string, work: string, runs: readonly PageRun[]): Figure {
  return {
    key,
    work,
    concurrency: '1 reader',
    unit: 'events/s',
    value: spreadOf(runs.map((run) => run.eventsPerSecond)),
    pageMs: spreadOf(runs.map((run) => run.msPerPage)),
  };
}

export function millions(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
}

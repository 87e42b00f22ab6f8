import pg from 'pg';
import type { BenchPlan } from './plan.js';
import type { Figure } from './results.js';
import { spreadOf } from './stats.js';
import type { PagedReadTarget } from './targets.js';
import { measurePagedReads, millions, type Log } from './workloads.js';

export interface LogGrowthOptions<Cursor> {
  readonly url: string;
  /** Key prefix of the figures, e.g. `ledger.readAll`. */
  readonly key: string;
  readonly label: string;
  readonly sizes: readonly number[];
  readonly pages: number;
  /** Grows the log from `from` to `to` events; resolves to the load rate (events/s). */
  grow(from: number, to: number): Promise<number>;
  /** How the log is loaded, for the load figure. */
  readonly loadWork: string;
  readonly open: () => Promise<PagedReadTarget<Cursor>>;
  readonly log: Log;
}

/**
 * Grows one log through each size in turn and measures paged reads at each
 * (after an ANALYZE, as autovacuum would have done in service). The load
 * itself is reported too, as a single-run figure.
 */
export async function measureLogGrowth<Cursor>(plan: BenchPlan, options: LogGrowthOptions<Cursor>): Promise<Figure[]> {
  const figures: Figure[] = [];
  let size = 0;
  for (const target of options.sizes) {
    options.log(`${options.label}: loading the log to ${millions(target)} events`);
    const rate = await options.grow(size, target);
    options.log(`${options.label}: loaded ${millions(target)} at ${Math.round(rate)} events/s`);
    figures.push({
      key: `${options.key}.load.${target}`,
      work: `${options.loadWork} (loading ${millions(size)}→${millions(target)}; one run)`,
      concurrency: '',
      unit: 'events/s',
      value: spreadOf([rate]),
    });
    size = target;
    await analyze(options.url);
    figures.push(...(await measurePagedReads(plan, options.open, { key: options.key, label: options.label, logSize: size, pages: options.pages, log: options.log })));
  }
  return figures;
}

async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

import pg from 'pg';
import { timed } from '../harness/drive.js';
import { measureLogGrowth } from '../harness/logGrowth.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext } from '../harness/section.js';
import { seedStream } from '../harness/seedStream.js';
import { spreadOf } from '../harness/stats.js';
import { measureAppends, measureStreamReads } from '../harness/workloads.js';
import { bulkWriter } from './bareCopy.js';
import { bareSchemaSql } from './bareSchema.js';
import { bareAppends, barePagedReads, bareStreamReads } from './bareTargets.js';

/** The physical limit: BENCH-ANCHORS.md's bare table written and read with plain SQL. */
export async function runBareBench({ server, plan, log, tag }: SectionContext): Promise<{ figures: Figure[]; notes: string[] }> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const db = await server.createDatabase('bare', { migrated: false });
  try {
    await createBareTable(db.url);
    for (const writers of plan.writers) {
      const figure = await measureAppends(plan, bareAppends(db.url), { key: `bare.insert.1.${writers}`, label: 'bare', perCall: 1, writers, tag, log });
      figures.push({ ...figure, work: 'single-row INSERT (autocommit)' });
    }
    for (const writers of plan.batchWriters) {
      const figure = await measureAppends(plan, bareAppends(db.url), { key: `bare.insert.100.${writers}`, label: 'bare', perCall: 100, writers, tag, log });
      figures.push({ ...figure, work: 'multi-row INSERT, 100 rows per transaction' });
    }
    const bulk = await bulkWriter(db.url, log);
    const copyRates: number[] = [];
    for (let rep = 0; rep < plan.repetitions; rep += 1) {
      const seconds = await timed(() => bulk.write(plan.copyRows, `${tag}-copy-${rep}`));
      copyRates.push(plan.copyRows / seconds);
      log(`  bare ${plan.copyRows} rows by ${bulk.method}: ${Math.round(plan.copyRows / seconds)} events/s`);
    }
    figures.push({ key: 'bare.copy', work: `COPY ${plan.copyRows.toLocaleString('en-US')} events in one transaction`, concurrency: '1 writer', unit: 'events/s', value: spreadOf(copyRates) });
    notes.push(`Bare COPY: ${bulk.method}.`);
    const stream = await seedStream(bareAppends(db.url), tag);
    for (const readers of plan.readers) {
      figures.push(await measureStreamReads(plan, bareStreamReads(db.url), { key: `bare.readStream.${readers}`, label: 'bare', stream, readers, log }));
    }
  } finally {
    await db.drop();
  }
  const logDb = await server.createDatabase('bare_log', { migrated: false });
  try {
    await createBareTable(logDb.url);
    const bulk = await bulkWriter(logDb.url, log);
    figures.push(
      ...(await measureLogGrowth(plan, {
        url: logDb.url,
        key: 'bare.readAll',
        label: 'bare',
        sizes: plan.logSizes,
        pages: plan.pagesPerProbe,
        loadWork: `${bulk.method.split(' (')[0]}, 100,000 events per transaction`,
        grow: async (from, to) => {
          const seconds = await timed(async () => {
            for (let done = from; done < to; done += 100_000) await bulk.write(Math.min(100_000, to - done), `${tag}-log-${done}`);
          });
          return (to - from) / seconds;
        },
        open: barePagedReads(logDb.url),
        log,
      })),
    );
  } finally {
    await logDb.drop();
  }
  notes.push('Bare: prepared INSERTs in autocommit (one row, or 100 rows in one multi-row INSERT); stream read by (stream_id) ordered by stream_position; paged read by keyset on the bigserial (not gap-safe: a reader can skip a late-committing row).');
  return { figures, notes };
}

async function createBareTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(bareSchemaSql);
  } finally {
    await client.end();
  }
}

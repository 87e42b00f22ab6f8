import { loadLog } from '../harness/loadLog.js';
import { measureLogGrowth } from '../harness/logGrowth.js';
import type { Figure } from '../harness/results.js';
import type { SectionContext } from '../harness/section.js';
import { seedStream } from '../harness/seedStream.js';
import { measureAppends, measureStreamReads } from '../harness/workloads.js';
import { emmettAppends, emmettPagedReads, emmettStreamReads } from './emmettTargets.js';

/** The closest TypeScript peer, doing the same work on the same server. */
export async function runEmmettBench({ server, plan, log, tag }: SectionContext): Promise<{ figures: Figure[]; notes: string[] }> {
  const figures: Figure[] = [];
  const db = await server.createDatabase('emmett', { migrated: false });
  try {
    for (const perCall of [1, 10]) {
      for (const writers of plan.writers) {
        figures.push(await measureAppends(plan, emmettAppends(db.url, log), { key: `emmett.append.${perCall}.${writers}`, label: 'emmett', perCall, writers, tag, log }));
      }
    }
    const stream = await seedStream(emmettAppends(db.url, log), tag);
    for (const readers of plan.readers) {
      figures.push(await measureStreamReads(plan, emmettStreamReads(db.url, log), { key: `emmett.readStream.${readers}`, label: 'emmett', stream, readers, log }));
    }
  } finally {
    await db.drop();
  }
  const logDb = await server.createDatabase('emmett_log', { migrated: false });
  try {
    figures.push(
      ...(await measureLogGrowth(plan, {
        url: logDb.url,
        key: 'emmett.readAll',
        label: 'emmett',
        sizes: [plan.emmettLogSize],
        pages: plan.slowPagesPerProbe,
        loadWork: 'Emmett appendToStream, 100 events per call (a new stream each), 8 writers',
        grow: (from, to) => loadLog(emmettAppends(logDb.url, log), { from, to, writers: 8, perCall: 100, tag, log }),
        open: emmettPagedReads(logDb.url, log),
        log,
      })),
    );
  } finally {
    await logDb.drop();
  }
  return {
    figures,
    notes: [
      `Emmett: appendToStream with the exact expected stream version, on a pg.Pool sized like ours (its default of 10 would cap 32 writers); readStream; global read with readMessagesBatch (what its consumers poll with), ${plan.slowPagesPerProbe} pages per run at ${plan.emmettLogSize.toLocaleString('en-US')} events only: each of its pages scans and sorts the whole log. Its pages resume after the last global_position while ordering by transaction id first, so with concurrent writers (the log is loaded by 8) pages near the end come back short or skip events: rates count what was read.`,
    ],
  };
}

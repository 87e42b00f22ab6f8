import { loadLog } from '../harness/loadLog.js';
import { measureLogGrowth } from '../harness/logGrowth.js';
import { pageSize } from '../harness/plan.js';
import type { Figure } from '../harness/results.js';
import type { Section } from '../harness/section.js';
import { seedStream } from '../harness/seedStream.js';
import { measureAppends, measureStreamReads } from '../harness/workloads.js';
import { ledgerAppends, ledgerPagedReads, ledgerStreamReads } from './ledgerTargets.js';

/** Our PostgreSQL event store (src/eventstore/postgres) with every guarantee on. */
export const eventstoreSection: Section = {
  name: 'eventstore',
  title: 'Event log: our PostgreSQL adapter, every guarantee on',
  async run({ server, plan, log, tag }) {
    const figures: Figure[] = [];
    const db = await server.createDatabase('eventstore', { migrated: true });
    try {
      for (const perCall of [1, 10]) {
        for (const writers of plan.writers) {
          figures.push(await measureAppends(plan, ledgerAppends(db.url), { key: `ledger.append.${perCall}.${writers}`, label: 'ours', perCall, writers, tag, log }));
        }
      }
      const stream = await seedStream(ledgerAppends(db.url), tag);
      for (const readers of plan.readers) {
        figures.push(await measureStreamReads(plan, ledgerStreamReads(db.url), { key: `ledger.readStream.${readers}`, label: 'ours', stream, readers, log }));
      }
    } finally {
      await db.drop();
    }
    const logDb = await server.createDatabase('eventstore_log', { migrated: true });
    try {
      figures.push(
        ...(await measureLogGrowth(plan, {
          url: logDb.url,
          key: 'ledger.readAll',
          label: 'ours',
          sizes: plan.logSizes,
          pages: plan.pagesPerProbe,
          loadWork: 'append, 100 events per call (a new stream each), 8 writers',
          grow: (from, to) => loadLog(ledgerAppends(logDb.url), { from, to, writers: 8, perCall: 100, tag, log }),
          open: ledgerPagedReads(logDb.url),
          log,
        })),
      );
    } finally {
      await logDb.drop();
    }
    return {
      figures,
      notes: [
        'Appends: closed-loop writers, each to streams of its own (~20 events an order stream), every append with the exact expected revision (`no_stream` for a new stream), fresh event ids, through `createPostgresEventStore({pool})` (pool = writers + 1 for the store\'s coalesced NOTIFY). p50/p99 are per append call.',
        `readStream: every reader reads the same 20-event stream to the end, again and again. readAll: one reader, pages of ${pageSize}, ${plan.pagesPerProbe} pages from the log's start and ${plan.pagesPerProbe} pages ending at its head, after VACUUM ANALYZE.`,
      ],
    };
  },
};

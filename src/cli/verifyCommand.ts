import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { verifyChain } from '../domain/verifyChain.js';
import { createEventStore } from '../eventstore/createEventStore.js';
import type { RecordedEvent } from '../eventstore/EventStore.js';
import { verifyLog } from '../eventstore/postgres/verifyLog.js';
import { orderStreamId } from '../eventstore/streams.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { progressBar } from '../progressBar.js';
import { exitWith } from './exitWith.js';
import { verifyAnchorsReport } from '../anchors/verifyAnchorsReport.js';

/** `order-ledger verify [--order KEY]`: recompute hash chains; exit 1 naming the first broken link of each broken stream. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('recompute the audit hash chain of one order, or of every stream in the log')
    .option('--order <orderKey>', 'verify only this order')
    .option('--anchors <dir>', 'also prove the log against the signed anchors in this folder (docs/anchors.md)')
    .option('--public-key <file>', 'trust anchors signed by this Ed25519 public key (PEM); repeatable; default: the keys in the anchors folder',
      (file: string, files: string[]) => [...files, file], [] as string[])
    .action(async (opts: { order?: string; anchors?: string; publicKey: string[] }) => {
      const config = exitWith(() => loadConfig());
      const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir });
      const store = createEventStore({ pool: database.pool, eventStoreConnectionString: config.eventStoreConnectionString });
      let failed = false;
      try {
        if (opts.anchors) {
          if (opts.order || config.eventStoreConnectionString) throw new Error('--anchors proves the whole PostgreSQL event log; it takes no --order, and does not cover EventStoreDB');
          failed = !(await verifyAnchorsReport(database.pool, opts.anchors, opts.publicKey, (line) => console.log(line)));
        } else if (opts.order) {
          const events: RecordedEvent[] = [];
          for await (const e of store.readStream(orderStreamId(opts.order))) events.push(e);
          if (events.length === 0) throw new Error(`no order ${opts.order} in the log`);
          const result = verifyChain(events.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })));
          failed = !result.ok;
          console.log(result.ok ? `order ${opts.order}: ${result.checked} events, chain intact` : `order ${opts.order}: BROKEN at revision ${result.brokenAt.revision} (event ${result.brokenAt.eventId}): ${result.reason}`);
        } else {
          if (config.eventStoreConnectionString) throw new Error('verifying the whole log is available for the PostgreSQL event log; use --order with EventStoreDB');
          const bar = progressBar(process.stderr, 'verified', 'events');
          const result = await verifyLog(database.pool, (n) => bar.update(n)).finally(() => bar.stop());
          for (const b of result.broken) {
            console.log(`${b.streamId}: BROKEN at revision ${b.verification.brokenAt.revision} (event ${b.verification.brokenAt.eventId}): ${b.verification.reason}`);
          }
          failed = result.broken.length > 0;
          console.log(`${result.streams} streams, ${result.events} events: ${failed ? `${result.broken.length} broken` : 'every chain intact'}`);
        }
      } finally {
        await store.close();
        await database.close();
      }
      process.exitCode = failed ? 1 : 0;
    });
}

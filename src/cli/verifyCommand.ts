import type { Command } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { verifyChain } from '../domain/verifyChain.js';
import { createEventStore } from '../eventstore/createEventStore.js';
import type { RecordedEvent } from '../eventstore/EventStore.js';
import { verifyLog } from '../eventstore/postgres/verifyLog.js';
import { orderStreamId } from '../eventstore/streams.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { progressBar } from '../progressBar.js';
import { CliError } from './CliError.js';
import { exitWith } from './exitWith.js';
import { verifyAnchorsReport } from '../anchors/verifyAnchorsReport.js';

/** What `verify` exits with, so that a script tells a tampered log from a question it could not answer. */
export const verifyExitCodes = { intact: 0, broken: 1, usage: 2, unchecked: 3 } as const;

const exitCodesHelp = `
Exit codes:
  ${verifyExitCodes.intact}  every chain checked is intact
  ${verifyExitCodes.broken}  a chain is broken (each broken stream is named with its first broken link)
  ${verifyExitCodes.usage}  nothing to check as asked: no such order, options that do not go together, or a bad setting
  ${verifyExitCodes.unchecked}  the log could not be checked (e.g. the database could not be reached)`;

/** `order-ledger verify [--order KEY]`: recompute hash chains; exit 1 naming the first broken link of each broken stream. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('recompute the audit hash chain of one order, or of every stream in the log')
    .addHelpText('after', exitCodesHelp)
    .option('--order <orderKey>', 'verify only this order')
    .option('--anchors <dir>', 'also prove the log against the signed anchors in this folder (docs/anchors.md)')
    .option('--public-key <file>', 'trust anchors signed by this Ed25519 public key (PEM); repeatable; default: the keys in the anchors folder',
      (file: string, files: string[]) => [...files, file], [] as string[])
    .action(async (opts: { order?: string; anchors?: string; publicKey: string[] }) => {
      const config = exitWith(() => loadConfig());
      if (opts.anchors && (opts.order || config.eventStoreConnectionString)) {
        throw new CliError('verify: --anchors proves the whole PostgreSQL event log; it takes no --order, and does not cover EventStoreDB', verifyExitCodes.usage);
      }
      if (!opts.order && !opts.anchors && config.eventStoreConnectionString) {
        throw new CliError('verify: verifying the whole log is available for the PostgreSQL event log; use --order with EventStoreDB', verifyExitCodes.usage);
      }
      const failed = await verify(config, opts).catch((error: unknown) => {
        if (error instanceof CliError) throw error;
        throw new CliError(`verify: could not check the log: ${error instanceof Error ? error.message : String(error)}`, verifyExitCodes.unchecked);
      });
      process.exitCode = failed ? verifyExitCodes.broken : verifyExitCodes.intact;
    });
}

/** True when a chain is broken. */
async function verify(config: Config, opts: { order?: string; anchors?: string; publicKey: string[] }): Promise<boolean> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir });
  const store = createEventStore({ pool: database.pool, eventStoreConnectionString: config.eventStoreConnectionString });
  let failed = false;
  try {
    if (opts.anchors) {
      failed = !(await verifyAnchorsReport(database.pool, opts.anchors, opts.publicKey, (line) => console.log(line)));
    } else if (opts.order) {
      const events: RecordedEvent[] = [];
      for await (const e of store.readStream(orderStreamId(opts.order))) events.push(e);
      if (events.length === 0) throw new CliError(`verify: no order ${opts.order} in the log`, verifyExitCodes.usage);
      const result = verifyChain(events.map((e) => ({ ...e, recordedAt: e.recordedAt.toISOString() })));
      failed = !result.ok;
      console.log(result.ok ? `order ${opts.order}: ${result.checked} events, chain intact` : `order ${opts.order}: BROKEN at revision ${result.brokenAt.revision} (event ${result.brokenAt.eventId}): ${result.reason}`);
    } else {
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
  return failed;
}

import type { Command } from 'commander';
import { createAnchorWriter } from '../anchors/startAnchoring.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { exitWith } from './exitWith.js';

/** `order-ledger anchor`: writes an anchor of the log now, beside any the service writes on its interval. */
export function registerAnchor(program: Command): void {
  program
    .command('anchor')
    .description('anchor the log now: sign every stream head up to the newest position into LEDGER_ANCHORS_DIR (and post it to LEDGER_ANCHOR_WEBHOOK_URL)')
    .action(async () => {
      const config = exitWith(() => loadConfig());
      if (config.eventStoreConnectionString) throw new Error('anchors cover the PostgreSQL event log only');
      const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir });
      try {
        const writer = await createAnchorWriter(database.pool, config, (m) => console.error(m));
        const outcome = await writer.anchorNow();
        if (outcome.written) {
          const r = outcome.record;
          console.log(`anchor ${r.seq}: position ${r.position}, ${r.streams} streams, ${r.events} events, root ${r.root}, key ${r.keyId}, in ${config.anchors.dir}`);
        } else {
          console.log(`no anchor written: ${outcome.reason}`);
          if (!/^nothing appended|^the log is empty/.test(outcome.reason)) process.exitCode = 1;
        }
      } finally {
        await database.close();
      }
    });
}

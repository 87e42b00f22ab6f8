import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createEventStore } from '../eventstore/createEventStore.js';
import { allProjections } from '../projections/allProjections.js';
import { rebuildProjections } from '../projections/rebuild/rebuildProjection.js';
import { openDatabase } from '../postgres/openDatabase.js';
import { progressBar } from '../progressBar.js';
import { exitWith } from './exitWith.js';

/**
 * `order-ledger rebuild NAME…`: builds the next version of each named
 * projection (or all) from position zero, all of them from one read of the
 * log, with a progress bar on stderr, while the running service keeps
 * serving the current version.
 */
export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .description('rebuild projections from the start of the log into new tables, then swap them in')
    .argument('[names...]', `projections to rebuild (${allProjections().map((p) => p.name).join(', ')}); all when omitted`)
    .option('--batch-size <n>', 'events per transaction', '10000')
    .action(async (names: string[], options: { batchSize: string }) => {
      const config = exitWith(() => loadConfig());
      const projections = allProjections();
      const unknown = names.filter((n) => !projections.some((p) => p.name === n));
      if (unknown.length > 0) {
        console.error(`unknown projection(s): ${unknown.join(', ')}; known: ${projections.map((p) => p.name).join(', ')}`);
        process.exit(2);
      }
      const database = await openDatabase({ databaseUrl: config.databaseUrl, migrationUrl: config.migrationUrl, dataDir: config.dataDir });
      const store = createEventStore({ pool: database.pool, eventStoreConnectionString: config.eventStoreConnectionString });
      try {
        // A rebuild from a log it cannot read would swap in empty tables.
        await store.checkSetup();
        // Rebuilt together: one read of the log feeds every named projection.
        const chosen = projections.filter((p) => names.length === 0 || names.includes(p.name));
        const totals = config.eventStoreConnectionString ? undefined : await Promise.all(chosen.map((p) => countEvents(database.pool, p.handles)));
        const total = totals?.every((n) => n !== undefined) ? totals.reduce<number>((a, n) => a + n!, 0) : undefined;
        const applied = new Map<string, number>();
        const bar = progressBar(process.stderr, chosen.map((p) => p.name).join(' + '), 'events');
        const results = await rebuildProjections({
          pool: database.pool, store, projections: chosen, batchSize: Number(options.batchSize), memoryLimit: config.projectionMemoryOrders, partitions: config.projectionPartitions,
          onProgress: (p) => bar.update([...applied.set(p.projection, p.applied).values()].reduce((a, n) => a + n, 0), total),
        }).finally(() => bar.stop());
        for (const result of results) console.log(`${result.projection}: version ${result.version}, ${result.applied} events in ${(result.elapsedMs / 1000).toFixed(1)} s`);
      } finally {
        await store.close();
        await database.close();
      }
    });
}

/** The events a rebuild will read, for the ETA (the PostgreSQL log's table; unknown for KurrentDB). */
async function countEvents(pool: { query: (sql: string, values?: unknown[]) => Promise<{ rows: { n: string }[] }> }, handles: readonly string[] | 'all'): Promise<number | undefined> {
  try {
    const result = handles === 'all'
      ? await pool.query('SELECT count(*) AS n FROM ledger.events')
      : await pool.query('SELECT count(*) AS n FROM ledger.events WHERE type = ANY($1::text[])', [handles]);
    return Number(result.rows[0]?.n);
  } catch {
    return undefined;
  }
}

/**
 * What a filtered readAll page (types, or a partition) costs the server:
 *   npx tsx bench/profile/explainFilteredRead.ts [events=200000]
 * Loads a generated log (bench/projections/bulkLoadOrders.ts), prints
 * EXPLAIN (ANALYZE, BUFFERS) of the first page of each statement, then walks
 * the whole log through each (the orders projection's types, pages of
 * 10,000) and reports the server's CPU per 1,000 events read, against the
 * unfiltered page.
 */
import pg from 'pg';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { bucketMergePlanSql, readAllOfBuckets, readAllOfTypes, readAllSql } from '../../src/eventstore/postgres/sql.js';
import { bucketsOf, partitionsOf } from '../../src/eventstore/streamPartition.js';
import type { ReadAllOptions } from '../../src/eventstore/EventStore.js';
import { createOrdersProjection } from '../../src/projections/orders/ordersProjection.js';
import { bulkLoadOrders } from '../projections/bulkLoadOrders.js';
import { startProfileServer } from './profileServer.js';

const events = Number(process.argv[2] ?? 200_000);
const limit = 10_000;
const types = createOrdersProjection().handles as string[];
const server = await startProfileServer();
try {
  const url = await server.migratedDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const store = createPostgresEventStore({ pool });
  try {
    const loaded = await bulkLoadOrders(pool, { events, window: 1000, log: (m) => process.stderr.write(`${m}\n`) });
    await pool.query('VACUUM ANALYZE ledger.events');
    const budget = Math.max(limit * 10, 10_000);
    const partition = bucketsOf({ index: 0, count: 4 });
    for (const [label, text, values] of [
      ['unfiltered', readAllSql.text, ['0', '0', limit]],
      ['types', readAllOfTypes.page.text, ['0', '0', limit, types, budget]],
      ['partition 0 of 4, orders types', readAllOfBuckets(partition.length).page.text, ['0', '0', limit, types, budget, partition]],
      ['partition 0 of 4, every type', readAllOfBuckets(partition.length).page.text, ['0', '0', limit, null, budget, partition]],
    ] as const) {
      // A partition's page runs as the store runs it: in a transaction with its planner settings.
      const client = await pool.connect();
      try {
        if (values.length === 6) await client.query(bucketMergePlanSql);
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, VERBOSE) ${text}`, [...values]);
        console.log(`\n== ${label}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}`);
        if (values.length === 6) await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    console.log(`\n${loaded} events; whole log read in pages of ${limit}, server CPU per 1,000 events (best of 3):`);
    const walks: [string, Omit<ReadAllOptions, 'after' | 'limit'>][] = [
      ['unfiltered', {}],
      ['orders types', { types }],
      ['partitions 4, orders types', { types, partition: partitionsOf(4)[0]! }],
      ['partitions 4, every type', { partition: partitionsOf(4)[0]! }],
    ];
    for (const [label, filter] of walks) {
      let best = Infinity;
      let read = 0;
      for (let rep = 0; rep < 3; rep += 1) {
        const partitions = filter.partition ? partitionsOf(4) : [undefined];
        const before = await server.serverCpuSeconds();
        read = 0;
        for (const partition of partitions) {
          let page = await store.readAll({ limit, ...filter, ...(partition ? { partition } : {}) });
          read += page.events.length;
          while (!page.isEnd) {
            page = await store.readAll({ after: page.nextPosition, limit, ...filter, ...(partition ? { partition } : {}) });
            read += page.events.length;
          }
        }
        best = Math.min(best, (await server.serverCpuSeconds()) - before);
      }
      console.log(`${label}: ${read} events, server ${Math.round((best * 1e6) / read)} ms/1k`);
    }
  } finally {
    await store.close();
    await pool.end();
  }
} finally {
  await server.stop();
}

import { afterAll, describe, expect, it } from 'vitest';
import { bulkLoadOrders } from '../../bench/projections/bulkLoadOrders.js';
import { loadOrders } from '../../bench/projections/loadOrders.js';
import type { EventStore, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { verifyLog } from '../../src/eventstore/postgres/verifyLog.js';
import { bucketOfStream } from '../../src/eventstore/streamPartition.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { untilReadable } from '../support/untilReadable.js';

const events = 3_000;
const [adapter, bulk] = await Promise.all([createTestDatabase(), createTestDatabase()]);
const adapterStore = createPostgresEventStore({ pool: adapter.pool });
const bulkStore = createPostgresEventStore({ pool: bulk.pool });
afterAll(async () => {
  await adapterStore.close();
  await bulkStore.close();
});

async function streams(store: EventStore): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  let after;
  for (;;) {
    const page = await store.readAll({ ...(after ? { after } : {}), limit: 1000 });
    for (const e of page.events) out.set(e.streamId, [...(out.get(e.streamId) ?? []), comparable(e)]);
    if (page.isEnd) return out;
    after = page.nextPosition;
  }
}

/** All but what depends on when it was written (recordedAt and the hashes over it, the position). */
function comparable(e: RecordedEvent): unknown {
  return { id: e.id, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata };
}

describe('the benchmarks\' bulk load', () => {
  it('writes the rows the adapter writes, with a hash chain that verifies', async () => {
    const logged = await loadOrders(adapterStore, { events, window: 50, writers: 8, log: () => undefined });
    // As the owner: only the append function may write for the service's role.
    const loaded = await bulkLoadOrders(bulk.owner, { events, window: 50, rowsPerInsert: 500, log: () => undefined });
    expect(loaded).toBe(logged);
    const verified = await verifyLog(bulk.pool);
    expect(verified).toMatchObject({ events: loaded, broken: [] });
    // Every row carries its stream's bucket, as the adapter's rows do: partitioned readers find them.
    const { rows: buckets } = await bulk.pool.query<{ stream_id: string; stream_bucket: number }>('SELECT DISTINCT stream_id, stream_bucket FROM ledger.events');
    expect(buckets.length).toBeGreaterThan(100);
    expect(buckets.map((r) => [r.stream_id, r.stream_bucket])).toEqual(buckets.map((r) => [r.stream_id, bucketOfStream(r.stream_id)]));
    // Another file's open transaction can hold the safe position back: read once both logs are readable to their heads.
    await Promise.all([untilReadable(adapterStore), untilReadable(bulkStore)]);
    const [viaAdapter, viaBulk] = await Promise.all([streams(adapterStore), streams(bulkStore)]);
    expect(viaBulk.size).toBeGreaterThan(100);
    expect(viaBulk).toEqual(viaAdapter);
  });
});

import pg from 'pg';
import { START, type Position } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import type { AppendTargetFactory, PagedReadTarget, StreamReadTargetFactory } from '../harness/targets.js';

/**
 * Our PostgreSQL event store, exactly as the service uses it: every
 * guarantee on (exact expected revision, idempotency by event id, hash
 * chain, gap-safe reads, NOTIFY wake-ups). One pool connection more than
 * the concurrency, for the store's own coalesced NOTIFY.
 */
function openStore(url: string, connections: number) {
  const pool = new pg.Pool({ connectionString: url, max: connections + 1 });
  pool.on('error', () => undefined);
  const store = createPostgresEventStore({ pool });
  return {
    store,
    pool,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

export function ledgerAppends(url: string): AppendTargetFactory {
  return async (connections) => {
    const { store, close } = openStore(url, connections);
    return {
      async append(stream, revision, events) {
        await store.append(stream, events, { expectedRevision: revision === 0 ? 'no_stream' : BigInt(revision - 1) });
      },
      close,
    };
  };
}

export function ledgerStreamReads(url: string): StreamReadTargetFactory {
  return async (connections) => {
    const { store, close } = openStore(url, connections);
    return {
      async readStream(stream) {
        let count = 0;
        for await (const event of store.readStream(stream)) if (event) count += 1;
        return count;
      },
      close,
    };
  };
}

export function ledgerPagedReads(url: string): () => Promise<PagedReadTarget<Position>> {
  return async () => {
    const { store, pool, close } = openStore(url, 1);
    return {
      start: START,
      async cursorBeforeEnd(events) {
        const found = await pool.query<{ p: Position }>(
          'SELECT ledger.format_position(tx_id, seq) AS p FROM ledger.events ORDER BY tx_id DESC, seq DESC OFFSET $1 LIMIT 1',
          [events],
        );
        return found.rows[0]?.p ?? START;
      },
      async readPage(after, limit) {
        const page = await store.readAll({ after, limit });
        return { count: page.events.length, next: page.nextPosition };
      },
      close,
    };
  };
}

import pg from 'pg';
import { importPeer } from '../harness/peers.js';
import type { AppendTargetFactory, PagedReadTarget, StreamReadTargetFactory } from '../harness/targets.js';

/*
 * Emmett (@event-driven-io/emmett-postgresql, a bench/peers package) seen
 * through narrow local interfaces: only what the benchmark calls.
 */
interface PeerPool {
  end(): Promise<void>;
  on(event: 'error', listener: () => void): unknown;
}
/** Dumbo's SQL executor: opaque to us, handed back to Emmett. */
type Executor = object;
interface Dumbo {
  readonly execute: Executor;
}
interface EmmettStore {
  appendToStream(stream: string, events: { type: string; data: unknown; metadata: unknown }[], options: { expectedStreamVersion: bigint }): Promise<unknown>;
  readStream(stream: string): Promise<{ events: unknown[] }>;
  schema: { migrate(): Promise<unknown> };
  close(): Promise<void>;
}
interface EmmettModule {
  getPostgreSQLEventStore(url: string, options: { connectionOptions: { dumbo: Dumbo } }): EmmettStore;
  readMessagesBatch(execute: Executor, options: { after: bigint; batchSize: number }): Promise<{ messages: unknown[]; currentGlobalPosition: bigint }>;
}
interface Peers {
  readonly emmett: EmmettModule;
  readonly dumbo: (options: { connectionString: string; pool: PeerPool }) => Dumbo;
  readonly Pool: new (config: { connectionString: string; max: number }) => PeerPool;
}

type Log = (message: string) => void;

async function loadPeers(log: Log): Promise<Peers> {
  const emmett = (await importPeer('@event-driven-io/emmett-postgresql/dist/index.js', log)) as EmmettModule;
  const dumbo = (await importPeer('@event-driven-io/dumbo/dist/index.js', log)) as { dumbo: Peers['dumbo'] };
  const pg = (await importPeer('pg/esm/index.mjs', log)) as { default: { Pool: Peers['Pool'] } };
  return { emmett, dumbo: dumbo.dumbo, Pool: pg.default.Pool };
}

/**
 * Emmett's store on its own pool of `connections` (its default is a pg.Pool
 * of 10, which would cap 32 writers: we size it like ours).
 */
async function openEmmett(url: string, connections: number, log: Log) {
  const peers = await loadPeers(log);
  const pool = new peers.Pool({ connectionString: url, max: connections });
  pool.on('error', () => undefined);
  const dumbo = peers.dumbo({ connectionString: url, pool });
  const store = peers.emmett.getPostgreSQLEventStore(url, { connectionOptions: { dumbo } });
  await store.schema.migrate();
  return {
    store,
    dumbo,
    emmett: peers.emmett,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

export function emmettAppends(url: string, log: Log): AppendTargetFactory {
  return async (connections) => {
    const { store, close } = await openEmmett(url, connections, log);
    return {
      async append(stream, revision, events) {
        const messages = events.map((event) => ({ type: event.type, data: event.data, metadata: { ...event.metadata, messageId: event.id } }));
        // Emmett counts stream versions from 1: expecting version r means r events already stand.
        await store.appendToStream(stream, messages, { expectedStreamVersion: BigInt(revision) });
      },
      close,
    };
  };
}

export function emmettStreamReads(url: string, log: Log): StreamReadTargetFactory {
  return async (connections) => {
    const { store, close } = await openEmmett(url, connections, log);
    return {
      readStream: async (stream) => (await store.readStream(stream)).events.length,
      close,
    };
  };
}

/** Emmett's global read: `readMessagesBatch`, what its consumers and projections poll with. */
export function emmettPagedReads(url: string, log: Log): () => Promise<PagedReadTarget<bigint>> {
  return async () => {
    const { dumbo, emmett, close } = await openEmmett(url, 1, log);
    return {
      start: 0n,
      async cursorBeforeEnd(events) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const found = await client.query<{ p: string }>('SELECT global_position::text AS p FROM emt_messages ORDER BY global_position DESC OFFSET $1 LIMIT 1', [events]);
          return BigInt(found.rows[0]?.p ?? '0');
        } finally {
          await client.end();
        }
      },
      async readPage(after, limit) {
        const page = await emmett.readMessagesBatch(dumbo.execute, { after, batchSize: limit });
        return { count: page.messages.length, next: page.currentGlobalPosition };
      },
      close,
    };
  };
}

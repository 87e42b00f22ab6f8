import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { importOptionalPeer } from '../harness/peers.js';
import { orderLineEvent } from '../harness/payload.js';
import { eventsPerStream } from '../harness/plan.js';
import { bareCopySql, bareInsertManySql } from './bareSchema.js';

/** The narrow part of pg-copy-streams we use (a bench peer; its types stay out of our build). */
interface CopyStreams {
  from(sql: string): pg.Submittable & NodeJS.WritableStream;
}

export interface BulkWriter {
  /** "COPY FROM STDIN" or the fallback's name. */
  readonly method: string;
  /** Writes `rows` events (streams of `eventsPerStream`) named after `tag`, in one transaction. */
  write(rows: number, tag: string): Promise<void>;
}

/** COPY through pg-copy-streams (bench/peers); without it, 1,000-row INSERTs in one transaction. */
export async function bulkWriter(url: string, log: (message: string) => void): Promise<BulkWriter> {
  const module = (await importOptionalPeer('pg-copy-streams/index.js', log)) as { default: CopyStreams } | undefined;
  const copy = module?.default;
  const withClient = async (work: (client: pg.Client) => Promise<void>): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  if (copy) {
    return {
      method: 'COPY FROM STDIN (text format, pg-copy-streams)',
      write: (rows, tag) => withClient((client) => pipeline(Readable.from(copyText(rows, tag)), client.query(copy.from(bareCopySql)))),
    };
  }
  return {
    method: 'multi-row INSERT, 1,000 rows per statement, one transaction (fallback: pg-copy-streams is not installed)',
    write: (rows, tag) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        for (let done = 0; done < rows; done += 1000) {
          const count = Math.min(1000, rows - done);
          const values = Array.from({ length: count }, (_, i) => rowOf(done + i, tag)).flat();
          await client.query({ ...bareInsertManySql(count), values });
        }
        await client.query('COMMIT');
      }),
  };
}

function rowOf(n: number, tag: string): unknown[] {
  const stream = `order-${tag}-${Math.floor(n / eventsPerStream)}`;
  const event = orderLineEvent(stream, n % eventsPerStream);
  return [stream, n % eventsPerStream, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)];
}

/** COPY text format, 500 rows a chunk. */
function* copyText(rows: number, tag: string): Generator<string> {
  for (let done = 0; done < rows; done += 500) {
    let chunk = '';
    for (let n = done; n < Math.min(rows, done + 500); n += 1) chunk += rowOf(n, tag).map((v) => escapeCopy(String(v))).join('\t') + '\n';
    yield chunk;
  }
}

function escapeCopy(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);
}

import pg from 'pg';
import type { BenchEvent } from '../harness/payload.js';
import type { AppendTargetFactory, PagedReadTarget, StreamReadTargetFactory } from '../harness/targets.js';
import { bareCursorBeforeEndSql, bareInsertManySql, bareInsertOneSql, bareReadPageSql, bareReadStreamSql } from './bareSchema.js';

function openPool(url: string, connections: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  pool.on('error', () => undefined);
  return pool;
}

function rowValues(stream: string, revision: number, events: readonly BenchEvent[]): unknown[] {
  return events.flatMap((event, i) => [stream, revision + i, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)]);
}

/** Plain prepared INSERTs in autocommit: one row, or all of a call's events in one multi-row INSERT. */
export function bareAppends(url: string): AppendTargetFactory {
  return async (connections) => {
    const pool = openPool(url, connections);
    return {
      async append(stream, revision, events) {
        const statement = events.length === 1 ? bareInsertOneSql : bareInsertManySql(events.length);
        await pool.query({ ...statement, values: rowValues(stream, revision, events) });
      },
      close: () => pool.end(),
    };
  };
}

export function bareStreamReads(url: string): StreamReadTargetFactory {
  return async (connections) => {
    const pool = openPool(url, connections);
    return {
      async readStream(stream) {
        const result = await pool.query({ ...bareReadStreamSql, values: [stream] });
        return result.rows.length;
      },
      close: () => pool.end(),
    };
  };
}

export function barePagedReads(url: string): () => Promise<PagedReadTarget<string>> {
  return async () => {
    const pool = openPool(url, 1);
    return {
      start: '0',
      async cursorBeforeEnd(events) {
        const found = await pool.query<{ p: string }>(bareCursorBeforeEndSql, [events]);
        return found.rows[0]?.p ?? '0';
      },
      async readPage(after, limit) {
        const result = await pool.query<{ global_position: string }>({ ...bareReadPageSql, values: [after, limit] });
        const last = result.rows[result.rows.length - 1];
        return { count: result.rows.length, next: last ? last.global_position : after };
      },
      close: () => pool.end(),
    };
  };
}

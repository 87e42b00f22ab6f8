import type pg from 'pg';
import type { AppendResult, EventToAppend, ExpectedRevision, Position } from '../EventStore.js';
import { WrongExpectedRevision } from '../WrongExpectedRevision.js';
import { prepareAppend } from '../prepareAppend.js';
import { appendEventsSql, streamHeadSql } from './sql.js';

/**
 * A racing appender that wins the same revision (or the same event id)
 * makes ours fail on a unique index. Calling again is always right: the
 * function then answers with the real conflict, an idempotent replay, or,
 * for `any`, simply the next free revision.
 */
const maxAttempts = 40;
const retryable = new Set(['23505', '40P01']);

type AppendRow = [nextRevision: string, position: string, idempotentReplay: boolean];

export async function appendEvents(
  pool: pg.Pool,
  streamId: string,
  events: readonly EventToAppend[],
  expectedRevision: ExpectedRevision,
): Promise<AppendResult> {
  const expected = typeof expectedRevision === 'bigint' ? expectedRevision.toString() : expectedRevision;
  for (let attempt = 1; ; attempt += 1) {
    // Taken per attempt so recordedAt never runs backwards within a stream after a lost race.
    const prepared = prepareAppend(streamId, events, new Date());
    try {
      const result = await pool.query<AppendRow>({
        ...appendEventsSql,
        rowMode: 'array',
        values: [streamId, expected, prepared.ids, prepared.types, prepared.dataJson, prepared.metadataJson, prepared.recordedAt, prepared.canonical],
      });
      const [nextRevision, position, idempotentReplay] = result.rows[0] as AppendRow;
      return { nextRevision: BigInt(nextRevision), position: position as Position, idempotentReplay };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'LG409') throw conflict(streamId, expectedRevision, error as pg.DatabaseError);
      if (code === undefined || !retryable.has(code)) throw error;
      if (attempt >= maxAttempts) {
        throw new WrongExpectedRevision(streamId, expectedRevision, await streamHead(pool, streamId), `lost the race ${attempt} times`);
      }
      // The first retry answers at once; after that, racers on a hot stream spread out.
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));
    }
  }
}

function conflict(streamId: string, expected: ExpectedRevision, error: pg.DatabaseError): WrongExpectedRevision {
  const actual = /^actual=(\d+|no_stream)$/.exec(error.detail ?? '')?.[1];
  return new WrongExpectedRevision(streamId, expected, actual === undefined || actual === 'no_stream' ? 'no_stream' : BigInt(actual), error.message);
}

async function streamHead(pool: pg.Pool, streamId: string): Promise<bigint | 'no_stream'> {
  const result = await pool.query<[string]>({ ...streamHeadSql, rowMode: 'array', values: [streamId] });
  const row = result.rows[0];
  return row ? BigInt(row[0]) : 'no_stream';
}

import type pg from 'pg';
import { verifyChain, type ChainVerification } from '../../domain/verifyChain.js';
import type { RecordedEvent } from '../EventStore.js';
import { rowToEvent, type EventRow } from './rowToEvent.js';
import { readStreamsInOrderSql } from './sql.js';

export interface LogVerification {
  readonly streams: number;
  readonly events: number;
  readonly broken: readonly { streamId: string; verification: Exclude<ChainVerification, { ok: true }> }[];
}

/**
 * Recomputes every stream's hash chain, walking the log in (stream, revision)
 * order a page at a time, so memory stays flat however long the log is.
 * `onStream` sees each whole stream too (the anchors check holds it against them).
 */
export async function verifyLog(
  pool: pg.Pool, onProgress: (events: number) => void = () => undefined, pageSize = 5_000,
  onStream: (events: readonly RecordedEvent[]) => void = () => undefined,
): Promise<LogVerification> {
  const broken: { streamId: string; verification: Exclude<ChainVerification, { ok: true }> }[] = [];
  let streams = 0;
  let events = 0;
  let current: RecordedEvent[] = [];
  const finish = () => {
    if (current.length === 0) return;
    streams++;
    const verification = verifyChain(current.map(chained));
    if (!verification.ok) broken.push({ streamId: current[0]!.streamId, verification });
    onStream(current);
    current = [];
  };
  let after: [string, string] = ['', '-1'];
  for (;;) {
    const { rows } = await pool.query<EventRow>({ ...readStreamsInOrderSql, rowMode: 'array', values: [after[0], after[1], pageSize] });
    for (const row of rows) {
      const event = rowToEvent(row);
      if (current.length > 0 && current[0]!.streamId !== event.streamId) finish();
      current.push(event);
    }
    events += rows.length;
    onProgress(events);
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    after = [last[1], last[2]];
  }
  finish();
  return { streams, events, broken };
}

function chained(e: RecordedEvent) {
  return {
    id: e.id, streamId: e.streamId, type: e.type, data: e.data, metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(), revision: e.revision, hash: e.hash, prevHash: e.prevHash,
  };
}

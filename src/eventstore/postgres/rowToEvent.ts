import type { Position, RecordedEvent } from '../EventStore.js';

/** One row of `sql.ts`'s event columns, fetched with rowMode 'array' (no per-row key lookups). */
export type EventRow = [
  id: string,
  streamId: string,
  revision: string,
  position: string,
  type: string,
  data: unknown,
  metadata: Record<string, unknown>,
  recordedAtMs: number,
  hash: string,
  prevHash: string | null,
];

export function rowToEvent(row: EventRow): RecordedEvent {
  return {
    id: row[0],
    streamId: row[1],
    revision: BigInt(row[2]),
    position: row[3] as Position,
    type: row[4],
    data: row[5],
    metadata: row[6],
    recordedAt: new Date(row[7]),
    hash: row[8],
    prevHash: row[9],
  };
}

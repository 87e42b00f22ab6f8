import { describe, expect, it } from 'vitest';
import { CorrelationsUnavailable } from '../../../src/eventstore/CorrelationIndex.js';
import { START } from '../../../src/eventstore/EventStore.js';
import { absorbChunk, nextChunkSize, type PageScan, type ScannedRecord } from '../../../src/eventstore/eventstoredb/allPaging.js';
import { readCorrelated, refRuns } from '../../../src/eventstore/eventstoredb/esdbCorrelations.js';
import { toScannedRecord } from '../../../src/eventstore/eventstoredb/esdbEvent.js';
import { auditTrailCorrelations } from '../../../src/projections/readModels/auditTrailCorrelations.js';
import { createTestDatabase } from '../../support/testDatabase.js';
import { clientRecord } from './clientShapes.js';

const db = await createTestDatabase();
const index = auditTrailCorrelations(db.pool);

/** `$all` beyond the audit trail's checkpoint, paged the way the adapter pages the server. */
function scanOver(records: readonly ScannedRecord[]) {
  return async (scan: PageScan) => {
    for (;;) {
      const requested = nextChunkSize(scan);
      const from = scan.cursor === START ? 0 : records.findIndex((r) => r.position === scan.cursor);
      const page = absorbChunk(scan, records.slice(from, from + requested), requested);
      if (page) return page;
    }
  };
}
const record = (commit: number, correlationId: string | undefined) => toScannedRecord({ event: clientRecord({
  commit: BigInt(commit), streamId: `order-${commit}`,
  metadata: { ...(correlationId ? { correlationId } : {}), $ledger: { hash: 'c'.repeat(64), prevHash: null, recordedAt: '2026-11-27T09:00:00.000Z', writeId: 'w' } },
}) });
const setCheckpoint = (position: string) => db.pool.query(
  `INSERT INTO reporting.projection_checkpoints (name, version, position) VALUES ('audit_trail', 1, $1)
   ON CONFLICT (name, partition) DO UPDATE SET position = excluded.position`, [position]);

describe('correlations from the audit trail and the stretch of $all it has not reached', () => {
  it('finds the correlated events the audit trail has not projected yet by scanning after its checkpoint', async () => {
    await setCheckpoint('');
    const log = [record(1, 'flow-1'), record(2, 'other'), record(3, undefined), record(4, 'flow-1')];
    // No audit rows, so no stream is read: only the scan answers.
    const events = await readCorrelated({ client: undefined as never, index, scan: scanOver(log) }, 'flow-1', 10);
    expect(events.map((e) => e.streamId)).toEqual(['order-1', 'order-4']);
  });

  it('refuses, saying why, when the audit trail is too far behind to answer exactly', async () => {
    await setCheckpoint('');
    const log = Array.from({ length: 12_000 }, (_, i) => record(i + 1, i === 11_500 ? 'late' : 'noise'));
    await expect(readCorrelated({ client: undefined as never, index, scan: scanOver(log) }, 'late', 10)).rejects.toThrow(CorrelationsUnavailable);
    await expect(readCorrelated({ client: undefined as never, index, scan: scanOver(log) }, 'late', 10)).rejects.toThrow(/too far behind the log/);
  });

  it('refuses an audit trail built from another event store, and a store opened without the index', async () => {
    await setCheckpoint('0000000000000001-0000000000000001');
    await expect(readCorrelated({ client: undefined as never, index, scan: scanOver([]) }, 'x', 10)).rejects.toThrow(/built from another event store .*`order-ledger rebuild audit_trail`/);
    await expect(readCorrelated({ client: undefined as never, index: undefined, scan: scanOver([]) }, 'x', 10)).rejects.toThrow(/opened without it/);
  });

  it('reads consecutive revisions of one stream with one request', () => {
    const refs = [
      { streamId: 'order-A', revision: 0n }, { streamId: 'order-A', revision: 1n }, { streamId: 'order-B', revision: 4n },
      { streamId: 'order-A', revision: 2n }, { streamId: 'order-A', revision: 5n },
    ];
    expect(refRuns(refs)).toEqual([
      { streamId: 'order-A', from: 0n, count: 2 }, { streamId: 'order-B', from: 4n, count: 1 },
      { streamId: 'order-A', from: 2n, count: 1 }, { streamId: 'order-A', from: 5n, count: 1 },
    ]);
  });
});


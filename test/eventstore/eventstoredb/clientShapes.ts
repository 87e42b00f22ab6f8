import { randomUUID } from 'node:crypto';
import type { ClientRecordedEvent } from '../../../src/eventstore/eventstoredb/esdbEvent.js';

/** Records as the client hands them over (`convertRustRecord`): parsed JSON, or bytes when not JSON. */
export function clientRecord(overrides: Partial<ClientRecordedEvent> & { commit?: bigint }): ClientRecordedEvent {
  const commit = overrides.commit ?? 100n;
  return {
    streamId: 'order-A', id: randomUUID(), isJson: true, revision: 0n, type: 'OrderReceived', created: new Date('2026-11-27T09:00:00Z'),
    data: { orderKey: 'A' },
    metadata: {
      correlationId: 'c-1',
      $ledger: { hash: 'a'.repeat(64), prevHash: null, recordedAt: '2026-11-27T09:00:00.123Z', writeId: 'w-1' },
    },
    position: { commit, prepare: commit },
    ...overrides,
  };
}

import { describe, expect, it } from 'vitest';
import { fromEsdbEvent, readLedgerEvent, toScannedRecord } from '../../../src/eventstore/eventstoredb/esdbEvent.js';
import { clientRecord } from './clientShapes.js';

describe('telling the ledger\'s events from everything else on a shared server', () => {
  it('reads a ledger event with its audit chain and our clock, and strips the adapter\'s metadata', () => {
    const raw = clientRecord({ commit: 0x2an, metadata: { correlationId: 'c-1', $correlationId: 'c-1', $ledger: { hash: 'b'.repeat(64), prevHash: 'a'.repeat(64), recordedAt: '2026-11-27T09:00:00.123Z', writeId: 'w-9' } } });
    const read = readLedgerEvent(raw);
    expect(read?.writeId).toBe('w-9');
    expect(read?.event).toMatchObject({
      id: raw.id, streamId: 'order-A', revision: 0n, type: 'OrderReceived', data: { orderKey: 'A' },
      metadata: { correlationId: 'c-1' }, hash: 'b'.repeat(64), prevHash: 'a'.repeat(64),
      position: 'kdb:000000000000002a-000000000000002a',
    });
    expect(read?.event.recordedAt.toISOString()).toBe('2026-11-27T09:00:00.123Z');
  });

  it('ignores system events, links, binary events and JSON events other applications wrote', () => {
    const foreign = [
      clientRecord({ type: '$metadata', streamId: '$$order-A' }),
      clientRecord({ type: '$>', isJson: false, data: new TextEncoder().encode('0@order-A'), metadata: new Uint8Array() }),
      clientRecord({ isJson: false, data: new Uint8Array([1, 2]) }),
      clientRecord({ type: 'InvoiceIssued', streamId: 'billing-7', metadata: { tenant: 'other-app' } }),
      // A custom projection's state, emitted as an ordinary JSON event.
      clientRecord({ type: 'Result', streamId: '$projections-orders-per-day-result', metadata: { $v: '1:-1:1:1', $s: {} } }),
      clientRecord({ type: 'Result', streamId: 'orders-per-day', metadata: undefined }),
      clientRecord({ metadata: new TextEncoder().encode('not json') }),
      clientRecord({ metadata: { $ledger: { hash: 'not-a-hash', prevHash: null, recordedAt: '2026-11-27T09:00:00Z' } } }),
      clientRecord({ metadata: { $ledger: { hash: 'a'.repeat(64), prevHash: null, recordedAt: 'yesterday' } } }),
    ];
    expect(foreign.map(fromEsdbEvent)).toEqual(foreign.map(() => undefined));
    expect(fromEsdbEvent(undefined)).toBeUndefined();
  });

  it('still gives the position of a record it skips, so a reader can move past it', () => {
    const link = clientRecord({ type: '$>', commit: 7n });
    expect(toScannedRecord({ event: link })).toEqual({ position: 'kdb:0000000000000007-0000000000000007', event: undefined });
    expect(toScannedRecord({ event: clientRecord({ commit: 8n }) }).event?.position).toBe('kdb:0000000000000008-0000000000000008');
  });
});

import { describe, expect, it } from 'vitest';
import { START, type Position } from '../../../src/eventstore/EventStore.js';
import { decodeEsdbPosition, encodeEsdbPosition } from '../../../src/eventstore/eventstoredb/esdbPosition.js';
import { decodePosition, encodePosition } from '../../../src/eventstore/postgres/positionCodec.js';
import { InvalidPosition, checkPositionOf, positionOrigin } from '../../../src/eventstore/positionOrigin.js';

describe('positions that say which store made them', () => {
  it('round-trips a KurrentDB commit/prepare pair and keeps string order equal to log order', () => {
    const pairs = [{ commit: 0n, prepare: 0n }, { commit: 5n, prepare: 3n }, { commit: 5n, prepare: 4n }, { commit: 16n, prepare: 1n }, { commit: 2n ** 63n, prepare: 2n ** 63n - 1n }];
    const encoded = pairs.map(encodeEsdbPosition);
    expect(encoded[1]).toBe('kdb:0000000000000005-0000000000000003');
    expect(encoded.map((p) => decodeEsdbPosition(p))).toEqual(pairs);
    expect([...encoded].sort()).toEqual(encoded);
    expect(decodeEsdbPosition(START)).toBeUndefined();
  });

  it('keeps PostgreSQL positions as they were, so stored checkpoints stay readable', () => {
    const stored = '00000000000002f1-0000000000000abc' as Position;
    expect(positionOrigin(stored)).toBe('postgres');
    expect(decodePosition(stored)).toEqual(['753', '2748']);
    expect(encodePosition(753n, 2748n)).toBe(stored);
  });

  it('refuses a PostgreSQL checkpoint on KurrentDB, and the reverse, naming where it came from', () => {
    const postgres = encodePosition(1n, 2n);
    const kurrent = encodeEsdbPosition({ commit: 1n, prepare: 2n });
    expect(() => decodeEsdbPosition(postgres)).toThrow(InvalidPosition);
    expect(() => decodeEsdbPosition(postgres)).toThrow(/is a PostgreSQL position, but this ledger's log is in KurrentDB/);
    expect(() => decodePosition(kurrent)).toThrow(/is a KurrentDB\/EventStoreDB position, but this ledger's log is in PostgreSQL/);
    expect(() => checkPositionOf('kurrentdb', 'end')).toThrow(/not a KurrentDB\/EventStoreDB event-log position: "end"/);
    expect(() => checkPositionOf('postgres', '0000000000000001-000000000000000')).toThrow(RangeError);
  });

  it('accepts the start of the log on either store', () => {
    expect(checkPositionOf('postgres', '')).toBe(START);
    expect(checkPositionOf('kurrentdb', '')).toBe(START);
  });
});

import { describe, expect, it } from 'vitest';
import { START, type Position, type ReadAllPage } from '../../../src/eventstore/EventStore.js';
import { absorbChunk, headOf, nextChunkSize, scanBudget, startScan, type PageScan, type ScannedRecord } from '../../../src/eventstore/eventstoredb/allPaging.js';
import { toScannedRecord } from '../../../src/eventstore/eventstoredb/esdbEvent.js';
import { partitionOfStream, partitionsOf } from '../../../src/eventstore/streamPartition.js';
import { clientRecord } from './clientShapes.js';

/** A `$all` of records as the client returns them, at commit positions 1, 2, 3, … */
function log(types: readonly string[]): ScannedRecord[] {
  return types.map((type, i) => toScannedRecord({ event: clientRecord({ type, commit: BigInt(i + 1), revision: BigInt(i) }) }));
}

/** Reads the way the adapter does: chunks from the cursor, the record at the cursor included, until a page is done. */
function readPage(all: readonly ScannedRecord[], scan: PageScan): { page: ReadAllPage; requests: number } {
  for (let requests = 1; ; requests++) {
    const requested = nextChunkSize(scan);
    const from = scan.cursor === START ? 0 : all.findIndex((r) => r.position === scan.cursor);
    const page = absorbChunk(scan, all.slice(from, from + requested), requested);
    if (page) return { page, requests };
  }
}

const at = (n: number) => `kdb:${n.toString(16).padStart(16, '0')}-${n.toString(16).padStart(16, '0')}` as Position;

describe('paging $all with a filter and a scan budget', () => {
  it('pages the ledger events in order and ends where the log ends', () => {
    const all = log(['A', 'B', 'C', 'D', 'E']);
    const first = readPage(all, startScan(START, 2, undefined)).page;
    expect(first.events.map((e) => e.type)).toEqual(['A', 'B']);
    expect(first).toMatchObject({ nextPosition: at(2), isEnd: false });
    const rest = readPage(all, startScan(first.nextPosition, 10, undefined)).page;
    expect(rest.events.map((e) => e.type)).toEqual(['C', 'D', 'E']);
    expect(rest).toMatchObject({ nextPosition: at(5), isEnd: true });
    expect(readPage(all, startScan(rest.nextPosition, 10, undefined)).page).toEqual({ events: [], nextPosition: at(5), isEnd: true });
  });

  it('moves a filtered reader past the events it does not want, up to the end', () => {
    const all = log(['Common', 'Common', 'Rare', 'Common', 'Common']);
    const page = readPage(all, startScan(START, 5, ['Rare'])).page;
    expect(page.events.map((e) => e.type)).toEqual(['Rare']);
    expect(page).toMatchObject({ nextPosition: at(5), isEnd: true });
  });

  it('keeps a partition\'s streams only, of the wanted types, and moves past the rest', () => {
    const all = Array.from({ length: 40 }, (_, i) => toScannedRecord({ event: clientRecord({ streamId: `order-P${i % 8}`, type: i % 5 === 0 ? 'Other' : 'Split', commit: BigInt(i + 1), revision: BigInt(i) }) }));
    const seen = partitionsOf(4).map((partition) => readPage(all, startScan(START, 100, ['Split'], partition)).page);
    for (const [index, page] of seen.entries()) {
      expect(page).toMatchObject({ nextPosition: at(40), isEnd: true });
      expect(page.events.every((e) => partitionOfStream(e.streamId, 4) === index && e.type === 'Split')).toBe(true);
    }
    expect(seen.flatMap((p) => p.events).length).toBe(all.filter((r) => r.event?.type === 'Split').length);
  });

  it('stops a scan at its budget with the last position scanned, not at the last match', () => {
    const all = log(Array.from({ length: 25_000 }, (_, i) => (i === 3 ? 'Rare' : 'Common')));
    const budget = scanBudget(5);
    const { page, requests } = readPage(all, startScan(START, 5, ['Rare']));
    expect(budget).toBe(10_000);
    expect(page.events.map((e) => e.type)).toEqual(['Rare']);
    expect(page).toMatchObject({ nextPosition: at(budget), isEnd: false });
    // Filtered scans read in chunks of a thousand, not of the page size.
    expect(requests).toBeLessThanOrEqual(11);
    const next = readPage(all, startScan(page.nextPosition, 5, ['Rare'])).page;
    expect(next).toMatchObject({ events: [], nextPosition: at(2 * budget), isEnd: false });
  });

  it('skips other applications\' events and system records but counts them against the budget and moves past them', () => {
    const all: ScannedRecord[] = [
      toScannedRecord({ event: clientRecord({ commit: 1n }) }),
      toScannedRecord({ event: clientRecord({ type: '$metadata', commit: 2n }) }),
      toScannedRecord({ event: clientRecord({ type: 'Other', commit: 3n, metadata: { app: 'billing' } }) }),
    ];
    const page = readPage(all, startScan(START, 10, undefined)).page;
    expect(page.events).toHaveLength(1);
    expect(page).toMatchObject({ nextPosition: at(3), isEnd: true });
  });

  it('asks for one more record than it needs after a position, because reads of $all include their start', () => {
    expect(nextChunkSize(startScan(START, 50, undefined))).toBe(50);
    expect(nextChunkSize(startScan(at(9), 50, undefined))).toBe(51);
    expect(nextChunkSize(startScan(at(9), 50, ['Rare']))).toBe(1001);
    expect(() => startScan(START, 0, undefined)).toThrow(RangeError);
  });

  it('takes the head from the newest record of any kind, so a log ending in links or binary events is not empty', () => {
    const newestFirst = [
      toScannedRecord({ event: clientRecord({ type: '$>', isJson: false, commit: 9n }) }),
      toScannedRecord({ event: clientRecord({ commit: 8n }) }),
    ];
    expect(headOf(newestFirst)).toBe(at(9));
    expect(headOf([{ position: undefined, event: undefined }, ...newestFirst])).toBe(at(9));
    expect(headOf([])).toBe(START);
  });
});

import { START, type Position, type ReadAllPage, type RecordedEvent } from '../EventStore.js';
import { checkPartition, inPartition, type StreamPartition } from '../streamPartition.js';

/** One record of `$all` as the adapter sees it: its position, and the ledger event it holds (none for anything else). */
export interface ScannedRecord {
  readonly position: Position | undefined;
  readonly event: RecordedEvent | undefined;
}

/**
 * The state of one `readAll` call. `$all` holds more than the ledger's
 * events (system events, links, other applications' events), and a type
 * filter skips most of the rest, so a page scans records up to a budget
 * and moves its cursor past every record it scanned, wanted or not.
 */
export interface PageScan {
  readonly after: Position;
  readonly limit: number;
  /** Which ledger events the page keeps (all when undefined). */
  readonly wanted: ((event: RecordedEvent) => boolean) | undefined;
  /** Records one call may scan: rare types cost the same per call as common ones. */
  readonly budget: number;
  scanned: number;
  cursor: Position;
  readonly events: RecordedEvent[];
}

/** The same budget the PostgreSQL adapter gives a filtered page. */
export function scanBudget(limit: number): number {
  return Math.max(limit * 10, 10_000);
}

export function startScan(after: Position, limit: number, types: readonly string[] | undefined, partition?: StreamPartition): PageScan {
  const wanted = types ? new Set(types) : undefined;
  const ofType = wanted ? (event: RecordedEvent) => wanted.has(event.type) : undefined;
  // The server cannot filter by partition: the client reads every record and keeps those of its streams.
  const split = partition && checkPartition(partition).count > 1 ? partition : undefined;
  if (!split) return startScanWhere(after, limit, ofType);
  return startScanWhere(after, limit, (event) => (!ofType || ofType(event)) && inPartition(event.streamId, split));
}

export function startScanWhere(after: Position, limit: number, wanted: ((event: RecordedEvent) => boolean) | undefined): PageScan {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`readAll: limit must be a positive integer, got ${limit}`);
  return { after, limit, wanted, budget: scanBudget(limit), scanned: 0, cursor: after, events: [] };
}

/**
 * How many records to ask the server for next. Reads of `$all` include the
 * record at their start position, so one more than will be new. Filtered
 * scans read in larger chunks: few of the records will be wanted.
 */
export function nextChunkSize(scan: PageScan): number {
  const wantedMore = scan.limit - scan.events.length;
  const chunk = scan.wanted ? Math.max(wantedMore, 1000) : wantedMore;
  return Math.min(chunk, scan.budget - scan.scanned) + (scan.cursor === START ? 0 : 1);
}

/**
 * Takes one chunk the server returned for a request of `requested`
 * records; the finished page, or undefined to read on from `scan.cursor`.
 */
export function absorbChunk(scan: PageScan, records: readonly ScannedRecord[], requested: number): ReadAllPage | undefined {
  for (const record of records) {
    if (record.position === undefined || record.position <= scan.cursor) continue;
    scan.scanned += 1;
    scan.cursor = record.position;
    const event = record.event;
    if (event && (!scan.wanted || scan.wanted(event))) {
      scan.events.push(event);
      if (scan.events.length === scan.limit) return { events: scan.events, nextPosition: scan.cursor, isEnd: false };
    }
    if (scan.scanned >= scan.budget) return { events: scan.events, nextPosition: scan.cursor, isEnd: false };
  }
  if (records.length < requested) return { events: scan.events, nextPosition: scan.cursor, isEnd: true };
  return undefined;
}

/** The newest position among records read backwards from the end: of any record, a system event or a link included. */
export function headOf(records: readonly ScannedRecord[]): Position {
  return records.find((r) => r.position !== undefined)?.position ?? START;
}

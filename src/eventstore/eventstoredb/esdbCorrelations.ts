import { FORWARDS, StreamNotFoundError, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { CorrelationsUnavailable, type CorrelatedRef, type CorrelationIndex } from '../CorrelationIndex.js';
import { START, type Position, type ReadAllPage, type RecordedEvent } from '../EventStore.js';
import { positionOrigin } from '../positionOrigin.js';
import { startScanWhere, type PageScan } from './allPaging.js';
import { fromEsdbEvent } from './esdbEvent.js';

interface CorrelationDeps {
  readonly client: KurrentDBClient;
  readonly index: CorrelationIndex | undefined;
  readonly scan: (scan: PageScan) => Promise<ReadAllPage>;
}

/**
 * Correlations without the server's `$by_correlation_id` projection (off
 * by default, and its links lag the writes): the audit trail read model
 * names the events up to its checkpoint, and the stretch of `$all` it has
 * not reached yet is scanned, within one page's budget. Exact either way;
 * refused, with the reason, when the index is too far behind.
 */
export async function readCorrelated(deps: CorrelationDeps, correlationId: string, limit: number, after: Position = START): Promise<RecordedEvent[]> {
  if (!deps.index) throw new CorrelationsUnavailable('correlations need the audit trail read model, and this store was opened without it');
  const { refs, indexedTo } = await deps.index.lookup(correlationId, limit, after);
  const origin = positionOrigin(indexedTo);
  if (origin !== 'start' && origin !== 'kurrentdb') {
    throw new CorrelationsUnavailable(`the audit trail was built from another event store (it stands at ${JSON.stringify(indexedTo)}): rebuild it with \`order-ledger rebuild audit_trail\``);
  }
  const carries = (event: RecordedEvent) => event.metadata.correlationId === correlationId;
  const indexed = (await readRefs(deps.client, refs)).filter(carries);
  if (indexed.length >= limit) return indexed.slice(0, limit);
  // Positions of one store sort as text (as the audit trail compares them): the scan starts at the later of the two.
  const tail = await deps.scan(startScanWhere(after > indexedTo ? after : indexedTo, limit - indexed.length, carries));
  if (!tail.isEnd && indexed.length + tail.events.length < limit) {
    throw new CorrelationsUnavailable('the audit trail read model is too far behind the log to answer correlations exactly; they are answered again once it catches up (see GET /v1/reports/projections)');
  }
  return [...indexed, ...tail.events];
}

/** Consecutive refs of one stream with consecutive revisions: each run is read with one request. */
export function refRuns(refs: readonly CorrelatedRef[]): { streamId: string; from: bigint; count: number }[] {
  const runs: { streamId: string; from: bigint; count: number }[] = [];
  for (const ref of refs) {
    const last = runs.at(-1);
    if (last && last.streamId === ref.streamId && last.from + BigInt(last.count) === ref.revision) last.count += 1;
    else runs.push({ streamId: ref.streamId, from: ref.revision, count: 1 });
  }
  return runs;
}

/** Reads of runs in flight at once. */
const concurrentReads = 16;

async function readRefs(client: KurrentDBClient, refs: readonly CorrelatedRef[]): Promise<RecordedEvent[]> {
  const runs = refRuns(refs);
  const events: RecordedEvent[] = [];
  for (let i = 0; i < runs.length; i += concurrentReads) {
    const batches = await Promise.all(runs.slice(i, i + concurrentReads).map((run) => readRun(client, run)));
    events.push(...batches.flat());
  }
  return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

async function readRun(client: KurrentDBClient, run: { streamId: string; from: bigint; count: number }): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(run.streamId, { direction: FORWARDS, fromRevision: run.from, maxCount: run.count })) {
      const event = fromEsdbEvent(resolved.event);
      if (event) events.push(event);
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return events;
}

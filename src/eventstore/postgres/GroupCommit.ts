import type pg from 'pg';
import { canonicalJson, canonicalPayload } from '../../domain/auditHash.js';
import { callerContext, forCallers } from '../../observability/tracing.js';
import type { AppendResult, EventToAppend, ExpectedRevision, Position } from '../EventStore.js';
import { UnstorableEvent } from '../UnstorableEvent.js';
import { WrongExpectedRevision } from '../WrongExpectedRevision.js';
import { appendBatchSql, streamHeadSql } from './sql.js';

/** One append, serialised once: per event the canonical text around recordedAt, known only at flush. */
export interface EncodedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly head: readonly string[];
  readonly tail: readonly string[];
  readonly events: number;
}

interface Pending extends EncodedAppend {
  attempts: number;
  /** The appender's trace context: the statement that carries this append is linked to it. */
  readonly caller: ReturnType<typeof callerContext>;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Row = [item: number, status: 'ok' | 'replay' | 'conflict', nextRevision: string | null, position: string | null, actual: string | null];

export interface GroupCommitOptions {
  /** Batches committing at once; more overlap one flush with the next batch's work (default 2). */
  readonly concurrentFlushes?: number;
  /** Most events in one batch (default 1,000). */
  readonly maxEvents?: number;
  /** Told the size of each batch as it is sent (for metrics). */
  readonly onBatch?: (size: { appends: number; events: number }) => void;
}

/** Racing writers took a revision or an id first: the loser tries again, alone. */
const raceCodes = new Set(['23505', '40P01']);
const maxAttempts = 40;

/**
 * Group commit. Appends that arrive while a batch is committing wait and go
 * together in the next one: one statement, one transaction, one WAL flush
 * for all of them (`ledger.append_batch`). A lone append goes at once, so
 * latency only grows with load. Each append keeps its own expectation,
 * idempotency and answer; a batch that fails as a whole (a racing writer, an
 * outage) is retried item by item, so no append is failed by another's.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private flushing = 0;
  private readonly concurrentFlushes: number;
  private readonly maxEvents: number;
  private readonly onBatch: GroupCommitOptions['onBatch'];

  constructor(private readonly pool: pg.Pool, options: GroupCommitOptions = {}) {
    this.concurrentFlushes = options.concurrentFlushes ?? 2;
    this.maxEvents = options.maxEvents ?? 1_000;
    this.onBatch = options.onBatch;
  }

  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    let encoded: EncodedAppend;
    try {
      encoded = encodeAppend(streamId, events, expected);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...encoded, attempts: 0, caller: callerContext(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.flushing < this.concurrentFlushes && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.flushing++;
      void this.flush(batch).finally(() => {
        this.flushing--;
        this.pump();
      });
    }
  }

  /**
   * The next batch: queued appends in arrival order, at most one per stream
   * (a later append to the same stream waits for the next batch, so each
   * item's expectation is checked against what the one before it wrote).
   */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length && events < this.maxEvents; ) {
      const next = this.queue[i]!;
      if (streams.has(next.streamId) || (batch.length > 0 && events + next.events > this.maxEvents)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      streams.add(next.streamId);
      events += next.events;
      batch.push(next);
    }
    return batch;
  }

  private async flush(batch: readonly Pending[]): Promise<void> {
    const { json, recordedAt } = encodeBatch(batch, new Date());
    const events = batch.reduce((n, p) => n + p.events, 0);
    this.onBatch?.({ appends: batch.length, events });
    let rows: Row[];
    try {
      // One statement for several appends: its span is linked to each appender's (see tracing.ts).
      const result = await forCallers('append_batch', batch.map((p) => p.caller), { 'ledger.appends': batch.length, 'ledger.events': events },
        () => this.pool.query<Row>({ ...appendBatchSql, rowMode: 'array', values: [json, recordedAt] }));
      rows = result.rows;
    } catch (error) {
      this.retryAlone(batch, error);
      return;
    }
    for (const [item, status, nextRevision, position, actual] of rows) {
      const p = batch[item - 1]!;
      if (status === 'conflict') {
        p.reject(new WrongExpectedRevision(p.streamId, p.expected, actual === null ? 'no_stream' : BigInt(actual)));
      } else {
        p.resolve({ nextRevision: BigInt(nextRevision!), position: position as Position, idempotentReplay: status === 'replay' });
      }
    }
  }

  private async streamHead(streamId: string): Promise<bigint | 'no_stream'> {
    const result = await this.pool.query<[string]>({ ...streamHeadSql, rowMode: 'array', values: [streamId] });
    return result.rows[0] ? BigInt(result.rows[0][0]) : 'no_stream';
  }

  /** A batch failed whole: each append goes again on its own, racers after a short random pause. */
  private retryAlone(batch: readonly Pending[], error: unknown): void {
    const code = (error as { code?: string }).code;
    const race = code !== undefined && raceCodes.has(code);
    for (const p of batch) {
      if (batch.length === 1 && !race) {
        // Alone and refused for its data: this append is at fault, and a retry would fail the same way.
        p.reject(refusedData(code) ? new UnstorableEvent(p.streamId, (error as Error).message, { cause: error }) : error);
        continue;
      }
      p.attempts++;
      if (p.attempts >= maxAttempts) {
        void this.streamHead(p.streamId).then(
          (actual) => p.reject(new WrongExpectedRevision(p.streamId, p.expected, actual, `lost the race ${p.attempts} times`)),
          p.reject,
        );
        continue;
      }
      const again = () => {
        this.flushing++;
        void this.flush([p]).finally(() => {
          this.flushing--;
          this.pump();
        });
      };
      if (p.attempts > 1) setTimeout(again, Math.random() * Math.min(2 ** p.attempts, 50));
      else again();
    }
  }
}

/** SQLSTATE classes 22 (data exception) and 54 (a limit exceeded): the statement's values, not the database, are at fault. */
function refusedData(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('22') || code.startsWith('54'));
}

/**
 * An escape in JSON text that PostgreSQL's jsonb refuses: `\u0000`, or an
 * unpaired surrogate (JSON.stringify writes those, and only those, as
 * `\udXXX`). An even run of backslashes before it is literal text.
 */
const refusedEscape = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/;

function unstorableEscape(json: string): string | undefined {
  // Most events have no \u escape at all: one scan, no regular expression.
  if (!json.includes('\\u')) return undefined;
  const found = refusedEscape.exec(json);
  if (!found) return undefined;
  return found[1] === '0000' ? 'the NUL character (U+0000)' : `an unpaired surrogate (U+${found[1]!.toUpperCase()})`;
}

/** Validates an append and serialises each event once (canonical JSON, keys in hash order). */
export function encodeAppend(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): EncodedAppend {
  if (events.length === 0) throw new RangeError(`append to ${streamId}: at least one event is required`);
  const head: string[] = [];
  const tail: string[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new RangeError(`append to ${streamId}: event id ${id} appears twice`);
    seen.add(id);
    // Canonical key order: data, id, metadata, recordedAt, streamId, type. undefined data would
    // vanish from the hash but be read back as null, so it is stored as null.
    const h = `{"data":${canonicalPayload(event.data ?? null)},"id":${JSON.stringify(id)},"metadata":${canonicalJson(event.metadata)},"recordedAt":`;
    const t = `,"streamId":${JSON.stringify(streamId)},"type":${JSON.stringify(event.type)}}`;
    // Refused here, before it joins a batch: PostgreSQL would refuse the whole statement for it.
    const problem = unstorableEscape(h) ?? unstorableEscape(t);
    if (problem) throw new UnstorableEvent(streamId, `event ${id} contains ${problem}`);
    head.push(h);
    tail.push(t);
  }
  return { streamId, expected, head, tail, events: events.length };
}

/**
 * The `ledger.append_batch` argument: each event's text is exactly
 * `hashedText({id, streamId, type, data, metadata, recordedAt})`.
 */
export function encodeBatch(batch: readonly EncodedAppend[], now: Date): { json: string; recordedAt: string } {
  // Truncated to milliseconds so it survives the round trip exactly (it is hashed).
  const recordedAt = new Date(Math.floor(now.getTime())).toISOString();
  const at = JSON.stringify(recordedAt);
  const items = batch.map((p) => {
    const expected = typeof p.expected === 'bigint' ? p.expected.toString() : p.expected;
    const events = p.head.map((h, i) => h + at + p.tail[i]).join(',');
    return `{"s":${JSON.stringify(p.streamId)},"x":${JSON.stringify(expected)},"e":[${events}]}`;
  });
  return { json: `[${items.join(',')}]`, recordedAt };
}

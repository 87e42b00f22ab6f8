import type pg from 'pg';
import { START, type Position } from '../eventstore/EventStore.js';
import { digestOf, anchorFormat, headsOf, signAnchor, type AnchorRecord } from './anchorRecord.js';
import type { AnchorDirectory } from './AnchorDirectory.js';
import type { SigningKey } from './anchorKey.js';
import { merkleRoot, type StreamHead } from './merkleRoot.js';
import { readHeadsSince } from './readHeadsSince.js';

export interface AnchorWriterOptions {
  readonly pool: pg.Pool;
  readonly directory: AnchorDirectory;
  readonly key: SigningKey;
  /** Also POST each anchor (the same JSON as its file) here. */
  readonly webhookUrl?: string | undefined;
  readonly log?: (message: string) => void;
  readonly now?: () => Date;
  readonly pageSize?: number;
}

export type AnchorOutcome =
  | { readonly written: true; readonly record: AnchorRecord }
  | { readonly written: false; readonly reason: string };

/**
 * Writes anchors of the PostgreSQL log: the heads of the streams that moved
 * since the previous anchor, the Merkle root over every stream's head, signed.
 * The heads of earlier anchors come from the folder itself, never from the
 * database, so a rewrite of anchored history cannot slip into a later root.
 * Several writers may share a folder: each file is created exclusively.
 */
export class AnchorWriter {
  private heads = new Map<string, StreamHead>();
  private last: AnchorRecord | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AnchorWriterOptions) {}

  /** Anchors the log up to its safe end now; one at a time. */
  anchorNow(): Promise<AnchorOutcome> {
    const run = this.queue.then(() => this.attempt(3));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async attempt(triesLeft: number): Promise<AnchorOutcome> {
    const { directory, key } = this.options;
    await this.sync();
    await directory.savePublicKey(key.publicKey);
    const moved = await this.movedSince((this.last?.position ?? START) as Position);
    if (moved.heads.size === 0) return { written: false, reason: this.last ? `nothing appended since anchor ${this.last.seq}` : 'the log is empty' };
    for (const head of moved.heads.values()) {
      const anchored = this.heads.get(head.streamId);
      if (anchored && head.revision <= anchored.revision) {
        return { written: false, reason: `stream ${head.streamId}: revision ${head.revision} appears after anchor ${this.last!.seq}, which holds revision ${anchored.revision}: the log was rewritten; run order-ledger verify --anchors ${directory.dir}` };
      }
    }
    const heads = new Map(this.heads);
    for (const head of moved.heads.values()) heads.set(head.streamId, head);
    let events = 0n;
    for (const head of heads.values()) events += head.revision + 1n;
    const record = signAnchor({
      format: anchorFormat,
      seq: (this.last?.seq ?? 0) + 1,
      position: moved.position,
      previous: this.last ? digestOf(this.last) : null,
      anchoredAt: (this.options.now?.() ?? new Date()).toISOString(),
      streams: heads.size,
      events: events.toString(),
      root: merkleRoot(heads.values()),
      heads: [...moved.heads.values()].map((h) => [h.streamId, h.revision.toString(), h.hash] as const),
      keyId: key.keyId,
    }, key.privateKey);
    if (!(await directory.write(record))) {
      // Another writer took this seq: start again from its anchor.
      if (triesLeft > 1) return this.attempt(triesLeft - 1);
      return { written: false, reason: `anchor ${record.seq} was written by another process meanwhile` };
    }
    this.heads = heads;
    this.last = record;
    await this.post(record);
    return { written: true, record };
  }

  /** Takes in anchors other writers added to the folder. */
  private async sync(): Promise<void> {
    for (const record of await this.options.directory.read(this.last?.seq ?? 0)) {
      for (const head of headsOf(record)) this.heads.set(head.streamId, head);
      this.last = record;
    }
  }

  private async movedSince(after: Position): Promise<{ heads: Map<string, StreamHead>; position: string }> {
    const pageSize = this.options.pageSize ?? 20_000;
    const heads = new Map<string, StreamHead>();
    let position = after;
    for (;;) {
      const rows = await readHeadsSince(this.options.pool, position, pageSize);
      // Log order agrees with each stream's revision order: the last row of a stream is its head.
      for (const row of rows) heads.set(row.streamId, row);
      if (rows.length > 0) position = rows[rows.length - 1]!.position;
      if (rows.length < pageSize) return { heads, position };
    }
  }

  private async post(record: AnchorRecord): Promise<void> {
    const url = this.options.webhookUrl;
    if (!url) return;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'ledger-anchor-seq': String(record.seq) },
        body: JSON.stringify(record),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) this.options.log?.(`anchor ${record.seq}: webhook answered ${response.status}; the file is written`);
    } catch (error) {
      this.options.log?.(`anchor ${record.seq}: webhook failed (${(error as Error).message}); the file is written`);
    }
  }
}

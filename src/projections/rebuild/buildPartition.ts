import type pg from 'pg';
import type { EventStore, Position, RecordedEvent } from '../../eventstore/EventStore.js';
import { START } from '../../eventstore/EventStore.js';
import type { StreamPartition } from '../../eventstore/streamPartition.js';
import type { Applier, PreparedBatch, Projection, TableTargets } from '../Projection.js';

/** One partition of one projection's rebuild: its applier and how far it has come. */
export interface PartitionBuild {
  readonly partition: StreamPartition;
  readonly applier: Applier;
  applied: number;
  position: Position;
  lastRecordedAt: Date | null;
}

export function startPartitionBuild(projection: Projection, store: EventStore, partition: StreamPartition, memoryLimit: number | undefined): PartitionBuild {
  const applier = projection.open({ store, writeBack: true, ...(memoryLimit === undefined ? {} : { memoryLimit }) });
  return { partition, applier, applied: 0, position: START, lastRecordedAt: null };
}

/** Where one projection's partition build writes, read by a reader it may share with other projections. */
export interface BuildSink {
  readonly projection: Projection;
  readonly build: PartitionBuild;
  readonly client: pg.ClientBase;
  readonly tables: TableTargets;
  /** Each batch in a transaction of its own (bulk load), or in the caller's (the swap's late events). */
  readonly ownTransactions: boolean;
  /** The projection failed here or in another of its partitions: it is left out from the next page on. */
  failed(): boolean;
  fail(error: unknown): void;
}

/**
 * Reads one partition of the log, from where its sinks stand (all at the
 * same position) to the readable end, ONCE for every sink: each projection
 * gets the events it handles from the same page, so rebuilding several
 * projections together reads and parses the log once. Per sink, a page is
 * folded while the sink's previous page is written (each sink writes on its
 * own connection), and the next page is read meanwhile. A sink whose
 * projection fails is left out; the others go on. Then each sink writes
 * what its applier still holds.
 */
export async function buildToEnd(store: EventStore, sinks: readonly BuildSink[], limit: number, report: () => void): Promise<void> {
  const first = sinks[0];
  if (first === undefined) return;
  const partition = first.build.partition;
  const types = sinks.some((s) => s.projection.handles === 'all') ? undefined : [...new Set(sinks.flatMap((s) => s.projection.handles as readonly string[]))];
  const filter = { ...(types ? { types } : {}), ...(partition.count > 1 ? { partition } : {}) };
  const wanted = new Map(sinks.map((s) => [s, s.projection.handles === 'all' ? undefined : new Set(s.projection.handles)]));
  const writing = new Map<BuildSink, Promise<void>>();
  const live = () => sinks.filter((s) => !s.failed());
  let next = store.readAll({ after: first.build.position, limit, ...filter });
  try {
    for (;;) {
      const page = await next;
      if (live().length === 0) return;
      if (!page.isEnd) next = store.readAll({ after: page.nextPosition, limit, ...filter });
      for (const sink of live()) {
        const only = wanted.get(sink);
        const events = only === undefined ? page.events : page.events.filter((e) => only.has(e.type));
        await feed(sink, events, writing);
        sink.build.applied += events.length;
        sink.build.position = page.nextPosition;
        sink.build.lastRecordedAt = events.at(-1)?.recordedAt ?? sink.build.lastRecordedAt;
      }
      report();
      if (page.isEnd) break;
    }
    await Promise.all(writing.values());
    await Promise.all(live().map(async (sink) => {
      try {
        await writeOut(sink, sink.build.applier.flush?.());
      } catch (error) {
        sink.fail(error);
      }
    }));
  } finally {
    next.catch(() => undefined);
    await Promise.all(writing.values());
  }
}

/** Folds `events` for the sink, then writes them once its previous page is written; a failure fails the sink's projection only. */
async function feed(sink: BuildSink, events: readonly RecordedEvent[], writing: Map<BuildSink, Promise<void>>): Promise<void> {
  if (events.length === 0) return;
  let prepared: PreparedBatch;
  try {
    prepared = await sink.build.applier.prepare(events);
  } catch (error) {
    sink.fail(error);
    return;
  }
  await writing.get(sink);
  if (sink.failed()) return;
  writing.set(sink, writeOut(sink, prepared).catch((error: unknown) => sink.fail(error)));
}

async function writeOut(sink: BuildSink, prepared: PreparedBatch | undefined): Promise<void> {
  if (!prepared) return;
  const { client, tables } = sink;
  if (!sink.ownTransactions) {
    await prepared.write(client, tables);
    return prepared.committed();
  }
  await client.query('BEGIN');
  try {
    await prepared.write(client, tables);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  prepared.committed();
}

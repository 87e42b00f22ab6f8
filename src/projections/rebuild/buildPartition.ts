import type pg from 'pg';
import type { EventStore, Position } from '../../eventstore/EventStore.js';
import { START } from '../../eventstore/EventStore.js';
import type { StreamPartition } from '../../eventstore/streamPartition.js';
import type { Applier, PreparedBatch, Projection, TableTargets } from '../Projection.js';

/** One partition of a rebuild: its applier and how far it has come. */
export interface PartitionBuild {
  readonly partition: StreamPartition;
  readonly applier: Applier;
  applied: number;
  position: Position;
  lastRecordedAt: Date | null;
}

export interface BuildSource {
  readonly store: EventStore;
  readonly projection: Projection;
  /** Events per read and per transaction. */
  readonly limit: number;
  /** Set once any partition failed: the others stop at their next page. */
  readonly abandoned: () => boolean;
}

export function startPartitionBuild(projection: Projection, store: EventStore, partition: StreamPartition, memoryLimit: number | undefined): PartitionBuild {
  const applier = projection.open({ store, writeBack: true, ...(memoryLimit === undefined ? {} : { memoryLimit }) });
  return { partition, applier, applied: 0, position: START, lastRecordedAt: null };
}

/**
 * Reads the partition's pages from where it stands to the readable end and
 * applies each (in its own transaction when `ownTransactions`), then writes
 * what the applier still holds. Three things overlap: the next page is read
 * while this one is folded, and folded while the one before is written (the
 * log and the build use separate connections).
 */
export async function buildToEnd(
  client: pg.ClientBase, source: BuildSource, build: PartitionBuild, tables: TableTargets, ownTransactions: boolean, report: () => void,
): Promise<void> {
  const { store, projection, limit } = source;
  const filter = {
    ...(projection.handles === 'all' ? {} : { types: projection.handles }),
    ...(build.partition.count > 1 ? { partition: build.partition } : {}),
  };
  let next = store.readAll({ after: build.position, limit, ...filter });
  let writing: Promise<void> | undefined;
  try {
    for (;;) {
      const page = await next;
      if (source.abandoned()) throw new Error('another partition of the rebuild failed');
      if (!page.isEnd) next = store.readAll({ after: page.nextPosition, limit, ...filter });
      if (page.events.length > 0) {
        const prepared = await build.applier.prepare(page.events);
        await writing;
        writing = writeOut(client, prepared, tables, ownTransactions);
      }
      build.applied += page.events.length;
      build.position = page.nextPosition;
      build.lastRecordedAt = page.events.at(-1)?.recordedAt ?? build.lastRecordedAt;
      report();
      if (page.isEnd) break;
    }
    await writing;
  } catch (error) {
    next.catch(() => undefined);
    writing?.catch(() => undefined);
    throw error;
  }
  await writeOut(client, build.applier.flush?.(), tables, ownTransactions);
}

async function writeOut(client: pg.ClientBase, prepared: PreparedBatch | undefined, tables: TableTargets, ownTransaction: boolean): Promise<void> {
  if (!prepared) return;
  if (!ownTransaction) {
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

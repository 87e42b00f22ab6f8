import type pg from 'pg';
import { START, type EventStore } from '../../src/eventstore/EventStore.js';
import type { Projection } from '../../src/projections/Projection.js';
import { rebuildProjections } from '../../src/projections/rebuild/rebuildProjection.js';
import { withUsage, type ServerCpu, type Usage } from '../harness/usage.js';

/** The rebuild's own page size (rebuildProjection's default batch). */
export const rebuildPage = 10_000;

export interface RunContext {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly serverCpu: ServerCpu;
  readonly loadAverage: () => number;
  /** Orders each orders applier keeps folded (LEDGER_PROJECTION_MEMORY_ORDERS). */
  readonly memoryLimit: number;
}

export interface Run {
  /** Events of the log the run went through (the rate's numerator). */
  readonly events: number;
  /** Events the projections applied, by projection. */
  readonly applied: Readonly<Record<string, number>>;
  readonly usage: Usage;
}

/**
 * The ceiling: the whole log through `store.readAll` in this process, in
 * the rebuild's pages, the next page asked for while this one is counted
 * (as a rebuild reads), nothing else done with the events.
 */
export async function readAllCeiling(context: RunContext): Promise<Run> {
  const { result, usage } = await withUsage(context.serverCpu, context.loadAverage, async () => {
    let count = 0;
    let next = context.store.readAll({ after: START, limit: rebuildPage });
    for (;;) {
      const page = await next;
      if (!page.isEnd) next = context.store.readAll({ after: page.nextPosition, limit: rebuildPage });
      count += page.events.length;
      if (page.isEnd) return count;
    }
  });
  return { events: result, applied: {}, usage };
}

/**
 * Rebuilds `projections` from zero, all at once from one read of the log
 * (as `order-ledger rebuild` runs them), each split in `partitions` hash
 * ranges built side by side (LEDGER_PROJECTION_PARTITIONS).
 */
export async function rebuildTogether(context: RunContext, projections: readonly Projection[], partitions: number, logEvents: number): Promise<Run> {
  const { result, usage } = await withUsage(context.serverCpu, context.loadAverage, () => rebuildProjections({
    pool: context.pool, store: context.store, projections, memoryLimit: context.memoryLimit, partitions,
  }));
  return { events: logEvents, applied: Object.fromEntries(result.map((r) => [r.projection, r.applied])), usage };
}

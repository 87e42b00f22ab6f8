import { START } from '../eventstore/EventStore.js';
import { sharedFor, type LedgerMetrics } from '../observability/metrics.js';
import type { ProjectionRunner } from './ProjectionRunner.js';
import { readCheckpoints } from './runner/checkpoints.js';
import { projectionLag, worstLag } from './runner/projectionLag.js';

/** A store whose positions do not count events is read up to this many per scrape; past it, the age in seconds tells more. */
const lagCap = 1000;

/** Projection lag (events, seconds: its furthest-behind partition's) and failure (of any partition), per projection, read from the checkpoints when scraped. */
export function registerProjectionMetrics(metrics: LedgerMetrics, runner: ProjectionRunner): void {
  const look = sharedFor(1000, async () => {
    const [rows, head] = await Promise.all([readCheckpoints(runner.pool), runner.store.headPosition()]);
    return Promise.all(runner.projections.map(async (projection) => {
      const partitions = rows.filter((c) => c.name === projection.name);
      const positions = partitions.length === 0 ? [START] : partitions.map((c) => c.position);
      const lag = worstLag(await Promise.all(positions.map((position) => projectionLag(runner.store, projection, position, head, lagCap))));
      return { projection: projection.name, lag, failed: partitions.some((c) => c.status === 'failed') };
    }));
  });
  metrics.gauge('ledger_projection_lag_events', 'Events of the log after a projection\'s checkpoint (an estimate from log positions).', ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.lag.events);
  });
  metrics.gauge('ledger_projection_lag_seconds', 'Age of the oldest event a projection has yet to apply (0 when caught up).', ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.lag.seconds);
  });
  metrics.gauge('ledger_projection_failed', '1 when a projection (any partition of it) stopped on an event it could not apply (see GET /v1/projections).', ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.failed ? 1 : 0);
  });
}

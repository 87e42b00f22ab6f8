import type { Position } from '../eventstore/EventStore.js';
import { sharedFor, type LedgerMetrics } from '../observability/metrics.js';
import type { ProjectionRunner } from './ProjectionRunner.js';
import { readCheckpoints } from './runner/checkpoints.js';
import { projectionLag } from './runner/projectionLag.js';

/** Lag is counted up to this many events per scrape; past it, its age in seconds tells more. */
const lagCap = 1000;

/** Projection lag (events, seconds) and failure, per projection, read from the checkpoints when scraped. */
export function registerProjectionMetrics(metrics: LedgerMetrics, runner: ProjectionRunner): void {
  const look = sharedFor(1000, async () => {
    const checkpoints = new Map((await readCheckpoints(runner.pool)).map((c) => [c.name, c]));
    return Promise.all(runner.projections.map(async (projection) => {
      const checkpoint = checkpoints.get(projection.name);
      const lag = await projectionLag(runner.store, projection, checkpoint?.position ?? ('' as Position), lagCap);
      return { projection: projection.name, lag, failed: checkpoint?.status === 'failed' };
    }));
  });
  metrics.gauge('ledger_projection_lag_events', `Events a projection has yet to apply (counted up to ${lagCap}).`, ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.lag.events);
  });
  metrics.gauge('ledger_projection_lag_seconds', 'Age of the oldest event a projection has yet to apply (0 when caught up).', ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.lag.seconds);
  });
  metrics.gauge('ledger_projection_failed', '1 when a projection stopped on an event it could not apply (see GET /v1/projections).', ['projection'], async (set) => {
    for (const p of await look()) set({ projection: p.projection }, p.failed ? 1 : 0);
  });
}

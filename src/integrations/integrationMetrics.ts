import type pg from 'pg';
import type { EventStore } from '../eventstore/EventStore.js';
import type { BreakerState } from './CircuitBreaker.js';
import { sharedFor, type LedgerMetrics } from '../observability/metrics.js';
import { IntegratorRepository } from './IntegratorRepository.js';
import { integratorStatus } from './integratorStatus.js';

const breakerStates: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Priority bands of parked events: the open value at risk of their order when parked. */
const bandSql = `CASE WHEN priority <= 0 THEN 'none' WHEN priority < 1000 THEN 'under_1k'
  WHEN priority < 10000 THEN 'under_10k' WHEN priority < 100000 THEN 'under_100k' ELSE '100k_plus' END`;

/** Integrator lag and breaker state, and the parked events by priority, read when scraped. */
export function registerIntegrationMetrics(metrics: LedgerMetrics, pool: pg.Pool, store: EventStore): void {
  const integrators = new IntegratorRepository(pool);
  const look = sharedFor(1000, async () => Promise.all((await integrators.list()).map((r) => integratorStatus(store, r))));
  metrics.gauge('ledger_integrator_lag_events', 'Events an integrator has yet to deliver (counted up to 1,000).', ['integrator'], async (set) => {
    for (const i of await look()) set({ integrator: i.name }, i.lag.events);
  });
  metrics.gauge('ledger_integrator_lag_seconds', 'Age of the oldest event an integrator has yet to deliver (0 when caught up).', ['integrator'], async (set) => {
    for (const i of await look()) set({ integrator: i.name }, i.lag.seconds);
  });
  metrics.gauge('ledger_integrator_breaker_state', "1 for the state an integrator's circuit breaker is in, 0 for the others.", ['integrator', 'state'], async (set) => {
    for (const i of await look()) for (const state of breakerStates) set({ integrator: i.name, state }, i.breaker === state ? 1 : 0);
  });
  metrics.gauge('ledger_parked_events', 'Events parked for an operator, by integrator and priority band (open value at risk).', ['integrator', 'priority'], async (set) => {
    const { rows } = await pool.query<{ integrator: string; band: string; n: number }>(
      `SELECT integrator, ${bandSql} AS band, count(*)::int AS n FROM integration.parked_events WHERE state = 'parked' GROUP BY 1, 2`,
    );
    for (const r of rows) set({ integrator: r.integrator, priority: r.band }, r.n);
  });
}

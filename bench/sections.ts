import { baselineSection } from './baseline/baselineSection.js';
import { eventstoreSection } from './eventstore/eventstoreSection.js';
import { externalSection } from './harness/externalSection.js';
import type { Section } from './harness/section.js';

/**
 * Every benchmark, in the order `npm run bench` runs them. To add one,
 * write a `Section` (bench/harness/section.ts) and list it here.
 */
export const sections: readonly Section[] = [
  eventstoreSection,
  baselineSection,
  // HTTP ingest (autocannon): single POSTs at 1–256 connections, batches of 100, a bare fastify+zod route beside them.
  externalSection('http', 'HTTP ingest (1, 16, 64 and 256 connections; batches of 100; a bare fastify+zod route)', 'http', 'runHttpBench'),
  externalSection('projections', 'Projections: rebuild rate', 'projections', 'runProjectionsBench'),
  externalSection('integrations', 'Integrations: feed and webhook delivery', 'integrations', 'runIntegrationsBench'),
  // A peak day, docs/domain.md §6: 3M events in the log, then every projection caught up from zero as `npm start` runs them.
  externalSection('peak', 'Peak day (docs/domain.md §6: 3M events; size set by BENCH_PEAK_EVENTS): every projection caught up from zero', 'peak', 'runPeakBench'),
  // A 250,000-line snapshot streamed to POST /v1/reconciliations: rows/s and the service process's peak memory.
  externalSection('reconcile', 'Reconciliation: a 250,000-line snapshot against the ledger', 'reconcile', 'runReconcileBench'),
  // A simulated week behind the dashboard: overview and order pages in headless Chromium, navigation to figures shown, and the summary endpoint.
  externalSection('dashboard', 'Dashboard: page loads on a simulated week (target < 1 s)', 'dashboard', 'runDashboardBench'),
];

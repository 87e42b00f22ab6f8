import type { SourceSystemKind } from '../../src/domain/sourceSystems.js';
import { generateDay } from '../../src/simulator/generateDay.js';
import { HttpClient } from '../../src/simulator/HttpClient.js';
import { waitForProjections } from '../../src/simulator/reportSummary.js';
import { submitDay } from '../../src/simulator/submitDay.js';
import type { SimulationSummary } from '../../src/simulator/SubmitTally.js';

export interface SeededWeek {
  readonly orders: number;
  readonly start: Date;
  readonly summary: SimulationSummary;
  /** Seconds from the last submission until no projection lagged. */
  readonly catchUpSeconds: number;
}

const dayMs = 86_400_000;

/**
 * A simulated week (five business days of docs/domain.md §6, seed 1) submitted
 * to a running service through `POST /v1/batches`, then waited on until every
 * projection has caught up. The window is the demo's: it starts `days + 7`
 * days ago and leaves out what would happen after now, so some orders are
 * still open, and all of it falls in the dashboard's default 30 days.
 */
export async function seedWeek(options: { url: string; keys: Record<SourceSystemKind, string>; reader: string; ordersPerDay: number; log: (message: string) => void }): Promise<SeededWeek> {
  const days = 5;
  const orders = options.ordersPerDay * days;
  const now = new Date();
  const start = new Date(Math.floor(now.getTime() / dayMs) * dayMs - (days + 7) * dayMs);
  options.log(`  submitting ${orders.toLocaleString('en-US')} simulated orders over ${days} business days from ${start.toISOString().slice(0, 10)} (POST /v1/batches, 8 senders × 100 orders)…`);
  const week = generateDay({ orders, seed: 1, days, start, cutoff: now });
  const summary = await submitDay(week, { url: options.url, keys: options.keys, concurrency: 8, batch: 100, totalOrders: orders });
  if (summary.serverErrors > 0) throw new Error(`the service answered ${summary.serverErrors} submissions with 5xx`);
  options.log(`  ${summary.submitted.toLocaleString('en-US')} submissions in ${Math.round(summary.wallSeconds)} s; waiting for the projections…`);
  const client = new HttpClient(new URL(options.url), 1);
  const caughtUpFrom = performance.now();
  try {
    const behind = await waitForProjections(client, options.reader, 1_800_000);
    if (behind > 0) throw new Error(`projections still ${behind} events behind after 30 minutes`);
  } finally {
    client.close();
  }
  return { orders, start, summary, catchUpSeconds: (performance.now() - caughtUpFrom) / 1000 };
}

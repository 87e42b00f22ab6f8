import type { HttpClient } from './HttpClient.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const money = (x: number, currency: string) => `${x.toLocaleString('en-US', { maximumFractionDigits: 0 })} ${currency}`;
const hours = (s: number | null) => (s === null ? '—' : `${(s / 3600).toFixed(1)} h`);

interface Totals { lines: number; openValue: number; pastDueLines: number }
interface AtRisk { count: number; valueAtRisk: number; byCode: { code: string; count: number; valueAtRisk: number }[] }
/** The fields of `GET /v1/reports/summary` this summary prints. */
interface Summary {
  currency: string;
  freshness: { eventsBehind: number };
  orders: { received: number; accepted: number; delivered: number; shipped: number; acceptanceLatencySeconds: { p50: number | null; p95: number | null }; cycleTimeSeconds: { p50: number | null; p90: number | null } };
  fillRate: { lines: number; orders: number; lineFillRate: number | null; unitFillRate: number | null; orderFillRate: number | null };
  otif: { lineRate: number | null; orderRate: number | null; includesEstimates: boolean };
  backlog: Totals & { byStage: (Totals & { stage: string })[] };
  exceptions: AtRisk;
  slaBreaches: AtRisk;
}

/**
 * Waits for the projections to catch up, then prints the service's own
 * summary (`GET /v1/reports/summary`): the figures are the endpoint's,
 * this only lays them out.
 */
export async function reportSummary(client: HttpClient, key: string, days: { from: string; to: string }, timeoutMs = 120_000): Promise<string[]> {
  const lag = await waitForProjections(client, key, timeoutMs);
  const { status, json: s } = await client.getJson<Summary>(`/v1/reports/summary?from=${days.from}&to=${days.to}`, key);
  if (status !== 200 || !s) return [`Reports: GET /v1/reports/summary answered ${status}`];
  const c = s.currency;
  const byCode = (a: AtRisk) => a.byCode.map((g) => `${g.code} ${g.count}`).join(', ') || 'none';
  return [
    `Summary ${days.from} – ${days.to} (GET /v1/reports/summary)${lag ? `, projections still ${lag} events behind: partial` : ''}`,
    `Orders: ${s.orders.received} received, ${s.orders.accepted} accepted, ${s.orders.shipped} shipped, ${s.orders.delivered} fully delivered`,
    `Fill rate over ${s.fillRate.lines} shipped lines of ${s.fillRate.orders} orders: line ${pct(s.fillRate.lineFillRate)}, unit ${pct(s.fillRate.unitFillRate)}, order ${pct(s.fillRate.orderFillRate)}`,
    `OTIF: lines ${pct(s.otif.lineRate)}, orders ${pct(s.otif.orderRate)}${s.otif.includesEstimates ? ' (some deliveries estimated: no proof of delivery)' : ''}`,
    `Acceptance latency p50 ${hours(s.orders.acceptanceLatencySeconds.p50)}, p95 ${hours(s.orders.acceptanceLatencySeconds.p95)}; cycle time p50 ${hours(s.orders.cycleTimeSeconds.p50)}, p90 ${hours(s.orders.cycleTimeSeconds.p90)}`,
    `Backlog now: ${s.backlog.lines} open lines worth ${money(s.backlog.openValue, c)} (${s.backlog.pastDueLines} past due)`,
    ...s.backlog.byStage.filter((g) => g.lines > 0).map((g) => `  ${g.stage.padEnd(12)} ${String(g.lines).padStart(7)} lines  ${money(g.openValue, c).padStart(16)}  (${g.pastDueLines} past due)`),
    `Open exceptions: ${s.exceptions.count}, ${money(s.exceptions.valueAtRisk, c)} at risk (${byCode(s.exceptions)})`,
    `SLA breaches (stuck orders): ${s.slaBreaches.count}, ${money(s.slaBreaches.valueAtRisk, c)} at risk (${byCode(s.slaBreaches)})`,
  ];
}

/** Polls `GET /v1/projections` until no projection lags (or the time is up); the events still behind. */
export async function waitForProjections(client: HttpClient, key: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await client.getJson<{ items: { lag?: { events?: number } }[] }>('/v1/projections', key);
    const behind = (json?.items ?? []).reduce((sum, p) => sum + (p.lag?.events ?? 0), 0);
    if (behind === 0 || Date.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

import type { HttpClient } from './HttpClient.js';

type Row = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const hours = (s: unknown) => (s === null || s === undefined ? '—' : `${(num(s) / 3600).toFixed(1)} h`);

/**
 * Waits for the projections to catch up, then reads the backlog, fill-rate
 * and KPI reports over HTTP and summarises them. Says plainly what is
 * missing when the service does not serve them.
 */
export async function reportSummary(client: HttpClient, key: string, days: { from: string; to: string }, timeoutMs = 120_000): Promise<string[]> {
  const status = await client.getJson<{ items: Row[] }>('/v1/projections', key);
  if (status.status === 404) {
    return ['Reports: not available — this build of the service does not serve /v1/projections or /v1/reports/* (the projections are not wired into startService yet), so there is no backlog, fill-rate or KPI summary to show.'];
  }
  const lag = await waitForProjections(client, key, timeoutMs);
  const range = `from=${days.from}&to=${days.to}`;
  const [backlog, fill, kpis, exceptions] = await Promise.all([
    client.getJson<{ items: Row[] }>('/v1/reports/backlog', key),
    client.getJson<{ items: Row[] }>(`/v1/reports/fill-rate?${range}`, key),
    client.getJson<{ items: Row[] }>(`/v1/reports/kpis?${range}`, key),
    client.getJson<{ items: Row[]; slaBreaches: Row[] }>('/v1/exceptions?limit=1000', key),
  ]);
  return [
    ...(lag ? [`(projections still ${lag} events behind after ${timeoutMs / 1000} s; figures below are partial)`] : []),
    ...backlogLines(backlog.json?.items ?? []),
    ...fillRateLines(fill.json?.items ?? []),
    ...kpiLines(kpis.json?.items ?? []),
    `Exceptions: ${exceptions.json?.items.length ?? 0} open${exceptions.json?.items.length === 1000 ? '+' : ''}, by code ${countBy(exceptions.json?.items ?? [], 'code')}; SLA breaches (stuck orders) ${exceptions.json?.slaBreaches.length ?? 0}`,
  ];
}

async function waitForProjections(client: HttpClient, key: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await client.getJson<{ items: { lag?: { events?: number } }[] }>('/v1/projections', key);
    const behind = (json?.items ?? []).reduce((sum, p) => sum + (p.lag?.events ?? 0), 0);
    if (behind === 0 || Date.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function backlogLines(rows: readonly Row[]): string[] {
  const byStage = new Map<string, { lines: number; value: number; pastDue: number }>();
  for (const r of rows) {
    const s = byStage.get(String(r.stage)) ?? { lines: 0, value: 0, pastDue: 0 };
    s.lines += num(r.lines);
    s.value += num(r.open_value);
    s.pastDue += num(r.past_due_lines);
    byStage.set(String(r.stage), s);
  }
  const total = [...byStage.values()].reduce((a, s) => ({ lines: a.lines + s.lines, value: a.value + s.value }), { lines: 0, value: 0 });
  return [
    `Backlog: ${total.lines} open lines worth ${money(total.value)}`,
    ...[...byStage].map(([stage, s]) => `  ${stage.padEnd(12)} ${String(s.lines).padStart(7)} lines  ${money(s.value).padStart(12)}  (${s.pastDue} past due)`),
  ];
}

function fillRateLines(rows: readonly Row[]): string[] {
  const sum = (k: string) => rows.reduce((a, r) => a + num(r[k]), 0);
  const lines = sum('lines');
  const orders = sum('orders');
  if (lines === 0) return ['Fill rate: no shipped lines in the period yet'];
  const weighted = (k: string) => rows.reduce((a, r) => a + num(r[k]) * num(r.lines), 0) / lines;
  return [`Fill rate: line ${pct(sum('lines_filled') / lines)}, unit ≈${pct(weighted('unit_fill_rate'))}, order ${pct(sum('orders_filled') / Math.max(1, orders))}; OTIF (lines) ≈${pct(weighted('line_otif_rate'))} over ${lines} lines of ${orders} orders`];
}

function kpiLines(rows: readonly Row[]): string[] {
  if (rows.length === 0) return ['KPIs: no days with orders in the period yet'];
  return ['KPIs by day: orders, acceptance latency p50/p95, cycle time p50/p90, duplicate order rate', ...rows.map((r) =>
    `  ${String(r.day)}  ${String(num(r.orders)).padStart(6)}  ${hours(r.acceptance_latency_p50_seconds)} / ${hours(r.acceptance_latency_p95_seconds)}  ${hours(r.cycle_time_p50_seconds)} / ${hours(r.cycle_time_p90_seconds)}  ${pct(num(r.duplicate_order_rate))}`)];
}

function countBy(rows: readonly Row[], key: string): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(String(r[key]), (counts.get(String(r[key])) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

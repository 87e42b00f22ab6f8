import type { SimulationSummary } from './SubmitTally.js';

const n = (x: number) => x.toLocaleString('en-US');

/** The closing summary, as printed by `simulate` and `demo`. */
export function formatSummary(s: SimulationSummary): string {
  const refusals = Object.entries(s.refusals).sort((a, b) => b[1] - a[1]);
  const rate = s.wallSeconds > 0 ? s.submitted / s.wallSeconds : 0;
  return [
    `orders        ${n(s.orders)}`,
    `submitted     ${n(s.submitted)} events in ${s.wallSeconds.toFixed(1)} s (${n(Math.round(rate))}/s)`,
    `accepted      ${n(s.accepted)}  (${n(s.exceptionsRaised)} exceptions raised by the ledger on out-of-order or late facts)`,
    `duplicates    ${n(s.duplicates)}  (Idempotent-Replayed; ${n(s.planned.retries)} retries were sent)`,
    `unmatched     ${n(s.unmatched)}  (202; ${n(s.planned.earlyAlias)} named an ERP number before its acceptance, ${n(s.planned.unknownAlias)} a number no order has)`,
    `refused       ${refusals.length === 0 ? '0' : refusals.map(([code, count]) => `${code} ${n(count)}`).join(', ')}`,
    `server errors ${n(s.serverErrors)}${s.retries > 0 ? `  (${n(s.retries)} re-sends after back-pressure)` : ''}`,
    `latency       p50 ${s.latencyMs.p50.toFixed(1)} ms, p99 ${s.latencyMs.p99.toFixed(1)} ms, max ${s.latencyMs.max.toFixed(0)} ms`,
  ].join('\n');
}

import { quantile } from '../harness/stats.js';
import type { PageLoad } from './timePageLoads.js';

const median = (values: readonly number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;

/**
 * Where a page's load went, as the browser's Navigation and Resource Timing
 * saw it: the median over `loads` of when the document and each request
 * started and ended, the server's share of each request (sent to first
 * byte), the main thread's long tasks, and when the figures were shown.
 */
export function loadBreakdown(name: string, loads: readonly PageLoad[]): string {
  const labels = [...new Set(loads.flatMap((load) => load.requests.map((r) => r.label)))];
  const requests = labels.map((label) => {
    const seen = loads.flatMap((load) => load.requests.filter((r) => r.label === label));
    const start = median(seen.map((r) => r.startMs));
    const end = median(seen.map((r) => r.endMs));
    return { label, start, text: `${label} ${ms(start)}–${ms(end)} (server ${ms(median(seen.map((r) => r.waitMs)))}, ${kb(median(seen.map((r) => r.bytes)))})` };
  }).sort((a, b) => a.start - b.start);
  return [
    `${name}, median of ${loads.length} loads, ms from navigation start: document ${ms(median(loads.map((l) => l.documentMs)))}, DOMContentLoaded ${ms(median(loads.map((l) => l.domContentLoadedMs)))};`,
    `${requests.map((r) => r.text).join('; ')};`,
    `main-thread long tasks before the figures ${ms(median(loads.map((l) => l.longTasksMs)))}; figures shown at ${ms(median(loads.map((l) => l.shownMs)))} (${ms(median(loads.map((l) => l.wallMs)))} as the driving process saw it).`,
  ].join(' ');
}

import type { Figure } from '../harness/results.js';
import { spreadOf } from '../harness/stats.js';
import type { Usage } from '../harness/usage.js';

const mib = 2 ** 20;

/** CPU per 1,000 events on each side (server only when measurable). */
export function cpuFigures(key: string, work: string, concurrency: string, events: number, usage: Usage): Figure[] {
  const per = (seconds: number) => spreadOf([(seconds * 1000 * 1000) / events]);
  const out: Figure[] = [{ key: `${key}.cpu.client`, work: `${work}: client CPU per 1,000 events`, concurrency, unit: 'ms', value: per(usage.clientCpuSeconds) }];
  if (usage.serverCpuSeconds !== undefined) {
    out.push({ key: `${key}.cpu.server`, work: `${work}: PostgreSQL CPU per 1,000 events`, concurrency, unit: 'ms', value: per(usage.serverCpuSeconds) });
  }
  return out;
}

/** This process's RSS and V8 heap high-water during the work. */
export function memoryFigures(key: string, work: string, concurrency: string, usage: Usage): Figure[] {
  return [
    { key: `${key}.rss`, work: `${work}: peak RSS of the process`, concurrency, unit: 'MiB', value: spreadOf([usage.peakRssBytes / mib]) },
    { key: `${key}.heap`, work: `${work}: peak V8 heap used`, concurrency, unit: 'MiB', value: spreadOf([usage.peakHeapBytes / mib]) },
  ];
}

/** One line for the notes: everything a run cost. */
export function usageText(usage: Usage, events: number): string {
  const server = usage.serverCpuSeconds === undefined ? 'server CPU not measured (not the embedded server)' : `server CPU ${usage.serverCpuSeconds.toFixed(1)} s`;
  return `${events.toLocaleString('en-US')} events in ${usage.seconds.toFixed(1)} s; client CPU ${usage.clientCpuSeconds.toFixed(1)} s, ${server}; peak RSS ${Math.round(usage.peakRssBytes / mib)} MiB, peak heap ${Math.round(usage.peakHeapBytes / mib)} MiB; 1-min load average at the end ${usage.loadAverage}`;
}

import type { Figure, SectionResult } from './results.js';
import { millions } from './workloads.js';

/** One target that compares two figures of (ideally) the same run. */
export interface Comparison {
  readonly target: string;
  /** Key of our figure (its row in the section table shows this comparison too). */
  readonly oursKey: string;
  readonly ours: Figure | undefined;
  readonly reference: Figure | undefined;
  readonly referenceName: string;
  /** ours / reference (for a flatness check: slowest / fastest page time). */
  readonly ratio: number | undefined;
  readonly required: number;
  /** Flatness is met when the ratio is at most `required`; the rest when it is at least. */
  readonly atMost: boolean;
  readonly met: boolean | undefined;
  /** False when the two figures come from different `npm run bench` invocations. */
  readonly sameRun: boolean;
  /** True when either figure comes from a `--quick` run. */
  readonly quick: boolean;
}

/** Page time may vary this much (slowest / fastest probe) and still count as flat. */
export const flatTolerance = 1.25;

export function comparisons(results: Map<string, SectionResult>): Comparison[] {
  const figures = new Map<string, { figure: Figure; runId: string; quick: boolean }>();
  for (const result of results.values()) for (const figure of result.figures) figures.set(figure.key, { figure, runId: result.runId, quick: result.quick });
  const rows: Comparison[] = [];
  const compare = (target: string, oursKey: string, referenceKey: string, referenceName: string, required: number): void => {
    const ours = figures.get(oursKey);
    const reference = figures.get(referenceKey);
    const ratio = ours && reference ? ours.figure.value.median / reference.figure.value.median : undefined;
    rows.push({
      target, oursKey, ours: ours?.figure, reference: reference?.figure, referenceName, ratio, required, atMost: false,
      met: ratio === undefined ? undefined : ratio >= required,
      sameRun: ours !== undefined && reference !== undefined && ours.runId === reference.runId,
      quick: Boolean(ours?.quick || reference?.quick),
    });
  };
  for (const writers of [8, 32]) {
    compare(`single-event appends, ${writers} writers: ≥ 2× Emmett`, `ledger.append.1.${writers}`, `emmett.append.1.${writers}`, 'Emmett', 2);
    compare(`single-event appends, ${writers} writers: ≥ 60% of bare single-row INSERT`, `ledger.append.1.${writers}`, `bare.insert.1.${writers}`, 'bare INSERT', 0.6);
  }
  const sizes = [...figures.keys()].filter((key) => /^ledger\.readAll\.\d+\.start$/.test(key)).map((key) => Number(key.split('.')[2])).sort((a, b) => a - b);
  for (const size of sizes) {
    for (const where of ['start', 'end']) {
      compare(`readAll, ${millions(size)} events, pages at the ${where}: ≥ 80% of bare paged read`, `ledger.readAll.${size}.${where}`, `bare.readAll.${size}.${where}`, 'bare paged read', 0.8);
    }
  }
  const probes = sizes.flatMap((size) => ['start', 'end'].map((where) => figures.get(`ledger.readAll.${size}.${where}`)));
  rows.push(flatness(probes.map((probe) => probe?.figure), sizes, probes.some((probe) => probe?.quick)));
  compare('single POST, 64 connections: ≥ 0.2× a bare fastify+zod route', 'http.ingest.64', 'http.bare.64', 'bare fastify+zod', 0.2);
  for (const key of [...figures.keys()].filter((k) => /^projections\.rebuild\.all\.p\d+$/.test(k))) {
    const partitions = Number(key.split('.p').at(-1));
    compare(`projection rebuild, every model together, ${partitions} partition${partitions > 1 ? 's' : ''}: ≥ 0.6× the in-process readAll of the same log`, key, 'projections.readAll', 'in-process readAll', 0.6);
  }
  for (const readers of [1, 8]) {
    compare(`readStream, ${readers} reader${readers > 1 ? 's' : ''}: ≥ 1.5× Emmett`, `ledger.readStream.${readers}`, `emmett.readStream.${readers}`, 'Emmett', 1.5);
  }
  return rows;
}

function flatness(probes: (Figure | undefined)[], sizes: number[], quick: boolean): Comparison {
  const times = probes.map((probe) => probe?.pageMs?.median).filter((ms): ms is number => ms !== undefined);
  const slowest = probes.reduce<Figure | undefined>((a, b) => ((b?.pageMs?.median ?? 0) > (a?.pageMs?.median ?? 0) ? b : a), undefined);
  const fastest = probes.reduce<Figure | undefined>((a, b) => ((b?.pageMs?.median ?? Infinity) < (a?.pageMs?.median ?? Infinity) ? b : a), undefined);
  const ratio = times.length >= 2 ? Math.max(...times) / Math.min(...times) : undefined;
  return {
    target: `readAll page time flat from ${sizes.map(millions).join(' to ') || '1M to 5M'} (slowest / fastest of start and end probes ≤ ${flatTolerance})`,
    oursKey: 'ledger.readAll.flat',
    ours: slowest,
    reference: fastest,
    referenceName: 'fastest probe',
    ratio,
    required: flatTolerance,
    atMost: true,
    met: ratio === undefined ? undefined : ratio <= flatTolerance,
    sameRun: true,
    quick,
  };
}

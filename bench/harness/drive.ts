import { latencyOf, type Latency } from './stats.js';

export interface DriveOptions {
  readonly workers: number;
  readonly seconds: number;
  /** Operations in the warm-up are neither timed nor counted (connections open, plans cache). */
  readonly warmupSeconds: number;
  /** One operation of worker `w`; resolves to how many events it handled. */
  readonly operation: (worker: number) => Promise<number>;
}

export interface DriveResult {
  readonly eventsPerSecond: number;
  readonly operations: number;
  /** Per-operation latency (one append, one stream read, one page). */
  readonly latency: Latency;
}

/**
 * Runs `workers` closed loops for a fixed time: each starts its next
 * operation when the previous one resolves, as a real writer would.
 */
export async function drive(options: DriveOptions): Promise<DriveResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const stopAt = measureFrom + options.seconds * 1000;
  const latencies: number[] = [];
  let events = 0;
  let lastEnd = measureFrom;
  const loop = async (worker: number): Promise<void> => {
    for (let began = performance.now(); began < stopAt; began = performance.now()) {
      const handled = await options.operation(worker);
      const ended = performance.now();
      if (began < measureFrom) continue;
      latencies.push(ended - began);
      events += handled;
      if (ended > lastEnd) lastEnd = ended;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, worker) => loop(worker)));
  const seconds = (lastEnd - measureFrom) / 1000;
  return { eventsPerSecond: seconds > 0 ? events / seconds : 0, operations: latencies.length, latency: latencyOf(latencies) };
}

/** Wall time of `work` in seconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

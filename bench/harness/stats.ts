/** Median and spread of repeated runs: what every figure in bench/README.md reports. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every run's value, in the order they ran. */
  readonly runs: readonly number[];
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: [...values] };
}

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (at - low);
}

/** Latency percentiles of one run, in milliseconds. */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

export function latencyOf(samplesMs: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(samplesMs).sort();
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

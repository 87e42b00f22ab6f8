/** How much each benchmark does: the full run, or `--quick` to check that everything works end to end. */
export interface BenchPlan {
  readonly quick: boolean;
  /** Runs per figure; each figure is reported as their median and spread. */
  readonly repetitions: number;
  /** Timed seconds per closed-loop measurement, after `warmupSeconds` untimed. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Writer and reader counts. */
  readonly writers: readonly number[];
  readonly batchWriters: readonly number[];
  readonly readers: readonly number[];
  /** Log lengths at which paged global reads are measured. */
  readonly logSizes: readonly number[];
  /** Pages of 1,000 read at the start and at the end of the log, per run. */
  readonly pagesPerProbe: number;
  /** Pages per run for stores whose page time grows with the log (Emmett). */
  readonly slowPagesPerProbe: number;
  /** Log length for Emmett's global read (its pages scan the whole table). */
  readonly emmettLogSize: number;
  readonly copyRows: number;
}

export const pageSize = 1000;
export const eventsPerStream = 20;

export function planFor(args: readonly string[]): BenchPlan {
  const quick = args.includes('--quick');
  const sizes = valueOf(args, '--log-sizes');
  const repetitions = Number(valueOf(args, '--repetitions') ?? (quick ? 1 : 3));
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError('--repetitions must be a positive integer');
  const logSizes = sizes ? sizes.split(',').map(Number) : quick ? [20_000, 60_000] : [1_000_000, 5_000_000];
  if (logSizes.some((n) => !Number.isInteger(n) || n < 10 * pageSize)) throw new RangeError('--log-sizes: integers of at least 10000');
  return {
    quick,
    repetitions,
    seconds: quick ? 1 : 5,
    warmupSeconds: quick ? 0.3 : 1,
    writers: [1, 8, 32],
    batchWriters: [1, 8],
    readers: [1, 8],
    logSizes: [...logSizes].sort((a, b) => a - b),
    pagesPerProbe: quick ? 3 : 30,
    slowPagesPerProbe: quick ? 2 : 3,
    emmettLogSize: quick ? 20_000 : 1_000_000,
    copyRows: quick ? 10_000 : 100_000,
  };
}

function valueOf(args: readonly string[], flag: string): string | undefined {
  const inline = args.find((arg) => arg.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

export interface BatchingOptions {
  /** A batch never holds more events than this. */
  readonly maxSize: number;
  /** A batch is handed over once the source has been quiet this long (live tail). */
  readonly idleMs: number;
}

const idle = Symbol('idle');

/**
 * Groups a pull-based stream into batches: full ones while catching up, and
 * whatever arrived before the source went quiet for `idleMs` when live, so a
 * lone event is applied within milliseconds instead of waiting for company.
 */
export async function* eventBatches<T>(source: AsyncIterable<T>, options: BatchingOptions): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  try {
    for (;;) {
      pending ??= iterator.next();
      const result = batch.length === 0 ? await pending : await raceIdle(pending, options.idleMs);
      if (result === idle) {
        yield batch;
        batch = [];
        continue;
      }
      pending = undefined;
      if (result.done) break;
      batch.push(result.value);
      if (batch.length >= options.maxSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    // A next() still in flight settles when the source is aborted; its outcome no longer matters.
    pending?.catch(() => undefined);
    if (pending === undefined) await iterator.return?.();
  }
}

async function raceIdle<R>(pending: Promise<R>, ms: number): Promise<R | typeof idle> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<typeof idle>((resolve) => {
    timer = setTimeout(() => resolve(idle), ms);
  });
  try {
    return await Promise.race([pending, quiet]);
  } finally {
    clearTimeout(timer);
  }
}

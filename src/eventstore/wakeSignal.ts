/**
 * The generation counter and waiters every adapter's live readers share: a
 * reader notes `generation()` before it reads and passes it to `wait` after,
 * so a wake-up that arrives between its read and its wait is not missed.
 * What raises the wake-ups (LISTEN/NOTIFY, a subscription) is the adapter's.
 */
export interface WakeSignal {
  generation(): number;
  /** Resolves once the generation differs from `seen`, after `pollMs`, on abort, or at once when `closed()`. */
  wait(seen: number, signal: AbortSignal): Promise<void>;
  /** Moves the generation and releases every waiter. */
  wake(): void;
}

export function createWakeSignal(pollMs: number, closed: () => boolean): WakeSignal {
  let generation = 0;
  const waiters = new Set<() => void>();
  return {
    generation: () => generation,
    wait(seen, signal) {
      if (seen !== generation || signal.aborted || closed()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        signal.addEventListener('abort', done, { once: true });
        waiters.add(done);
      });
    },
    wake() {
      generation += 1;
      for (const resolve of [...waiters]) resolve();
    },
  };
}

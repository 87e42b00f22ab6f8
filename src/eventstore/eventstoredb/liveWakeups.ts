import { END, excludeSystemEvents, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { createWakeSignal } from '../wakeSignal.js';

/**
 * One live subscription per store, used only to wake readers that reached
 * the end of `$all`; they then read pages themselves. The subscription is
 * always drained at once, so the server never drops it as a slow
 * subscriber (23.10 does, without resubscribing); when it drops anyway it
 * is opened again with back-off, and readers also wake every `pollMs`.
 */
export interface LiveWakeups {
  /** Counts wake-ups: a reader notes it before reading, so a write between its read and its wait is not missed. */
  generation(): number;
  /** Resolves on the next wake-up after `seen`, after `pollMs`, or when `signal` aborts. */
  wait(seen: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export function createLiveWakeups(client: KurrentDBClient, pollMs: number, log: (message: string) => void): LiveWakeups {
  // As before this signal existed, a wait after close still lasts up to pollMs: readers here check their own signal.
  const signal = createWakeSignal(pollMs, () => false);
  let running: Promise<void> | undefined;
  let closed = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let stopSleeping = (): void => undefined;
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    stopSleeping = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const wakeAll = signal.wake;

  async function follow(): Promise<void> {
    for (let failures = 0; !closed;) {
      try {
        const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
        unsubscribe = () => subscription.unsubscribe();
        for await (const _event of subscription) {
          failures = 0;
          wakeAll();
        }
      } catch (error) {
        if (closed) return;
        failures += 1;
        log(`live subscription to $all dropped (${(error as Error).message}); reopening, readers poll meanwhile`);
      }
      if (!closed) await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    }
  }

  return {
    generation: signal.generation,
    wait(seen, abort) {
      // Never rejects: a failure is logged and retried inside.
      running ??= follow().catch((error: Error) => log(`live wake-ups stopped: ${error.message}; readers poll`));
      return signal.wait(seen, abort);
    },
    async close() {
      closed = true;
      wakeAll();
      stopSleeping();
      await unsubscribe?.().catch(() => undefined);
      await running?.catch(() => undefined);
    },
  };
}

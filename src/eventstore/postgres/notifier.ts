import type pg from 'pg';
import { notifyChannel } from './sql.js';

export interface Notifier {
  /** Note that something was appended; a NOTIFY follows soon, outside the append's transaction. */
  poke(): void;
  /** Stops further NOTIFYs and waits for the one in flight. */
  close(): Promise<void>;
}

/**
 * Coalesced wake-ups for other processes. NOTIFY takes a global lock while
 * its transaction commits, so it never rides on an append (that would
 * serialise every commit and defeat group commit). Instead at most one
 * NOTIFY is in flight, and at most one per `intervalMs` while appends keep
 * coming. A lost NOTIFY only delays readers until their next poll.
 */
export function createNotifier(pool: pg.Pool, log: (message: string) => void, intervalMs = 10): Notifier {
  let dirty = false;
  let running = false;
  let closed = false;
  let inFlight: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    running = true;
    try {
      while (dirty && !closed) {
        dirty = false;
        await pool.query(`NOTIFY ${notifyChannel}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    } catch (error) {
      log(`event store NOTIFY failed (subscribers will poll): ${(error as Error).message}`);
    } finally {
      running = false;
    }
  }

  return {
    poke() {
      dirty = true;
      if (!running && !closed) inFlight = drain();
    },
    async close() {
      closed = true;
      await inFlight;
    },
  };
}

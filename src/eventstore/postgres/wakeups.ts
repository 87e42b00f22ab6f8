import pg from 'pg';
import { createWakeSignal } from '../wakeSignal.js';
import { notifyChannel } from './sql.js';

/** Tells live subscribers that the log may have moved. */
export interface Wakeups {
  /** Changes whenever a wake-up arrives; read it before a read, pass it to `wait` after. */
  generation(): number;
  /** Resolves once `generation()` differs from `seen`, after `pollMs`, or on abort/close. */
  wait(seen: number, signal: AbortSignal): Promise<void>;
  /** Wakes everyone (a local append, a NOTIFY, a lost connection). */
  wake(): void;
  /** Opens the shared LISTEN connection if it is not open yet. */
  listen(): void;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per store, shared by all its subscribers, opened
 * outside the pool (a LISTEN must stay on one session). When it drops it is
 * reopened after `pollMs`; meanwhile, and always, subscribers poll every
 * `pollMs`, which also catches what NOTIFY cannot announce: the safe
 * horizon moving because an unrelated transaction ended.
 */
export function createWakeups(config: pg.ClientConfig, pollMs: number, log: (message: string) => void): Wakeups {
  let closed = false;
  let client: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const signal = createWakeSignal(pollMs, () => closed);
  const wake = signal.wake;

  function dropped(dead: pg.Client, reason: string): void {
    if (client !== dead) return;
    client = undefined;
    dead.removeAllListeners('notification');
    dead.on('error', () => undefined);
    void dead.end().catch(() => undefined);
    wake();
    if (closed) return;
    log(`event store LISTEN connection lost (${reason}); polling until it is back`);
    reconnectTimer ??= setTimeout(() => {
      reconnectTimer = undefined;
      listen();
    }, pollMs);
  }

  function listen(): void {
    if (closed || client || reconnectTimer) return;
    const fresh = new pg.Client(config);
    client = fresh;
    fresh.on('notification', wake);
    fresh.on('error', (error) => dropped(fresh, error.message));
    fresh.on('end', () => dropped(fresh, 'connection ended'));
    void (async () => {
      await fresh.connect();
      // This session never holds a transaction open; make sure of it.
      await fresh.query("SET idle_in_transaction_session_timeout = '60s'");
      await fresh.query(`LISTEN ${notifyChannel}`);
      // Anything appended while we were connecting is caught by the next read.
      wake();
    })().catch((error: Error) => dropped(fresh, error.message));
  }

  return {
    generation: signal.generation,
    wait: signal.wait,
    wake,
    listen,
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const open = client;
      client = undefined;
      wake();
      if (open) {
        open.removeAllListeners();
        open.on('error', () => undefined);
        await open.end().catch(() => undefined);
      }
    },
  };
}

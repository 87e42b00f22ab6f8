import type pg from 'pg';

/** A pool client kept for a long time (a session lock's), and word of its loss. */
export interface HeldClient {
  readonly client: pg.PoolClient;
  /** Aborted, with the error as reason, once the connection is lost (terminated, failover, network). */
  readonly lost: AbortSignal;
  /** Gives the client back; a lost one, or one `broken` says is in doubt, is destroyed rather than reused. */
  release(broken?: Error): void;
}

/**
 * Checks a client out for as long as a session lock is held. The pool
 * listens for errors only on idle clients: a checked-out client whose
 * server connection dies between queries emits an `'error'` nobody hears,
 * which ends the process. Here the error is heard, and it aborts `lost`,
 * because the session locks died with the connection and whoever relied on
 * them must stop at once.
 */
export async function holdClient(pool: pg.Pool): Promise<HeldClient> {
  const client = await pool.connect();
  const controller = new AbortController();
  const onError = (error: Error) => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  client.on('error', onError);
  let released = false;
  return {
    client,
    lost: controller.signal,
    release(broken?: Error) {
      if (released) return;
      released = true;
      const reason = controller.signal.aborted ? (controller.signal.reason as Error) : broken;
      client.removeListener('error', onError);
      // A destroyed client can still report its socket closing; nobody needs to hear it.
      if (reason) client.on('error', () => undefined);
      client.release(reason);
    },
  };
}

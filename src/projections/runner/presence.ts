import { randomInt } from 'node:crypto';
import type pg from 'pg';
import { holdClient, type HeldClient } from '../../postgres/holdClient.js';

/** First key of the runners' presence locks: apart from the projection locks. */
const presenceLockSpace = 0x6f6c7073; // "olps"

/**
 * This runner's presence on the database, and how many runners are present:
 * each holds a session advisory lock of its own (a random second key) on a
 * connection it keeps, and counts the granted presence locks of the
 * database. A runner that dies loses its lock with its connection, so the
 * count follows crashes by itself.
 */
export class Presence {
  private held: HeldClient | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** How many runners are present, this one included; (re)announces this one first when its connection was lost. */
  async count(): Promise<number> {
    if (this.held?.lost.aborted) this.leave();
    if (!this.held) await this.announce();
    const result = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [presenceLockSpace],
    );
    return Math.max(1, result.rows[0]?.n ?? 1);
  }

  leave(): void {
    // The lock goes with the connection: released broken, the connection is closed rather than pooled.
    this.held?.release(new Error('runner left'));
    this.held = undefined;
  }

  private async announce(): Promise<void> {
    const held = await holdClient(this.pool);
    try {
      for (;;) {
        const result = await held.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [presenceLockSpace, randomInt(-(2 ** 31), 2 ** 31)]);
        if (result.rows[0]?.locked === true) break;
      }
    } catch (error) {
      held.release(error as Error);
      throw error;
    }
    this.held = held;
  }
}

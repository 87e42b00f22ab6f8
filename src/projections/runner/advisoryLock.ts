import type pg from 'pg';

/** First key of every projection lock, so they never collide with other advisory locks. */
const projectionLockSpace = 0x6f6c7072; // "olpr"

/**
 * Session lock on one projection: only the worker that holds it applies
 * batches, so several service instances can run side by side. The lock dies with the connection.
 */
export async function tryLockProjection(client: pg.ClientBase, name: string): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
    [projectionLockSpace, name],
  );
  return result.rows[0]?.locked === true;
}

export async function unlockProjection(client: pg.ClientBase, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [projectionLockSpace, name]);
}

/** The rebuild of one projection is exclusive too, under a key of its own. */
export async function tryLockRebuild(client: pg.ClientBase, name: string): Promise<boolean> {
  return tryLockProjection(client, `rebuild:${name}`);
}

export async function unlockRebuild(client: pg.ClientBase, name: string): Promise<void> {
  await unlockProjection(client, `rebuild:${name}`);
}

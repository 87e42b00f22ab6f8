import type pg from 'pg';

/** First key of every projection lock, so they never collide with other advisory locks. */
const projectionLockSpace = 0x6f6c7072; // "olpr"

/**
 * The name a partition's lock is keyed on: partition 0 keeps the projection's
 * own name, so a projection that is not split takes the very lock it always did.
 */
function lockName(name: string, partition: number): string {
  return partition === 0 ? name : `${name}/${partition}`;
}

/**
 * Session lock on one partition of a projection (the lease): only the worker
 * that holds it applies that partition's batches, so several service
 * instances can run side by side. The lock dies with the connection, so a
 * crashed worker's partition is free for the next one that tries.
 */
export async function tryLockPartition(client: pg.ClientBase, name: string, partition: number): Promise<boolean> {
  return tryLock(client, lockName(name, partition));
}

export async function unlockPartition(client: pg.ClientBase, name: string, partition: number): Promise<void> {
  await unlock(client, lockName(name, partition));
}

/** The rebuild of one projection is exclusive too, under a key of its own. */
export async function tryLockRebuild(client: pg.ClientBase, name: string): Promise<boolean> {
  return tryLock(client, `rebuild:${name}`);
}

export async function unlockRebuild(client: pg.ClientBase, name: string): Promise<void> {
  await unlock(client, `rebuild:${name}`);
}

async function tryLock(client: pg.ClientBase, key: string): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [projectionLockSpace, key]);
  return result.rows[0]?.locked === true;
}

async function unlock(client: pg.ClientBase, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [projectionLockSpace, key]);
}

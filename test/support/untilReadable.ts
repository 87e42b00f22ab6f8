import type { EventStore, Position } from '../../src/eventstore/EventStore.js';

/**
 * Waits until readers can see everything up to `position` (the head when
 * omitted). On PostgreSQL a write transaction anywhere in the cluster (another
 * test file creating its database, say) holds the safe position back for a
 * while; that is the documented cost of gap safety, not a failure.
 */
export async function untilReadable(store: EventStore, position?: Position, timeoutMs = 20_000): Promise<void> {
  const target = position ?? (await store.headPosition());
  const deadline = Date.now() + timeoutMs;
  while ((await store.readLag()).safePosition < target) {
    if (Date.now() > deadline) throw new Error(`position ${target} did not become readable within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import type { ReadinessCheck } from '../observability/ReadinessCheck.js';
import type { EventStore } from './EventStore.js';

/**
 * Not ready while the event log does not answer or is not set up for the
 * ledger (unreachable, credentials, `$all` not readable): appends, the feed
 * and the projections would all fail. The same check as at start-up, so the
 * reason names what to fix.
 */
export function eventStoreReadiness(store: EventStore): ReadinessCheck {
  return {
    name: 'eventStore',
    async check() {
      try {
        await store.checkSetup();
        return { ready: true };
      } catch (error) {
        return { ready: false, reason: 'event store not available', detail: (error as Error).message };
      }
    },
  };
}

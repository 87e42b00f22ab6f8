import { describe, it } from 'vitest';
import { createEventStoreDbEventStore } from '../../src/eventstore/eventstoredb/EventStoreDbEventStore.js';
import { eventStoreContract } from './contract/eventStoreContract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  eventStoreContract('EventStoreDB', async () => createEventStoreDbEventStore({ connectionString }));
} else {
  const why = 'EventStoreDB contract skipped: EVENTSTORE_CONNECTION_STRING is not set; no EventStoreDB server can be installed from npm or Debian';
  console.log(why);
  describe.skip(why, () => {
    it('runs the event store contract against EventStoreDB', () => undefined);
  });
}

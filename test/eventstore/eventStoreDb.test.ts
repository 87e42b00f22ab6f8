import { randomUUID } from 'node:crypto';
import { jsonEvent, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { parseConnectionString } from '../../src/eventstore/eventstoredb/connectionString.js';
import { createEventStoreDbEventStore } from '../../src/eventstore/eventstoredb/EventStoreDbEventStore.js';
import { createLogger } from '../../src/logger.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { auditTrailProjection } from '../../src/projections/readModels/auditTrail.js';
import { auditTrailCorrelations } from '../../src/projections/readModels/auditTrailCorrelations.js';
import { ensureCheckpoints } from '../../src/projections/runner/checkpoints.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { eventStoreContract } from './contract/eventStoreContract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  const db = await createTestDatabase();
  let runner: ProjectionRunner | undefined;
  const stores: EventStore[] = [];
  // Another application on the same server: JSON events without the ledger's audit block, and a binary one.
  const parsed = parseConnectionString(connectionString);
  const other = KurrentDBClient.connectionString(parsed.ok ? parsed.value.normalised : connectionString);
  const writeForeign = async (streamId: string) => {
    await other.appendToStream(streamId, [
      jsonEvent({ id: randomUUID(), type: 'ThingHappened', data: { app: 'billing' }, metadata: { correlationId: 'shared' } }),
      { id: randomUUID(), type: 'Blob', contentType: 'application/octet-stream', data: new Uint8Array([1, 2, 3]), metadata: undefined },
    ]);
  };
  beforeAll(async () => {
    // The audit trail (the correlation index) follows this server from its current end, as a deployment that started there would.
    const follower = createEventStoreDbEventStore({ connectionString });
    stores.push(follower);
    const client = await db.pool.connect();
    try {
      await ensureCheckpoints(client, auditTrailProjection.name, auditTrailProjection.version, 1);
      await client.query('UPDATE reporting.projection_checkpoints SET position = $2 WHERE name = $1', [auditTrailProjection.name, await follower.headPosition()]);
    } finally {
      client.release();
    }
    runner = new ProjectionRunner({ pool: db.pool, store: follower, projections: [auditTrailProjection], logger: createLogger('silent') });
    runner.start();
  });
  afterAll(async () => {
    await runner?.stop();
    for (const store of stores) await store.close();
    await other.dispose();
  });
  eventStoreContract('KurrentDB', async () => createEventStoreDbEventStore({ connectionString, correlations: auditTrailCorrelations(db.pool), pollIntervalMs: 100 }), { writeForeign });
} else {
  const why = 'KurrentDB contract skipped: EVENTSTORE_CONNECTION_STRING is not set; no KurrentDB/EventStoreDB server can be installed from npm or Debian';
  console.log(why);
  describe.skip(why, () => {
    it('runs the event store contract against KurrentDB', () => undefined);
  });
}

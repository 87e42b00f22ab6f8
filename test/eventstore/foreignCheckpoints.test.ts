import { afterAll, describe, expect, it } from 'vitest';
import { foreignCheckpoints } from '../../src/eventstore/foreignCheckpoints.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { testSecret } from '../integrations/support/integratorHarness.js';
import { someEvents } from './contract/contractHelpers.js';
import { testSecrets } from '../support/testSecrets.js';

const db = await createTestDatabase();
const store = createPostgresEventStore({ pool: db.pool });
afterAll(() => store.close());

describe('checkpoints left over from another event store', () => {
  it('names each stored checkpoint the configured store refuses, with what resets it, and nothing else', async () => {
    const written = await store.append('order-FC-1', someEvents(1), { expectedRevision: 'no_stream' });
    const carried = 'kdb:0000000000000010-0000000000000010';
    const integrators = new IntegratorRepository(db.pool, testSecrets);
    for (const name of ['erp-hook', 'crm-hook']) {
      await integrators.upsert(integratorConfigSchema.parse({ name, url: 'http://127.0.0.1:9/x', secret: testSecret }), 'file');
    }
    await integrators.reset('erp-hook', carried);
    await integrators.reset('crm-hook', written.position);
    await db.pool.query("INSERT INTO reporting.projection_checkpoints (name, version, position) VALUES ('audit_trail', 1, $1), ('orders', 1, '')", [carried]);
    await db.pool.query("INSERT INTO integration.consumer_checkpoints (name, position) VALUES ('bi-loader', $1), ('crm', $2)", [carried, written.position]);

    const found = await foreignCheckpoints(db.pool, store);
    expect(found.map((f) => [f.kind, f.name, f.fix])).toEqual([
      ['feed consumer', 'bi-loader', 'POST /v1/consumers/bi-loader/checkpoint/reset'],
      ['integrator', 'erp-hook', 'order-ledger integrators reset erp-hook start (or end)'],
      ['projection', 'audit_trail', 'order-ledger rebuild audit_trail'],
    ]);
    expect(found[0]!.reason).toMatch(/is a KurrentDB\/EventStoreDB position, but this ledger's log is in PostgreSQL/);
  });
});

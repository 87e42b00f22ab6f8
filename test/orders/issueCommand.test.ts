import { afterAll, describe, expect, it } from 'vitest';
import { ledgerSourceSystem } from '../../src/domain/sourceSystems.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { orderPlugins } from '../../src/http/orders/orderPlugins.js';
import { LedgerMetrics } from '../../src/observability/metrics.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appendToOrder, holdApplied, orderAccepted, orderReceived } from '../integrations/support/orderEvents.js';

const db = await createTestDatabase();
const store = createPostgresEventStore({ pool: db.pool });
afterAll(async () => store.close());

describe('a command the ledger issues itself (a re-send record)', () => {
  it('is appended after a business event another writer recorded since the order was read, never over it', async () => {
    const metrics = new LedgerMetrics();
    const { service } = orderPlugins({ pool: db.pool, store, metrics });
    const orderKey = 'IC-1';
    const lines = [{ lineNo: 1, qty: 2, price: 10 }];
    const [, accepted] = await appendToOrder(store, orderKey, [orderReceived(orderKey, lines), orderAccepted(orderKey, lines)]);
    expect((await service.current(orderKey)).revision).toBe(1n);
    // Another instance records a hold: this service's fold of the order is now one event behind.
    const [hold] = await appendToOrder(store, orderKey, [holdApplied(orderKey)]);

    const at = '2026-12-03T10:00:00.000Z';
    const outcome = await service.issue({
      type: 'RecordResend', orderKey,
      envelope: {
        sourceSystem: { ...ledgerSourceSystem }, sourceDocument: { type: 'IntegrationResend', id: `r-1:${orderKey}`, revision: 0 },
        idempotencyKey: `resend:r-1:${orderKey}`, correlationId: 'corr-r-1', occurredAt: at, receivedAt: at,
        actor: { type: 'USER', id: 'ADMIN:k1' }, schemaVersion: 1,
      },
      data: { integrator: 'crm-hook', eventIds: [accepted!.id], outcome: 'delivered', reason: 'CRM restored' },
    });
    expect(outcome).toMatchObject({ kind: 'accepted', body: { type: 'IntegrationResent', revision: 3, status: 'ACCEPTED' } });

    const stream = [];
    for await (const e of store.readStream(orderStreamId(orderKey))) stream.push([e.type, e.id]);
    expect(stream.map(([type]) => type)).toEqual(['OrderReceived', 'OrderAccepted', 'HoldApplied', 'IntegrationResent']);
    expect(stream[2]![1]).toBe(hold!.id);
    // It lost the race once, read what was written meanwhile, and appended after it.
    expect((await metrics.conflicts.get()).values[0]!.value).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { orderEventTypes, syncRecordEventTypes } from '../../src/domain/events.js';
import { foldOrder } from '../../src/domain/foldOrder.js';
import type { RecordedEvent } from '../../src/eventstore/EventStore.js';
import { orderStreamId } from '../../src/eventstore/streams.js';
import { deliveredTypes, integratorConfigSchema } from '../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../src/integrations/IntegratorRepository.js';
import { orderEventsOf } from '../../src/integrations/orderEventsOf.js';
import { deliveryOf } from '../../src/integrations/runIntegrator.js';
import { orderSync } from '../../src/integrations/syncReport.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { createReportingApp } from '../projections/support/reportingApp.js';
import { testSecrets } from '../support/testSecrets.js';
import { testSecret } from './support/integratorHarness.js';
import { appendToOrder, ledgerEvent, orderAccepted, orderReceived } from './support/orderEvents.js';

const { db, store, runner } = await createReportingApp();
const sorted = (types: readonly string[]) => [...types].sort();

describe('the sync records in SQL', () => {
  it('are exactly the types the domain names (reporting.is_sync_record = syncRecordEventTypes)', async () => {
    const { rows } = await db.pool.query<{ type: string }>('SELECT type FROM unnest($1::text[]) AS type WHERE reporting.is_sync_record(type)', [orderEventTypes]);
    expect(sorted(rows.map((r) => r.type))).toEqual(sorted(syncRecordEventTypes));
    expect(syncRecordEventTypes).toEqual(expect.arrayContaining(['IntegrationAcknowledged', 'IntegrationResent']));
  });

  it('are what an integrator naming no types is not sent, as its run reads the log (reporting.integrator_delivers = deliveredTypes)', async () => {
    for (const types of [null, ['ShipmentConfirmed', 'IntegrationResent']]) {
      const { rows } = await db.pool.query<{ type: string }>(
        'SELECT type FROM unnest($2::text[]) AS type WHERE reporting.integrator_delivers($1::text[], type)', [types, orderEventTypes]);
      expect(sorted(rows.map((r) => r.type)), String(types)).toEqual(sorted(orderEventTypes.filter((type) => deliveredTypes(types).includes(type))));
    }
    expect(deliveredTypes(null)).not.toContain('IntegrationResent');
    expect(deliveredTypes(null)).toContain('ShipmentConfirmed');
  });
});

describe('given an order every system reflects, then a re-send record', () => {
  const orderKey = 'SR-1';
  const lines = [{ lineNo: 1, qty: 10, price: 12.5 }];
  const integrators = new IntegratorRepository(db.pool, testSecrets);
  const hook = (name: string, types?: string[]) => integratorConfigSchema.parse({ name, url: 'http://127.0.0.1:9/', secret: testSecret, ...(types ? { types } : {}) });
  const snapshot = async () => ({
    sync: (await db.pool.query(`SELECT * FROM reporting.sync_state WHERE order_key = $1 ORDER BY system`, [orderKey])).rows,
    crm: (await db.pool.query(`SELECT * FROM reporting.crm_orders WHERE order_key = $1`, [orderKey])).rows,
    lines: (await db.pool.query(`SELECT * FROM reporting.crm_order_lines WHERE order_key = $1 ORDER BY line_no`, [orderKey])).rows,
    orderSync: await orderSync(db.pool, store, orderKey),
  });
  const folded = async () => ({ ...foldOrder((await orderEventsOf(store.readStream(orderStreamId(orderKey)))).events), processed: {} });

  it('leaves the order\'s state, its CRM view and every system\'s sync row as they were; only a system that asked for re-send records is due it', async () => {
    await integrators.upsert(hook('all-hook'), 'api');
    await integrators.upsert(hook('named-hook', ['OrderReceived', 'OrderAccepted']), 'api');
    await integrators.upsert(hook('opt-in-hook', ['OrderReceived', 'OrderAccepted', 'IntegrationResent']), 'api');
    const events: RecordedEvent[] = await appendToOrder(store, orderKey, [orderReceived(orderKey, lines), orderAccepted(orderKey, lines)]);
    for (const name of ['all-hook', 'named-hook', 'opt-in-hook']) {
      const spec = (await integrators.runSpec(name))!;
      expect(await integrators.advance(name, spec.epoch, events.at(-1)!.position, events.map((e) => deliveryOf(e, new Date())))).toBe(true);
    }
    await appendToOrder(store, orderKey, [ledgerEvent(orderKey, 'IntegrationAcknowledged', {
      consumer: 'crm-app', eventIds: events.map((e) => e.id), outcome: 'ACCEPTED', ackAt: new Date().toISOString(),
    }, { kind: 'CRM', instance: 'crm-1' })]);
    await waitUntilCaughtUp(runner);
    const before = await snapshot();
    const stateBefore = await folded();
    expect(before.sync.map((r) => [r.system, r.state, Number(r.head_revision)])).toEqual([
      ['all-hook', 'in_step', 1], ['crm-app', 'in_step', 1], ['named-hook', 'in_step', 1], ['opt-in-hook', 'in_step', 1]]);

    const [resent] = await appendToOrder(store, orderKey, [ledgerEvent(orderKey, 'IntegrationResent', {
      integrator: 'all-hook', eventIds: [events[1]!.id], outcome: 'delivered', reason: 'CRM restored from backup', reconciliationId: '7',
    }, { kind: 'LEDGER', instance: 'order-ledger' })]);
    await waitUntilCaughtUp(runner);
    const after = await snapshot();

    expect(await folded()).toEqual(stateBefore);
    expect(after.crm).toEqual(before.crm);
    expect(after.lines).toEqual(before.lines);
    const others = (view: typeof before.orderSync) => ({ ...view!, systems: view!.systems.filter((s) => s.system !== 'opt-in-hook') });
    expect(others(after.orderSync)).toEqual(others(before.orderSync));
    expect(after.orderSync!.ledger).toMatchObject({ revision: 1, lastMilestone: 'ACCEPTED' });
    expect(after.sync.filter((r) => r.system !== 'opt-in-hook')).toEqual(before.sync.filter((r) => r.system !== 'opt-in-hook'));
    expect(after.sync.find((r) => r.system === 'opt-in-hook')).toMatchObject({ state: 'behind', head_revision: '3', behind_since: resent!.recordedAt });
    const audit = await db.pool.query(`SELECT event_type, stream_version::int, source_kind FROM reporting.audit_trail WHERE event_id = $1`, [resent!.id]);
    expect(audit.rows).toEqual([{ event_type: 'IntegrationResent', stream_version: 3, source_kind: 'LEDGER' }]);
  });
});

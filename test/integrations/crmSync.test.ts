import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { crmOrderStatusType, crmSyncEvent } from '../../src/integrations/crmSync.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { integratorHarness } from './support/integratorHarness.js';
import { appendToOrder, carrierStatusUpdated, holdApplied, invoicePosted, orderAccepted, orderReceived, shipmentConfirmed } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor } from './support/webhookReceiver.js';

const db = await createTestDatabase();
const store: EventStore = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
afterAll(async () => store.close());

const lines = [{ lineNo: 1, qty: 10, price: 12.5 }, { lineNo: 2, qty: 4, price: 100 }];

describe('the CRM sync preset', () => {
  const harness = integratorHarness(db.pool, store);

  it('sends the CRM view as of each event: status, holds, milestones, shipments with their tracking, and invoices', async () => {
    const events = await appendToOrder(store, 'CRM-1', [
      orderReceived('CRM-1', lines),
      orderAccepted('CRM-1', lines),
      holdApplied('CRM-1'),
      shipmentConfirmed('CRM-1', 'SH1', [{ lineNo: 1, qty: 10 }]),
      carrierStatusUpdated('CRM-1', '1ZSH1', 'X6', '2026-03-08T17:00:00Z'),
      invoicePosted('CRM-1', 'INV-1', [{ lineNo: 1, qty: 10, amount: 125 }]),
    ]);
    const onHold = await crmSyncEvent(store, events[2]!);
    expect(onHold).toMatchObject({ specversion: '1.0', id: events[2]!.id, type: crmOrderStatusType, subject: 'CRM-1', position: events[2]!.position });
    expect(onHold.data).toMatchObject({
      orderKey: 'CRM-1', erpOrderNumber: 'SO-CRM-1', status: 'ACCEPTED', displayStatus: 'ON_HOLD(CREDIT)',
      holds: [{ type: 'CREDIT', blocking: true }], openValue: 525, currency: 'USD', shipments: [], tracking: [], invoices: [],
      trigger: { type: 'HoldApplied', position: events[2]!.position },
    });
    // A hold is not a milestone: the furthest one reached is still the acceptance.
    expect(onHold.data.lastMilestone?.type).toBe('ACCEPTED');
    const invoiced = (await crmSyncEvent(store, events[5]!)).data;
    expect(invoiced).toMatchObject({
      status: 'PARTIALLY_INVOICED',
      openValue: 400,
      lastMilestone: { type: 'SHIPPED', at: '2026-03-06T10:00:00Z' },
      // Line 1 shipped; line 2 is still open, so its promised date is the order's.
      dates: { promised: '2026-03-06' },
      invoices: [{ invoiceNumber: 'INV-1', total: 125, cancelled: false }],
    });
    expect(invoiced.shipments).toEqual([{
      shipmentId: 'SH1', shippedAt: '2026-03-06T10:00:00Z', shipFrom: 'WH-1', carrier: 'UPSN', service: 'GROUND',
      trackingNumbers: ['1ZSH1'], qty: 10, reversed: false, deliveredAt: null,
    }]);
    expect(invoiced.tracking).toEqual([{ trackingNumber: '1ZSH1', statusCode: 'X6', eta: '2026-03-08T17:00:00Z', delivered: false }]);
    expect(invoiced.milestones.firstShippedAt).toBe('2026-03-06T10:00:00Z');
  });

  it('delivers the view through an integrator with preset crm-sync', async () => {
    const receiver = await startWebhookReceiver();
    try {
      await harness.create({ url: receiver.url, preset: 'crm-sync', types: ['ShipmentConfirmed'] });
      await harness.supervisor().start();
      const [, shipped] = await appendToOrder(store, 'CRM-2', [orderReceived('CRM-2', lines), shipmentConfirmed('CRM-2', 'SH2', [{ lineNo: 2, qty: 4 }])]);
      await waitFor('a delivery', () => receiver.accepted.length === 1);
      const body = JSON.parse(receiver.received[0]!.body);
      expect(receiver.received[0]!.eventId).toBe(shipped!.id);
      expect(body).toMatchObject({ type: crmOrderStatusType, data: { orderKey: 'CRM-2', shipments: [{ shipmentId: 'SH2' }], trigger: { type: 'ShipmentConfirmed' } } });
    } finally {
      await receiver.close();
    }
  });
});

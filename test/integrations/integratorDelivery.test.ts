import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { integratorHarness, testSecret } from './support/integratorHarness.js';
import { anOrder } from './support/orderEvents.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from './support/webhookReceiver.js';

const db = await createTestDatabase();
const store: EventStore = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 50 });
afterAll(async () => store.close());

describe('an outbound integrator', () => {
  const harness = integratorHarness(db.pool, store);
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => receiver.close());

  const reset = () => {
    receiver.received.length = 0;
    receiver.accepted.length = 0;
    receiver.answer = () => 204;
  };
  const checkpointOf = async (name: string) => (await harness.integrators.get(name))!.position;

  it('delivers every event once, in log order, signed so a Standard Webhooks library verifies it', async () => {
    reset();
    const name = await harness.create({ url: receiver.url });
    await harness.supervisor().start();
    const events = [...await anOrder(store, 'D-1', 3), ...await anOrder(store, 'D-2', 2)];
    await waitFor('5 deliveries', () => receiver.accepted.length === 5);
    expect(receiver.accepted).toEqual(events.map((e) => e.id));
    const first = receiver.received[0]!;
    expect(first.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(first.headers['webhook-id']).toBe(events[0]!.id);
    expect(first.headers['ledger-position']).toBe(events[0]!.position);
    const verified = new Webhook(testSecret).verify(first.body, first.headers as Record<string, string>);
    expect(verified).toMatchObject({ specversion: '1.0', id: events[0]!.id, type: 'com.orderledger.OrderReceived', subject: 'D-1', position: events[0]!.position });
    await waitFor('the checkpoint', async () => (await checkpointOf(name)) === events[4]!.position);
  });

  it('has its signature refused by the library when the body was tampered with', async () => {
    reset();
    await harness.create({ url: receiver.url });
    await harness.supervisor().start();
    await anOrder(store, 'T-1', 1);
    await waitFor('a delivery', () => receiver.accepted.length === 1);
    const { body, headers } = receiver.received[0]!;
    const tampered = body.replace('"T-1"', '"T-2"');
    expect(tampered).not.toBe(body);
    expect(() => new Webhook(testSecret).verify(tampered, headers as Record<string, string>)).toThrow(/signature/i);
    expect(() => new Webhook('whsec_' + Buffer.from('another key of 24 bytes!').toString('base64')).verify(body, headers as Record<string, string>)).toThrow();
  });

  it('retries while the receiver is down and, once it is back, delivers everything without loss or reordering', async () => {
    const down = await startWebhookReceiver('/down');
    const port = new URL(down.url).port;
    await down.close();
    const name = await harness.create({ url: down.url, maxAttempts: 2 });
    await harness.supervisor().start();
    const events = await anOrder(store, 'R-1', 3);
    await waitFor('a connection error', async () => (await harness.integrators.get(name))?.lastError !== null);
    expect((await harness.integrators.get(name))!.status).toBe('running');
    const back = await startWebhookReceiver('/down', Number(port));
    try {
      let refusals = 0;
      back.answer = () => (refusals++ < 4 ? 503 : 204);
      await waitFor('3 deliveries', () => back.accepted.length === 3);
      expect(back.accepted).toEqual(events.map((e) => e.id));
      // The same webhook-id on every retry: a receiver dedupes by it.
      const first = back.received.filter((r) => r.eventId === events[0]!.id);
      expect(first.length).toBe(5);
      await waitFor('the checkpoint', async () => (await checkpointOf(name)) === events[2]!.position);
      expect(await db.pool.query('SELECT 1 FROM integration.parked_events WHERE integrator = $1', [name])).toMatchObject({ rowCount: 0 });
    } finally {
      await back.close();
    }
  });

  it('replays from a position it is reset to, with the original event ids', async () => {
    reset();
    const name = await harness.create({ url: receiver.url });
    await harness.supervisor().start();
    const events = await anOrder(store, 'P-1', 3);
    await waitFor('3 deliveries', () => receiver.accepted.length === 3);
    await harness.integrators.reset(name, events[0]!.position);
    await waitFor('the replay', () => receiver.accepted.length === 5);
    expect(receiver.accepted).toEqual([...events, ...events.slice(1)].map((e) => e.id));
  });

  it('resumes at its checkpoint after being stopped mid-delivery', async () => {
    reset();
    const name = await harness.create({ url: receiver.url });
    receiver.answer = (request) => (request.body.includes('"type":"com.orderledger.OrderAccepted"') ? 'hang' : 204);
    const first = harness.supervisor();
    await first.start();
    const events = await anOrder(store, 'K-1', 3);
    await waitFor('the second event in flight', () => receiver.received.some((r) => r.eventId === events[1]!.id));
    await first.stop();
    expect(await checkpointOf(name)).toBe(events[0]!.position);
    receiver.answer = () => 204;
    await harness.supervisor().start();
    await waitFor('the rest', () => receiver.accepted.length === 3);
    expect(receiver.accepted).toEqual(events.map((e) => e.id));
  });

  it('pauses and resumes, delivering what was written meanwhile', async () => {
    reset();
    const name = await harness.create({ url: receiver.url });
    const supervisor = harness.supervisor();
    await supervisor.start();
    await harness.integrators.pause(name);
    await waitFor('the pause', () => !supervisor.running().includes(name));
    const events = await anOrder(store, 'Q-1', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toEqual([]);
    expect((await harness.integrators.get(name))!.status).toBe('paused');
    await harness.integrators.resume(name);
    await waitFor('2 deliveries', () => receiver.accepted.length === 2);
    expect(receiver.accepted).toEqual(events.map((e) => e.id));
  });

  it('delivers through exactly one of two instances at a time (advisory lock)', async () => {
    reset();
    const name = await harness.create({ url: receiver.url });
    const a = harness.supervisor();
    const b = harness.supervisor();
    await Promise.all([a.start(), b.start()]);
    const events = [...await anOrder(store, 'L-1', 3), ...await anOrder(store, 'L-2', 3)];
    await waitFor('6 deliveries', () => receiver.accepted.length === 6);
    expect(receiver.accepted).toEqual(events.map((e) => e.id));
    expect([...a.running(), ...b.running()].filter((n) => n === name)).toHaveLength(1);
  });
});

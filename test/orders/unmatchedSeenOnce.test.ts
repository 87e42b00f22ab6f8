import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { feedRoutes } from '../../src/http/feed/feedRoutes.js';
import { createLogger } from '../../src/logger.js';
import { allProjections } from '../../src/projections/allProjections.js';
import { ProjectionRunner } from '../../src/projections/ProjectionRunner.js';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { appWith } from '../integrations/support/feedApp.js';
import { integratorHarness } from '../integrations/support/integratorHarness.js';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '../integrations/support/webhookReceiver.js';
import { acceptedBody, allocatedBody, placeOrderBody } from '../http/support/payloads.js';
import { createTestApp, type TestApp } from '../http/support/testApp.js';
import { untilReadable } from '../support/untilReadable.js';

const t: TestApp = await createTestApp();
const hooks = integratorHarness(t.db.pool, t.store);
let feed: { app: FastifyInstance; read: string };
let base: string;
let receiver: WebhookReceiver;

beforeAll(async () => {
  feed = await appWith(t.db.pool, [feedRoutes({ store: t.store, pool: t.db.pool, heartbeatSeconds: 0.1 })]);
  base = await feed.app.listen({ host: '127.0.0.1', port: 0 });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await feed.app.close();
});

describe('a transition that waited under an unknown alias', () => {
  it('reaches the feed, SSE, a webhook and the audit trail exactly once, under one id, naming where it waited', async () => {
    await hooks.create({ url: receiver.url, types: ['InventoryAllocated'] });
    const supervisor = hooks.supervisor();
    await supervisor.start();
    try {
      const early = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-U-1/events', headers: t.auth.WMS, payload: allocatedBody({ 1: 10 }, 'ALLOC-U-1') });
      expect(early.statusCode).toBe(202);
      const waitingId = early.json().eventId as string;
      // Waiting is not history: nothing of it is in the log yet.
      const inLog = await t.db.pool.query("SELECT count(*)::int AS n FROM ledger.events WHERE type = 'InventoryAllocated'");
      expect(inLog.rows[0].n).toBe(0);

      await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('U-1') });
      const accepted = await t.app.inject({ method: 'POST', url: '/v1/orders/U-1/events', headers: t.auth.ERP, payload: acceptedBody('SO-U-1') });
      expect(accepted.statusCode).toBe(201);

      const queue = await t.db.pool.query('SELECT state, order_key, event_id FROM ledger.unmatched_transitions WHERE id = $1', [waitingId]);
      expect(queue.rows[0]).toMatchObject({ state: 'applied', order_key: 'U-1' });
      const eventId = queue.rows[0].event_id as string;
      const stored = await t.db.pool.query("SELECT event_id, metadata->>'causationId' AS causation FROM ledger.events WHERE type = 'InventoryAllocated'");
      expect(stored.rows).toEqual([{ event_id: eventId, causation: waitingId }]);

      // The feed reads below the safe position, which another file's open transaction can hold back for a while.
      await untilReadable(t.store);
      const auth = { authorization: `Bearer ${feed.read}` };
      const filtered = await feed.app.inject({ method: 'GET', url: '/v1/feed?types=InventoryAllocated', headers: auth });
      expect(filtered.json().events.map((e: { id: string }) => e.id)).toEqual([eventId]);
      const all = await feed.app.inject({ method: 'GET', url: '/v1/feed?limit=1000', headers: auth });
      const allEvents = all.json().events as { id: string; type: string }[];
      expect(allEvents.filter((e) => e.type === 'com.orderledger.InventoryAllocated').map((e) => e.id)).toEqual([eventId]);
      const total = await t.db.pool.query('SELECT count(*)::int AS n FROM ledger.events');
      expect(allEvents).toHaveLength(total.rows[0].n);

      const sse = await sseIds(`${base}/v1/feed/stream?types=InventoryAllocated`, auth, 1);
      expect(sse).toEqual([eventId]);

      await waitFor('the webhook delivery', () => receiver.accepted.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received.map((r) => r.eventId)).toEqual([eventId]);

      const runner = new ProjectionRunner({ pool: t.db.pool, store: t.store, projections: allProjections(), logger: createLogger('silent'), retryMs: 50 });
      runner.start();
      await waitUntilCaughtUp(runner);
      await runner.stop();
      const audit = await t.db.pool.query("SELECT event_id, causation_id FROM reporting.audit_trail WHERE order_key = 'U-1' AND event_type = 'InventoryAllocated'");
      expect(audit.rows).toEqual([{ event_id: eventId, causation_id: waitingId }]);
    } finally {
      await supervisor.stop();
    }
  });
});

describe('the checks a waiting transition passes', () => {
  it('refuses, before it waits, what no order state could make acceptable: a line listed twice', async () => {
    const body = allocatedBody({ 1: 2 }, 'ALLOC-DUP');
    body.data.lines.push({ ...body.data.lines[0]! });
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-U-2/events', headers: t.auth.WMS, payload: body });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'DUPLICATE_LINE_NO', field: 'data.lines.1.lineNo' });
    const rows = await t.db.pool.query("SELECT count(*)::int AS n FROM ledger.unmatched_transitions WHERE alias_value = 'SO-U-2'");
    expect(rows.rows[0].n).toBe(0);
  });

  it('refuses a system that does not own the transition before it waits', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-U-2/events', headers: t.auth.TMS, payload: allocatedBody({ 1: 2 }) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('NOT_OWNER');
  });

  it('records a transition the order refuses when it takes the alias, as refused in the queue and as an exception on the order', async () => {
    const cancel = {
      type: 'LineCancelled', occurredAt: '2026-03-02T09:01:00Z', sourceDocument: { type: 'Cancellation', id: 'CX-U-3', revision: 0 },
      data: { reason: 'CUSTOMER', initiator: 'buyer', lines: [{ lineNo: 9, sku: 'SKU-9', uom: 'EA', qty: 1 }] },
    };
    // A cancellation from a sales channel is a request: refused for a line the order lacks.
    const early = await t.app.inject({ method: 'POST', url: '/v1/orders/erp:SO-U-3/events', headers: t.auth.CRM, payload: cancel });
    expect(early.statusCode).toBe(202);
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('U-3') });
    const accepted = await t.app.inject({ method: 'POST', url: '/v1/orders/U-3/events', headers: t.auth.ERP, payload: acceptedBody('SO-U-3') });
    expect(accepted.statusCode).toBe(201);
    const queue = await t.db.pool.query('SELECT state, order_key, reason FROM ledger.unmatched_transitions WHERE id = $1', [early.json().eventId]);
    expect(queue.rows[0]).toMatchObject({ state: 'refused', order_key: 'U-3' });
    expect(queue.rows[0].reason).toMatch(/^LINE_NOT_FOUND: /);
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/U-3', headers: t.auth.CRM });
    const raised = order.json().openExceptions as { code: string; eventId: string }[];
    expect(raised.map((e) => e.code)).toEqual(['REDRIVE_REFUSED']);
    expect(raised[0]!.eventId).toBe(early.json().eventId);
    // Another binding of the alias records nothing twice.
    await t.app.inject({ method: 'POST', url: '/v1/orders/U-3/events', headers: t.auth.ERP, payload: acceptedBody('SO-U-3') });
    const again = await t.db.pool.query("SELECT count(*)::int AS n FROM ledger.events WHERE stream_id = 'order-U-3' AND type = 'ExceptionRaised'");
    expect(again.rows[0].n).toBe(1);
  });
});

/** Reads SSE frames until `count` events arrived (plus a short grace, to catch any extra), then closes. */
async function sseIds(url: string, headers: Record<string, string>, count: number): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ids: string[] = [];
  let buffer = '';
  let graceUntil = Number.POSITIVE_INFINITY;
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < Math.min(deadline, graceUntil)) {
      const read = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 200))]);
      if (read === null) continue;
      if (read.done) break;
      buffer += decoder.decode(read.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (data) ids.push((JSON.parse(data.slice(6)) as { id: string }).id);
      }
      if (ids.length >= count && graceUntil === Number.POSITIVE_INFINITY) graceUntil = Date.now() + 500;
    }
  } finally {
    controller.abort();
  }
  return ids;
}

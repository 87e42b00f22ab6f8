import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/eventstore/EventStore.js';
import { createPostgresEventStore } from '../../src/eventstore/postgres/PostgresEventStore.js';
import { feedRoutes } from '../../src/http/feed/feedRoutes.js';
import { createTestDatabase } from '../support/testDatabase.js';
import { appWith } from './support/feedApp.js';
import { anOrder, appendToOrder, shipmentConfirmed } from './support/orderEvents.js';

const db = await createTestDatabase();

interface Message { id?: string; data?: string; comment?: string }

/** Reads server-sent-event frames off a streaming fetch response. */
function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(): Promise<Message> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: Message = {};
        for (const line of frame.split('\n')) {
          if (line.startsWith(':')) message.comment = line.slice(1).trim();
          else if (line.startsWith('id: ')) message.id = line.slice(4);
          else if (line.startsWith('data: ')) message.data = line.slice(6);
        }
        if (message.id !== undefined || message.comment !== undefined) return message;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

describe('the live event stream (SSE)', () => {
  let store: EventStore;
  let app: FastifyInstance;
  let read: string;
  let base: string;
  let written: RecordedEvent[];

  beforeAll(async () => {
    store = createPostgresEventStore({ pool: db.pool, pollIntervalMs: 100 });
    ({ app, read } = await appWith(db.pool, [feedRoutes({ store, pool: db.pool, heartbeatSeconds: 0.1 })]));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    written = await anOrder(store, 'S-1', 3);
  });
  afterAll(async () => {

    await app.close();
    await store.close();
  });

  const open = (query: string, headers: Record<string, string> = {}) => {
    const controller = new AbortController();
    const response = fetch(`${base}/v1/feed/stream${query}`, { headers: { authorization: `Bearer ${read}`, ...headers }, signal: controller.signal });
    return { response, controller };
  };
  const nextEvent = async (next: () => Promise<Message>) => {
    for (;;) {
      const message = await next();
      if (message.id !== undefined) return message;
    }
  };

  it('catches up from the start, then follows live writes, each message id being the position', async () => {
    const { response, controller } = open('');
    const res = await response;
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const next = sseReader(res);
    const caughtUp = [await nextEvent(next), await nextEvent(next), await nextEvent(next)];
    expect(caughtUp.map((m) => m.id)).toEqual(written.map((e) => e.position));
    expect(JSON.parse(caughtUp[0]!.data!)).toMatchObject({ specversion: '1.0', id: written[0]!.id, position: written[0]!.position });
    const [live] = await appendToOrder(store, 'S-1', [shipmentConfirmed('S-1', 'S9', [{ lineNo: 1, qty: 1 }])]);
    const message = await nextEvent(next);
    expect(message.id).toBe(live!.position);
    controller.abort();
  });

  it('resumes after Last-Event-ID, ahead of the after parameter', async () => {
    const { response, controller } = open(`?after=`, { 'last-event-id': written[1]!.position });
    const next = sseReader(await response);
    expect((await nextEvent(next)).id).toBe(written[2]!.position);
    controller.abort();
  });

  it('filters by type and sends heartbeats while idle', async () => {
    const { response, controller } = open(`?types=ShipmentConfirmed`);
    const next = sseReader(await response);
    const first = await nextEvent(next);
    expect(JSON.parse(first.data!).type).toBe('com.orderledger.ShipmentConfirmed');
    let message = await next();
    while (message.comment === undefined) message = await next();
    expect(message.comment).toBe('heartbeat');
    controller.abort();
  });

  it('ends open streams when the server shuts down', async () => {
    const other = await appWith(db.pool, [feedRoutes({ store, pool: db.pool })]);
    const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${url}/v1/feed/stream`, { headers: { authorization: `Bearer ${other.read}` } });
    const next = sseReader(res);
    await nextEvent(next);
    const started = Date.now();
    await other.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(async () => { for (;;) await next(); }).rejects.toThrow('stream ended');
  });

  it('refuses a bad position with a problem before streaming', async () => {
    const res = await open('', { 'last-event-id': 'nope' }).response;
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(await res.text())).toMatchObject({ code: 'INVALID_POSITION' });
  });

  it('refuses a position beyond the head, from the query or Last-Event-ID, with 400 naming the head', async () => {
    for (const [query, headers, path] of [
      ['?after=7fffffffffffffff-7fffffffffffffff', {}, 'query.after'],
      ['', { 'last-event-id': '7fffffffffffffff-7fffffffffffffff' }, 'headers.last-event-id'],
    ] as const) {
      const res = await open(query, headers).response;
      expect(res.status).toBe(400);
      expect(JSON.parse(await res.text())).toMatchObject({ code: 'POSITION_BEYOND_HEAD', errors: [{ path }] });
    }
  });
});

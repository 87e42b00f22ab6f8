import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { isOrderEventType, ledgerOnlyEventTypes, ledgerOnlyReason, orderEventTypes } from '../../src/domain/events.js';
import { defaultOwnership } from '../../src/domain/ownershipPolicy.js';
import type { ApiScope, KeySystem } from '../../src/http/auth/apiKeyFormat.js';
import { eventTypeSchema } from '../../src/http/eventSchemas.js';
import { cloudEventSchema } from '../../src/http/feed/feedSchemas.js';
import { acceptedSchema, historyEntrySchema } from '../../src/http/orders/orderSchemas.js';
import { problemSchema } from '../../src/http/problem.js';
import { ParkedEventRepository } from '../../src/integrations/ParkedEventRepository.js';
import { createLogger } from '../../src/logger.js';
import { startService, type Service } from '../../src/main.js';
import { recordDocumentedResponses } from '../support/documentedResponses.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { unshedSettings } from '../support/unshedSettings.js';

type Media = { schema?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: string;
  security?: { apiKey?: string[] }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { discriminator?: { mapping: Record<string, string> }; oneOf?: unknown[]; description?: string }> };
};

let db: TestDatabase;
let service: Service;
let doc: Document;
const started: Service[] = [];

async function start(settings: Record<string, string> = {}): Promise<Service> {
  const s = await startService(loadConfig({ DATABASE_URL: db.url, PORT: '0', LEDGER_DATA_DIR: '/nonexistent-ledger-data', LEDGER_BODY_LIMIT_BYTES: '65536', ...unshedSettings, ...settings }), createLogger('silent'));
  started.push(s);
  return s;
}

async function keyOf(s: Service, system: KeySystem, scopes: ApiScope[]): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${(await s.keys.create({ system, scopes, actor: 'test' })).key}` };
}

beforeAll(async () => {
  db = await createTestDatabase(10);
  service = await start();
  doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
}, 60_000);
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
});

/** Every documented operation: method, OpenAPI path, the scope it needs (none for public ones). */
function operations(): { method: string; path: string; op: Operation; scope: string | undefined }[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op, scope: op.security?.[0]?.apiKey?.[0] })));
}

/** Path parameters as a client names things this ledger knows (the order of the examples, its integrator, ...). */
function urlOf(path: string, values: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    orderRef: 'WEB-1001', orderKey: 'WEB-1001', correlationId: 'corr-1', keyId: 'abcdefabcdef', id: path.startsWith('/v1/keys') ? 'abcdefabcdef' : '1',
    alias: 'erp:4500099999', system: 'erp-webhook', soldTo: 'C-100', name: path.startsWith('/v1/projections') ? 'crm_orders' : 'erp-webhook',
  };
  return path.replaceAll(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? defaults[name] ?? 'x'));
}

/** The media type a body is documented in first (JSON, or a streamed CSV), and its examples. */
function bodyMedia(op: Operation): { type: string; examples: unknown[] } | undefined {
  const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  return type === undefined ? undefined : { type, examples: Object.values(media?.examples ?? {}).map((e) => e.value) };
}

function firstExample(op: Operation): unknown {
  return bodyMedia(op)?.examples[0];
}

describe('the OpenAPI document of the whole service', () => {
  it('validates with @readme/openapi-parser, every $ref resolving', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors.map((e) => e.message)).toEqual([]);
    // The responses every test of the run must be seen answering (checked by the global teardown).
    recordDocumentedResponses('test/http/openapi.test.ts', doc);
  });

  it('states, for every operation, its success and the problems it answers, each problem as application/problem+json', () => {
    for (const { method, path, op, scope } of operations()) {
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith('2')), `${method} ${path}`).toBe(true);
      expect(statuses, `${method} ${path}`).toContain('400');
      if (scope) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '429', '503']));
      if (op.requestBody) expect(statuses, `${method} ${path}`).toContain('413');
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const problem = op.responses[status]!.content?.['application/problem+json'];
        if (!(path === '/ready' && status === '503')) expect(problem, `${method} ${path} ${status}`).toEqual({ schema: { $ref: '#/components/schemas/Problem' } });
      }
    }
    for (const path of ['/v1/reports/summary', '/v1/reports/backlog', '/v1/exceptions', '/v1/unmatched', '/v1/parked', '/v1/sync', '/v1/sync/{system}/orders', '/v1/orders/{orderRef}/history',
      '/v1/reports/orders/{orderKey}/timeline', '/v1/integrators', '/v1/keys', '/v1/consumers/{name}/keys', '/v1/reconciliations', '/v1/correlations/{correlationId}']) {
      expect(Object.keys(doc.paths[path]!.get!.responses['200']!.content!), path).toEqual(['application/json', 'text/csv']);
    }
    const submit = doc.paths['/v1/orders']!.post!.responses;
    expect(Object.keys(submit)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '403', '409', '413', '422', '429', '503']));
  });

  it('discriminates the transition body on type, one member per event type a system sends, each with its data schema', () => {
    const transition = doc.components.schemas.TransitionInput!;
    const mapping = transition.discriminator!.mapping;
    expect(Object.keys(mapping)).toHaveLength(24);
    for (const [type, ref] of Object.entries(mapping)) {
      expect(isOrderEventType(type)).toBe(true);
      const member = doc.components.schemas[ref.replace('#/components/schemas/', '')] as unknown as { properties: { type: unknown; data: unknown } };
      expect(member.properties.type).toEqual({ type: 'string', const: type });
      expect(member.properties.data).toEqual({ $ref: `#/components/schemas/${type}DataInput` });
    }
    expect(transition.oneOf).toHaveLength(24);
    expect(Object.keys(mapping)).not.toContain('ExceptionRaised');
  });

  it('names the event type and its data schema in every answer that shows events, one member per catalogue type', () => {
    const unionOf = (name: string, typeValue: (type: string) => string) => {
      const union = doc.components.schemas[name]!;
      expect(union.oneOf, name).toHaveLength(orderEventTypes.length);
      expect(Object.keys(union.discriminator!.mapping).sort(), name).toEqual(orderEventTypes.map(typeValue).sort());
      for (const type of orderEventTypes) {
        const ref = union.discriminator!.mapping[typeValue(type)]!;
        const member = doc.components.schemas[ref.replace('#/components/schemas/', '')] as unknown as { properties: { type: unknown; data: unknown } };
        expect(member.properties.type, `${name} ${type}`).toEqual({ type: 'string', const: typeValue(type) });
        expect(member.properties.data, `${name} ${type}`).toEqual({ $ref: `#/components/schemas/${type}Data` });
      }
    };
    unionOf('HistoryEntry', (type) => type);
    unionOf('CloudEvent', (type) => `com.orderledger.${type}`);
    const answer = (path: string) => doc.paths[path]!.get!.responses['200']!.content as Record<string, { schema: { properties: Record<string, { items: unknown }> } }>;
    expect(answer('/v1/orders/{orderRef}/history')['application/json']!.schema.properties.events!.items).toEqual({ $ref: '#/components/schemas/HistoryEntry' });
    expect(answer('/v1/feed')['application/json']!.schema.properties.events!.items).toEqual({ $ref: '#/components/schemas/CloudEvent' });
    const timeline = answer('/v1/reports/orders/{orderKey}/timeline')['application/json']!.schema.properties.events!.items as { properties: { type: unknown } };
    expect(timeline.properties.type).toEqual({ $ref: '#/components/schemas/EventType' });
    expect(doc.components.schemas.EventType).toMatchObject({ enum: [...orderEventTypes] });
  });

  it('refuses the ledger-only types with 422 LEDGER_ONLY_EVENT naming the field, and the document says why', async () => {
    expect(doc.components.schemas.TransitionInput!.description).toContain(`but ExceptionRaised, ExceptionResolved and IntegrationResent: ${ledgerOnlyReason}`);
    const refusals = doc.paths['/v1/orders/{orderRef}/events']!.post!.responses['422'] as { description?: string };
    expect(refusals.description).toContain('LEDGER_ONLY_EVENT: Only the ledger records this event type');
    const erp = await keyOf(service, 'ERP', ['submit']);
    const envelope = { occurredAt: '2026-12-05T11:00:00Z', sourceDocument: { type: 'Manual', id: 'X-1' } };
    for (const type of ledgerOnlyEventTypes) {
      const single = await service.app.inject({ method: 'POST', url: '/v1/orders/WEB-1001/events', headers: erp, payload: { type, ...envelope, data: {} } });
      expect([single.statusCode, single.json()], type).toEqual([422, expect.objectContaining({ code: 'LEDGER_ONLY_EVENT', field: 'type', detail: `${type} cannot be submitted: ${ledgerOnlyReason}` })]);
      const batch = await service.app.inject({ method: 'POST', url: '/v1/batches', headers: erp, payload: { items: [{ orderRef: 'WEB-1001', type, ...envelope, data: {} }] } });
      expect(batch.json().results[0], type).toMatchObject({ outcome: 'refused', status: 422, code: 'LEDGER_ONLY_EVENT', field: 'type' });
    }
  });

  it('gives answer examples their own schemas accept', () => {
    for (const schema of [acceptedSchema, problemSchema]) {
      const examples = z.globalRegistry.get(schema)?.examples as unknown[] | undefined;
      expect(examples?.length).toBeGreaterThan(0);
      for (const example of examples!) expect(schema.safeParse(example).error).toBeUndefined();
    }
  });

  it('names the schemas operations share as components', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'ApiKey', 'Recorded', 'Order', 'TransitionInput', 'ShipmentConfirmedDataInput', 'Integrator']));
  });

  it('serves the documentation UI under the product name and version', async () => {
    expect(doc.info).toMatchObject({ title: 'order-ledger', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const page = await service.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<title>order-ledger API ${doc.info.version}</title>`);
  });
});

describe('every operation answers the problems the document says every request can meet', () => {
  it('401 without a key, 403 with a key that lacks the scope, 400 for a parameter the log cannot store', async () => {
    const lacking: Record<string, { authorization: string }> = {
      admin: await keyOf(service, 'ERP', ['submit', 'read', 'audit']),
      read: await keyOf(service, 'ERP', ['audit']),
      submit: await keyOf(service, 'ERP', ['read']),
      audit: await keyOf(service, 'ERP', ['read']),
    };
    const admin = await keyOf(service, 'ADMIN', ['admin']);
    for (const { method, path, scope } of operations()) {
      const url = urlOf(path);
      const bad = await service.app.inject({ method: method as 'GET', url: `${url}?x=%00`, headers: admin });
      expect([bad.statusCode, bad.json().code], `${method} ${path}`).toEqual([400, 'VALIDATION_FAILED']);
      if (!scope) continue;
      const none = await service.app.inject({ method: method as 'GET', url });
      expect([none.statusCode, none.json().code], `${method} ${path}`).toEqual([401, 'API_KEY_MISSING']);
      const wrong = await service.app.inject({ method: method as 'GET', url, headers: lacking[scope]! });
      expect([wrong.statusCode, wrong.json().code], `${method} ${path}`).toEqual([403, 'SCOPE_MISSING']);
    }
  });

  it('413 for a body over the limit, on every operation that takes one', async () => {
    const admin = await keyOf(service, 'ADMIN', ['admin']);
    const huge = JSON.stringify({ padding: 'x'.repeat(70_000) });
    const withBody = operations().filter(({ op }) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    for (const { method, path } of withBody) {
      const response = await service.app.inject({ method: method as 'POST', url: urlOf(path), headers: { ...admin, 'content-type': 'application/json' }, payload: huge });
      expect([response.statusCode, response.json().code], `${method} ${path}`).toEqual([413, 'BODY_TOO_LARGE']);
    }
  });

  it('429 once a key used its requests of the minute, on every operation that needs a key', async () => {
    const limited = await start({ LEDGER_RATE_LIMIT_PER_MINUTE: '1', LEDGER_PROJECTIONS: 'off' });
    const admin = await keyOf(limited, 'ADMIN', ['admin']);
    await limited.app.inject({ method: 'GET', url: '/v1/keys', headers: admin });
    for (const { method, path, op, scope } of operations().filter((o) => o.scope)) {
      const body = firstExample(op);
      const sent = body === undefined ? {} : { headers: { ...admin, 'content-type': bodyMedia(op)!.type }, payload: body as object };
      const response = await limited.app.inject({ method: method as 'GET', url: urlOf(path), headers: admin, ...sent });
      expect([response.statusCode, response.json().code], `${method} ${path} (${scope})`).toEqual([429, 'RATE_LIMITED']);
    }
  });

  it('503 OVERLOADED with Retry-After while the event loop lags, on every operation that needs a key', async () => {
    const pressured = await start({ LEDGER_MAX_EVENT_LOOP_DELAY_MS: '20', LEDGER_PROJECTIONS: 'off' });
    let waiting = operations().filter((o) => o.scope);
    for (let attempt = 0; attempt < 10 && waiting.length > 0; attempt++) {
      // Let the sampler see a stall, then ask while it still does.
      for (let i = 0; i < 4; i++) {
        const until = Date.now() + 300;
        while (Date.now() < until) { /* a CPU-bound stretch */ }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const answers = await Promise.all(waiting.map(async (o) => ({ o, response: await pressured.app.inject({ method: o.method as 'GET', url: urlOf(o.path) }) })));
      for (const { response } of answers.filter((a) => a.response.statusCode === 503)) {
        expect(response.headers['retry-after']).toBe('1');
        expect(response.json().code).toBe('OVERLOADED');
      }
      waiting = answers.filter((a) => a.response.statusCode !== 503).map((a) => a.o);
    }
    expect(waiting.map((o) => `${o.method} ${o.path}`)).toEqual([]);
    // The stall was this process's: let every instance's sampler see a quiet loop again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
});

describe('requests built from the examples of the document', () => {
  it('has an example for every request body', () => {
    const without = operations().filter(({ op }) => op.requestBody && firstExample(op) === undefined).map(({ method, path }) => `${method} ${path}`);
    expect(without).toEqual([]);
  });

  it('are each accepted: an order placed, every transition of its life in turn, a batch, and every administration act', async () => {
    const keys = {} as Record<KeySystem, { authorization: string }>;
    for (const system of ['CRM', 'ECOMMERCE', 'EDI', 'ERP', 'WMS', 'TMS'] as const) keys[system] = await keyOf(service, system, ['submit', 'read']);
    keys.ADMIN = await keyOf(service, 'ADMIN', ['admin']);
    const ownerOf = (type: string) => keys[(isOrderEventType(type) ? defaultOwnership[type][0] : 'ERP') as KeySystem];
    const answers: { request: string; status: number; body: string }[] = [];
    const send = async (method: string, path: string, value: unknown, headers: Record<string, string>, values?: Record<string, string>, query = '') => {
      const response = await service.app.inject({ method: method as 'POST', url: `${urlOf(path, values)}${query}`, headers, payload: value as object });
      answers.push({ request: `${method} ${path}${(value as { type?: string }).type ? ` ${(value as { type: string }).type}` : ''}`, status: response.statusCode, body: response.body });
      return response;
    };
    const examplesOf = (method: string, path: string) => Object.values(doc.paths[path]![method]!.requestBody!.content['application/json']!.examples!).map((e) => e.value);

    for (const value of examplesOf('post', '/v1/orders')) await send('POST', '/v1/orders', value, keys.ECOMMERCE);
    const transitions = examplesOf('post', '/v1/orders/{orderRef}/events') as { type: string }[];
    expect(transitions).toHaveLength(23);
    for (const value of transitions) await send('POST', '/v1/orders/{orderRef}/events', value, ownerOf(value.type));
    for (const value of examplesOf('post', '/v1/batches')) {
      const batch = await send('POST', '/v1/batches', value, keys.ERP);
      expect(batch.json().counts, batch.body).toMatchObject({ refused: 0, failed: 0 });
    }
    // A parked event for the discard example: one the integrator the examples create could not deliver.
    const park = () => new ParkedEventRepository(db.pool).park({
      integrator: 'erp-webhook', eventId: '6f1c8a52-3b0e-5d7a-9f3e-2c4b8d1a7e90', position: '1', streamId: 'order-WEB-1001', orderKey: 'WEB-1001',
      eventType: 'OrderAccepted', priority: 0, currency: 'USD', policy: 'park', attempts: 8, lastError: 'HTTP 503', body: '{}',
    });
    const covered = new Set(['/v1/orders', '/v1/orders/{orderRef}/events', '/v1/batches']);
    // The integrator first: the re-send, reset and parked-event examples name the one its example creates.
    const rest = operations().filter(({ op, path }) => op.requestBody && !covered.has(path))
      .sort((a, b) => Number(b.path === '/v1/integrators') - Number(a.path === '/v1/integrators'));
    const values: Record<string, string> = {};
    // A snapshot of what the integrator the examples create shows, so that its re-send example has an integrator to send through.
    const queries: Record<string, string> = { '/v1/reconciliations': '?system=erp-webhook' };
    for (const { method, path, op } of rest) {
      const media = bodyMedia(op)!;
      for (const value of media.examples) {
        await send(method, path, value, media.type === 'application/json' ? keys.ADMIN : { ...keys.ADMIN, 'content-type': media.type }, values, queries[path]);
        if (path === '/v1/integrators') values.id = (await park()).id;
      }
    }
    expect(answers.filter((a) => a.status >= 300)).toEqual([]);
    expect(answers.length).toBeGreaterThan(30);
  });

  it('are shown back, in the history, the feed and the timeline, as the document\'s event schemas say', async () => {
    const audit = await keyOf(service, 'ERP', ['read', 'audit']);
    const get = async (url: string) => (await service.app.inject({ method: 'GET', url, headers: audit })).json();
    const history = await get('/v1/orders/WEB-1001/history');
    const feed = await get('/v1/feed?limit=1000');
    const timeline = await get('/v1/reports/orders/WEB-1001/timeline');
    expect(new Set(history.events.map((e: { type: string }) => e.type)).size).toBeGreaterThanOrEqual(20);
    expect(z.array(historyEntrySchema).safeParse(history.events).error).toBeUndefined();
    expect(z.array(cloudEventSchema).safeParse(feed.events).error).toBeUndefined();
    expect(timeline.events.map((e: { type: string }) => eventTypeSchema.parse(e.type))).toEqual(history.events.map((e: { type: string }) => e.type));
    // They can fail: a payload its type's schema refuses is not one of the union's members.
    const altered = { ...history.events.find((e: { type: string }) => e.type === 'ShipmentConfirmed'), data: { lines: 'none' } };
    expect(historyEntrySchema.safeParse(altered).success).toBe(false);
  });
});

describe('the outcomes of their own that operations document', () => {
  it('are answered: what is not there is 404, what is already done 409, a checkpoint past the log 422', async () => {
    const admin = await keyOf(service, 'ADMIN', ['admin']);
    // A cancellation the CRM requests needs an order that was received.
    const crm = await keyOf(service, 'CRM', ['submit', 'read']);
    const ask = async (method: string, url: string, headers: { authorization: string }, payload?: object) =>
      (await service.app.inject({ method: method as 'POST', url, headers, ...(payload ? { payload } : {}) })).statusCode;
    const cancel = transitionsOf().find((t) => t.type === 'LineCancelled')!;
    const parked = (await service.app.inject({ method: 'GET', url: '/v1/parked?all=true', headers: admin })).json().items as { id: string; state: string }[];
    const resolved = parked.find((p) => p.state !== 'parked')!;
    expect({
      history: await ask('GET', '/v1/orders/NOPE-1/history', admin),
      transition: await ask('POST', '/v1/orders/NOPE-1/events', crm, cancel),
      deleteIntegrator: await ask('DELETE', '/v1/integrators/nope', admin),
      pause: await ask('POST', '/v1/integrators/nope/pause', admin),
      resume: await ask('POST', '/v1/integrators/nope/resume', admin),
      retry: await ask('POST', '/v1/parked/999999/retry', admin),
      discard: await ask('POST', '/v1/parked/999999/discard', admin, { reason: 'gone' }),
      discardAgain: await ask('POST', `/v1/parked/${resolved.id}/discard`, admin, { reason: 'twice' }),
      resend: await ask('POST', '/v1/sync/resend', admin, { system: 'nope', orderKeys: ['WEB-1001'], reason: 'test' }),
      resetPastTheLog: await ask('POST', '/v1/consumers/bi/checkpoint/reset', admin, { position: '7fffffffffffffff-7fffffffffffffff', reason: 'test' }),
    }).toEqual({
      history: 404, transition: 404, deleteIntegrator: 404, pause: 404, resume: 404, retry: 404, discard: 404,
      discardAgain: 409, resend: 404, resetPastTheLog: 422,
    });
  });

  it('streams the dashboard\'s live changes as server-sent events until the service stops', async () => {
    const live = await start({ LEDGER_PROJECTIONS: 'off' });
    const read = await keyOf(live, 'CRM', ['read']);
    const response = await fetch(`${live.address}/v1/dashboard/live`, { headers: read });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry:');
    await live.stop();
    started.splice(started.indexOf(live), 1);
    for (;;) if ((await reader.read()).done) break;
  });
});

function transitionsOf(): { type: string }[] {
  return Object.values(doc.paths['/v1/orders/{orderRef}/events']!.post!.requestBody!.content['application/json']!.examples!).map((e) => e.value as { type: string });
}

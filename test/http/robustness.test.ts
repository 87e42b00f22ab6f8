import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { allocatedBody, placeOrderBody } from './support/payloads.js';

let t: TestApp;
const count = async () => Number((await t.db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count);

beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('M-1') });
});

const isIsoLike = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v);
const nonNegative = (v: unknown) => typeof v === 'number' && v >= 0;
const nonBlank = (v: unknown) => typeof v === 'string' && /\S/.test(v);

/** Values that make the named part of a valid body invalid (never an accidentally valid one). */
const invalidFor: Record<string, (v: unknown) => boolean> = {
  type: (v) => typeof v !== 'string' || !/^[A-Z]/.test(v),
  data: (v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('lines' in v),
  occurredAt: (v) => !isIsoLike(v),
  sourceDocument: (v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('id' in v),
  qty: (v) => !nonNegative(v),
  lineNo: (v) => !(Number.isInteger(v) && (v as number) > 0),
  sku: (v) => !nonBlank(v),
  lines: (v) => !Array.isArray(v) || v.length === 0 || v.some((l) => typeof l !== 'object' || l === null),
};

/** A valid body with one part replaced by an invalid value, or arbitrary JSON altogether. */
const malformedBody = fc.oneof(
  fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('occurredAt' in v)),
  fc.record({ key: fc.constantFrom('type', 'data', 'occurredAt', 'sourceDocument'), value: fc.jsonValue() })
    .filter(({ key, value }) => invalidFor[key]!(value))
    .map(({ key, value }) => ({ ...allocatedBody({ 1: 1 }), [key]: value })),
  fc.record({ path: fc.constantFrom('lines', 'qty', 'lineNo', 'sku'), value: fc.jsonValue() })
    .filter(({ path, value }) => invalidFor[path]!(value))
    .map(({ path, value }) => {
      const body = allocatedBody({ 1: 1 });
      const line = body.data.lines[0] as Record<string, unknown>;
      if (path === 'lines') (body.data as Record<string, unknown>).lines = value;
      else line[path] = value;
      return body;
    }),
);

const headers = fc.record({
  'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
  'idempotency-key': fc.string({ maxLength: 300 }),
  'x-correlation-id': fc.string({ maxLength: 200 }),
}, { requiredKeys: [] });

describe('malformed requests', () => {
  it('never answer 5xx and never write an event', async () => {
    const before = await count();
    await fc.assert(
      fc.asyncProperty(malformedBody, headers, fc.constantFrom('/v1/orders/M-1/events', '/v1/orders', '/v1/batches', '/v1/orders/erp:X/events'), async (body, extra, url) => {
        const asText = extra['content-type'] === 'application/json' || extra['content-type'] === undefined ? JSON.stringify(body) : String(JSON.stringify(body));
        const response = await t.app.inject({ method: 'POST', url, headers: { ...extra, ...t.auth.WMS }, payload: asText });
        expect(response.statusCode, response.body).toBeLessThan(500);
        if (response.statusCode >= 400) expect(response.headers['content-type']).toMatch(/problem\+json/);
      }),
      { numRuns: 300 },
    );
    expect(await count()).toBe(before);
  });

  it('answers an over-limit body with 413 problem', async () => {
    const small = await createTestApp({ bodyLimitBytes: 1024 });
    const response = await small.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...small.auth.ECOMMERCE, 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('BODY_TOO_LARGE');
  });

  it('sheds load with 503 and Retry-After when appends in flight reach the bound', async () => {
    const tiny = await createTestApp({ maxInFlightAppends: 1 });
    const orders = Array.from({ length: 12 }, (_, i) => tiny.app.inject({ method: 'POST', url: '/v1/orders', headers: tiny.auth.ECOMMERCE, payload: placeOrderBody(`BP-${i}`) }));
    const responses = await Promise.all(orders);
    const shed = responses.filter((r) => r.statusCode === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed[0]!.headers['retry-after']).toBe('1');
    expect(shed[0]!.json().code).toBe('OVERLOADED');
    expect(responses.filter((r) => r.statusCode === 201).length + shed.length).toBe(12);
    const metrics = await tiny.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ledger_overload_rejections_total \d+/);
  });

  it('counts refusals by code in the metrics', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders/M-1/events', headers: t.auth.TMS, payload: allocatedBody({ 1: 1 }) });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/ledger_refusals_total\{code="NOT_OWNER"\} [1-9]/);
    expect(metrics.body).toMatch(/ledger_append_duration_seconds_count \d+/);
  });
});

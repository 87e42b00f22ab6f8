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

/** Values a hostile client puts into well-formed bodies; `raw` ones are written into the JSON text as they are. */
const hostileText = fc.constantFrom('a\u0000b', '\u0000', '\ud800', 'x\udfff', '\udbff\ud800', '\\u0000 is text', 'ok 📦', 'x'.repeat(500), 'x'.repeat(501), ' ');
const hostileNumber = fc.oneof(
  fc.constantFrom(1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 0, -0, 1e-7, 0.001, 1_000_000_000, 1_000_000_001, 100_000_000_000, 1.0005, 0.1 + 0.2).map((n) => ({ raw: undefined, n })),
  fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890').map((raw) => ({ raw, n: 1 })),
);
const hostileTime = fc.constantFrom('1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z', '2100-01-01T00:00:00Z', '2099-12-31T20:00:00-05:00', '9999-12-31T00:00:00Z', '0001-01-01T00:00:00Z');
const hostileDay = fc.constantFrom('1999-12-31', '2000-01-01', '2099-12-31', '2100-01-01', '9999-12-31');

type Mutation = { kind: 'text'; field: string; value: string } | { kind: 'number'; field: string; value: { raw: string | undefined; n: number } } | { kind: 'time'; value: string } | { kind: 'day'; value: string } | { kind: 'none' };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('text' as const), field: fc.constantFrom('customerPO', 'sku', 'soldTo', 'sourceDocument', 'channelOrderId', 'uom'), value: hostileText }),
  fc.record({ kind: fc.constant('number' as const), field: fc.constantFrom('qty', 'amount', 'lineNo', 'revision'), value: hostileNumber }),
  fc.record({ kind: fc.constant('time' as const), value: hostileTime }),
  fc.record({ kind: fc.constant('day' as const), value: hostileDay }),
);

let hostileRun = 0;
/** An OrderReceived body for `key` with one mutation applied, as the JSON text a client sends. */
function hostileOrder(key: string, m: Mutation): Record<string, unknown> & { __raw?: string } {
  const body = placeOrderBody(key);
  const data = body.data as Record<string, unknown>;
  const line = (body.data.lines as Record<string, unknown>[])[0]!;
  const put = (value: unknown, field: string) => {
    switch (field) {
      case 'customerPO': case 'channelOrderId': data[field] = value; break;
      case 'soldTo': data.soldTo = { id: value }; break;
      case 'sourceDocument': body.sourceDocument = { ...body.sourceDocument, id: value as string }; break;
      case 'sku': case 'uom': case 'qty': case 'lineNo': line[field] = value; break;
      case 'amount': line.unitNetPrice = { amount: value, currency: 'USD' }; break;
      case 'revision': body.sourceDocument = { ...body.sourceDocument, revision: value as number }; break;
    }
  };
  if (m.kind === 'text') put(m.value, m.field);
  if (m.kind === 'number') put(m.value.raw === undefined ? m.value.n : '__RAW__', m.field);
  if (m.kind === 'time') body.occurredAt = m.value;
  if (m.kind === 'day') data.requestedShipDate = m.value;
  return body;
}
const jsonOf = (value: unknown, m: Mutation) => {
  const text = JSON.stringify(value);
  return m.kind === 'number' && m.value.raw !== undefined ? text.replace('"__RAW__"', m.value.raw) : text;
};

describe('hostile values in well-formed requests', () => {
  it('never answer 5xx, and the log holds exactly the orders answered as written, single or in mixed batches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), async (mutations, asBatch) => {
        hostileRun += 1;
        const keys = mutations.map((_, i) => `H${hostileRun}-${i}`);
        const written: string[] = [];
        let answeredPerItem = true;
        if (asBatch) {
          const items = mutations.map((m, i) => {
            const { orderKey: _key, ...body } = hostileOrder(keys[i]!, m);
            return jsonOf({ orderRef: keys[i], type: 'OrderReceived', ...body }, m);
          });
          const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: { ...t.auth.ECOMMERCE, 'content-type': 'application/json' }, payload: `{"items":[${items.join(',')}]}` });
          expect(response.statusCode, response.body).toBeLessThan(500);
          // A body of the wrong shape (a number JSON cannot hold) is refused whole, before any item.
          answeredPerItem = response.statusCode === 200;
          if (answeredPerItem) {
            const results = response.json().results as { index: number; status: number; outcome: string }[];
            expect(results.length).toBe(mutations.length);
            for (const r of results) {
              expect(r.status, JSON.stringify(r)).toBeLessThan(500);
              if (r.outcome === 'accepted') written.push(keys[r.index]!);
            }
          }
        } else {
          for (const [i, m] of mutations.entries()) {
            const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...t.auth.ECOMMERCE, 'content-type': 'application/json' }, payload: jsonOf(hostileOrder(keys[i]!, m), m) });
            expect(response.statusCode, response.body).toBeLessThan(500);
            if (response.statusCode === 201) written.push(keys[i]!);
          }
        }
        const { rows } = await t.db.pool.query<{ stream_id: string }>('SELECT stream_id FROM ledger.events WHERE stream_id = ANY($1) ORDER BY stream_id', [keys.map((k) => `order-${k}`)]);
        expect(rows.map((r) => r.stream_id.slice('order-'.length))).toEqual([...written].sort());
        // What a valid body carries, unchanged, is always written.
        if (answeredPerItem) for (const [i, m] of mutations.entries()) if (m.kind === 'none') expect(written).toContain(keys[i]);
      }),
      { numRuns: 120 },
    );
  });
});

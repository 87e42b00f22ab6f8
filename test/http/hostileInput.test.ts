import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/testApp.js';
import { acceptedBody, placeOrderBody } from './support/payloads.js';

let t: TestApp;
const eventCount = async () => Number((await t.db.pool.query('SELECT count(*) FROM ledger.events')).rows[0].count);

beforeAll(async () => {
  t = await createTestApp();
});

const withData = (key: string, data: Record<string, unknown>) => {
  const body = placeOrderBody(key);
  return { ...body, data: { ...body.data, ...data } };
};
const withLine = (key: string, line: Record<string, unknown>) => {
  const body = placeOrderBody(key);
  return { ...body, data: { ...body.data, lines: [{ ...body.data.lines[0], ...line }] } };
};

describe('values that pass the shape but the log cannot hold', () => {
  it.each([['a NUL', 'a\u0000b'], ['a lone surrogate', '\ud800']])('refuses %s in a payload string with 422 and the field path, writing nothing', async (_name, value) => {
    const before = await eventCount();
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: withData(`NUL-${before}`, { customerPO: value }) });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.data.customerPO' })]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a NUL in an envelope string with 422 and the field path', async () => {
    const body = placeOrderBody('NUL-ENV', { sourceDocument: { type: 'SalesOrder', id: 'SO-\u0000', revision: 0 } });
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: body });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'body.sourceDocument.id' })]);
  });

  it('names every envelope field a blank value reaches, in the envelope\'s order, and a blank idempotency-key header', async () => {
    const before = await eventCount();
    const blankInstance = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('BLANK-I', { sourceSystemInstance: ' ', channel: '\u0000' }) });
    expect(blankInstance.statusCode, blankInstance.body).toBe(422);
    expect(blankInstance.json()).toMatchObject({ code: 'INVALID_PAYLOAD', detail: 'The envelope is invalid: body.sourceSystem.instance must not be blank.', field: 'body.sourceSystem.instance' });
    expect(blankInstance.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.sourceSystem.instance', 'body.actor.id', 'body.channel']);
    const blankKey = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...t.auth.ECOMMERCE, 'idempotency-key': ' ' }, payload: placeOrderBody('BLANK-K') });
    expect(blankKey.statusCode, blankKey.body).toBe(422);
    expect(blankKey.json().errors).toEqual([{ path: 'body.idempotencyKey', message: 'must not be blank' }]);
    expect(await eventCount()).toBe(before);
  });

  it('refuses a NUL in a transition posted to an order and to an unknown alias', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('NUL-T') });
    const before = await eventCount();
    const good = acceptedBody('ERP-NUL');
    const bad = { ...good, data: { ...good.data, erpOrderNumber: 'ERP-NUL\u0000' } };
    for (const url of ['/v1/orders/NUL-T/events', '/v1/orders/erp:NOBODY/events']) {
      const response = await t.app.inject({ method: 'POST', url, headers: t.auth.ERP, payload: bad });
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json().errors[0].path).toBe('body.data.erpOrderNumber');
    }
    expect(await eventCount()).toBe(before);
  });

  it('refuses an order whose quantity times price would overflow, so no projection is stopped by it', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: withLine('HUGE', { qty: 1e308, unitNetPrice: { amount: 1e308, currency: 'USD' } }) });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.data.lines.0.qty', 'body.data.lines.0.unitNetPrice.amount']);
  });

  it.each([['zero', 0], ['2^53 + 2', 2 ** 53 + 2], ['four decimals', 1.0005]])('refuses a quantity of %s', async (_name, qty) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: withLine(`Q-${qty}`, { qty }) });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors[0].path).toBe('body.data.lines.0.qty');
  });

  it('refuses a business time outside the date window with 422 naming occurredAt', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: placeOrderBody('Y9999', { occurredAt: '9999-12-31T00:00:00Z' }) });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors[0].path).toBe('body.occurredAt');
  });

  it('accepts the boundary values themselves', async () => {
    const body = withLine('EDGE', { lineNo: 999_999, qty: 1_000_000_000, unitNetPrice: { amount: 100_000_000_000, currency: 'USD' } });
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: t.auth.ECOMMERCE, payload: { ...body, occurredAt: '2099-12-31T23:59:59.999Z' } });
    expect(response.statusCode, response.body).toBe(201);
  });
});

describe('bodies that are not valid UTF-8', () => {
  it('are refused with 400 instead of being stored with replacement characters', async () => {
    const before = await eventCount();
    const text = JSON.stringify(withData('BAD-UTF8', { customerPO: 'PO-XX' }));
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf('PO-XX');
    bytes[at + 3] = 0xc3; // a lead byte followed by an ASCII byte: not UTF-8
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...t.auth.ECOMMERCE, 'content-type': 'application/json' }, payload: bytes });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().code).toBe('INVALID_UTF8');
    expect(await eventCount()).toBe(before);
  });

  it('still take valid multi-byte UTF-8 as written', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: { ...t.auth.ECOMMERCE, 'content-type': 'application/json' }, payload: Buffer.from(JSON.stringify(withData('UTF8-OK', { customerPO: 'Bestellung-Ä-📦' })), 'utf8') });
    expect(response.statusCode, response.body).toBe(201);
    const order = await t.app.inject({ method: 'GET', url: '/v1/orders/UTF8-OK', headers: t.auth.ECOMMERCE });
    expect(order.body).toContain('Bestellung-Ä-📦');
  });
});

/** The order keys the log holds an OrderReceived for, among `keys`. */
async function ordersInLog(keys: readonly string[]): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ stream_id: string }>(
    "SELECT stream_id FROM ledger.events WHERE type = 'OrderReceived' AND stream_id = ANY($1) ORDER BY stream_id", [keys.map((k) => `order-${k}`)]);
  return rows.map((r) => r.stream_id.slice('order-'.length));
}

describe('a batch mixing good and bad items', () => {
  it('answers each item, and the log holds exactly the ones answered as written, when one item has a NUL', async () => {
    const items = [
      { orderRef: 'MIX-1', type: 'OrderReceived', ...withData('MIX-1', { customerPO: 'a\u0000b' }) },
      { orderRef: 'MIX-2', type: 'OrderReceived', ...placeOrderBody('MIX-2') },
    ].map(({ orderKey: _key, ...item }) => item);
    const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: t.auth.ECOMMERCE, payload: { items } });
    expect(response.statusCode, response.body).toBe(200);
    const { results, counts } = response.json();
    expect(results.map((r: { outcome: string; status: number }) => [r.outcome, r.status])).toEqual([['refused', 422], ['accepted', 201]]);
    expect(results[0].errors[0].path).toBe('body.data.customerPO');
    expect(counts).toMatchObject({ accepted: 1, refused: 1, failed: 0 });
    expect(await ordersInLog(['MIX-1', 'MIX-2'])).toEqual(['MIX-2']);
  });

  it('answers an item the database refuses, or fails on, alone, and the others truthfully', async () => {
    // Rules of the database's own that refuse one stream's rows (a data error) and break on another's.
    await t.db.owner.query(`CREATE FUNCTION ledger.refuse_test_orders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.stream_id = 'order-DBREFUSED' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF;
        IF NEW.stream_id = 'order-DBBROKEN' THEN RAISE EXCEPTION 'broken for the test' USING ERRCODE = 'XX000'; END IF;
        RETURN NEW;
      END $$`);
    await t.db.owner.query('CREATE TRIGGER refuse_test_orders BEFORE INSERT ON ledger.events FOR EACH ROW EXECUTE FUNCTION ledger.refuse_test_orders()');
    try {
      const keys = ['DBOK-1', 'DBREFUSED', 'DBOK-2', 'DBBROKEN', 'DBOK-3'];
      const items = keys.map((k) => {
        const { orderKey: _key, ...body } = placeOrderBody(k);
        return { orderRef: k, type: 'OrderReceived', ...body };
      });
      const response = await t.app.inject({ method: 'POST', url: '/v1/batches', headers: t.auth.ECOMMERCE, payload: { items } });
      expect(response.statusCode, response.body).toBe(200);
      const { results, counts } = response.json();
      expect(results.map((r: { outcome: string; status: number }) => [r.outcome, r.status])).toEqual([
        ['accepted', 201], ['refused', 422], ['accepted', 201], ['failed', 500], ['accepted', 201],
      ]);
      expect(results[1].code).toBe('UNSTORABLE_EVENT');
      expect(results[3].detail).not.toContain('broken for the test');
      expect(counts).toEqual({ accepted: 3, duplicate: 0, unmatched: 0, refused: 1, failed: 1 });
      const written = results.filter((r: { status: number }) => r.status === 201).map((r: { index: number }) => keys[r.index]);
      expect(await ordersInLog(keys)).toEqual([...written].sort());
    } finally {
      await t.db.owner.query('DROP TRIGGER refuse_test_orders ON ledger.events');
    }
  });
});

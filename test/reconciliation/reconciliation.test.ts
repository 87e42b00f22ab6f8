import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntilCaughtUp } from '../../src/projections/projectionStatus.js';
import { reconciliationRoutes } from '../../src/http/reconciliations/reconciliationRoutes.js';
import { createReportingApp } from '../projections/support/reportingApp.js';
import { testSecrets } from '../support/testSecrets.js';
import { csvHeader, ledgerSnapshot, seedOrders, toCsvText, toJsonLines, type SnapshotLine } from './support/reconciliationLedger.js';

const t = await createReportingApp(({ pool, store, orders }) => [reconciliationRoutes({ pool, store, orders, secrets: testSecrets })]);
const { app, db } = t;
const submit = { authorization: `Bearer ${t.systemKeys.CRM}` };
const read = { authorization: `Bearer ${t.readKey}` };
const admin = { authorization: `Bearer ${t.adminKey}` };

function post(body: string, contentType = 'text/csv', system = 'CRM') {
  return app.inject({ method: 'POST', url: `/v1/reconciliations?system=${system}`, headers: { ...submit, 'content-type': contentType }, payload: body });
}

interface DriftRow { kind: string; orderRef: string; orderKey: string | null; lineNo: number | null; field: string | null; ledgerValue: string | null; snapshotValue: string | null; snapshotLine: number | null; ledgerRevision: number | null; evidence: { revision: number; eventId: string; type: string }[] | null }

async function driftOf(id: string): Promise<DriftRow[]> {
  const res = await app.inject({ method: 'GET', url: `/v1/reconciliations/${id}?limit=1000`, headers: read });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

const noDrift = { missing_downstream: 0, missing_in_ledger: 0, status_mismatch: 0, quantity_mismatch: 0, value_mismatch: 0 };
let ledger: SnapshotLine[];

beforeAll(async () => {
  await seedOrders(t.store, db.pool, 12);
  await waitUntilCaughtUp(t.runner);
  ledger = await ledgerSnapshot(db.pool);
  expect(ledger).toHaveLength(24);
}, 60_000);

describe('reconciling a system\'s snapshot with the ledger', () => {
  it('finds no drift in a snapshot equal to the ledger\'s state, as CSV and as JSON lines (orders named by alias too)', async () => {
    const csv = await post(toCsvText(ledger));
    expect(csv.statusCode, csv.body).toBe(201);
    const summary = csv.json();
    expect(csv.headers.location).toBe(`/v1/reconciliations/${summary.id}`);
    expect(summary).toMatchObject({ system: 'CRM', format: 'csv', rowsRead: 24, malformedRows: 0, snapshotOrders: 12, ledgerOrders: 12, driftedOrders: 0, drift: noDrift, malformed: [] });
    expect(await driftOf(summary.id)).toEqual([]);

    const byAlias = ledger.map((r, i) => ({ ...r, order: i % 4 === 0 ? `erp:ERP-${r.order}` : i % 4 === 1 ? `po:C-RCN:PO-${r.order}` : r.order }));
    const jsonl = await post(toJsonLines(byAlias), 'application/x-ndjson');
    expect(jsonl.statusCode, jsonl.body).toBe(201);
    expect(jsonl.json()).toMatchObject({ format: 'jsonl', rowsRead: 24, snapshotOrders: 12, driftedOrders: 0, drift: noDrift });
  });

  it('reports exactly the seeded drift, each with the events behind the ledger\'s figure', async () => {
    const rows = ledger
      .filter((r) => r.order !== 'RCN-0003')
      .filter((r) => !(r.order === 'RCN-0007' && r.line === 2))
      .map((r) => r.order === 'RCN-0004' ? { ...r, status: 'CANCELLED' }
        : r.order === 'RCN-0006' && r.line === 1 ? { ...r, shipped: 7 }
        : r.order === 'RCN-0005' ? { ...r, ordered_value: r.ordered_value + 1 }
        : r.order === 'RCN-0009' && r.line === 2 ? { ...r, invoiced: 2 } : r);
    rows.push({ order: 'GHOST-1', status: 'ACCEPTED', line: 1, ordered: 1, shipped: 0, invoiced: 0, ordered_value: 5, invoiced_total: 0 });
    rows.push({ order: 'erp:NO-SUCH', status: 'ACCEPTED', line: 1, ordered: 1, shipped: 0, invoiced: 0, ordered_value: 5, invoiced_total: 0 });
    const res = await post(toJsonLines(rows), 'application/x-ndjson');
    expect(res.statusCode, res.body).toBe(201);
    const status4 = ledger.find((r) => r.order === 'RCN-0004')!.status;
    const value5 = ledger.find((r) => r.order === 'RCN-0005')!.ordered_value;
    expect(res.json()).toMatchObject({
      rowsRead: rows.length, malformedRows: 0, driftedOrders: 8,
      drift: { missing_downstream: 1, missing_in_ledger: 2, status_mismatch: 1, quantity_mismatch: 3, value_mismatch: 1 },
    });
    const drift = await driftOf(res.json().id);
    const lineOf = (order: string, line?: number) => rows.findIndex((r) => r.order === order && (line === undefined || r.line === line)) + 1;
    expect(drift.map(({ kind, orderRef, orderKey, lineNo, field, ledgerValue, snapshotValue, snapshotLine }) => ({ kind, orderRef, orderKey, lineNo, field, ledgerValue, snapshotValue, snapshotLine }))).toEqual([
      { kind: 'missing_in_ledger', orderRef: 'GHOST-1', orderKey: null, lineNo: null, field: null, ledgerValue: null, snapshotValue: null, snapshotLine: lineOf('GHOST-1') },
      { kind: 'missing_downstream', orderRef: 'RCN-0003', orderKey: 'RCN-0003', lineNo: null, field: null, ledgerValue: null, snapshotValue: null, snapshotLine: null },
      { kind: 'status_mismatch', orderRef: 'RCN-0004', orderKey: 'RCN-0004', lineNo: null, field: 'status', ledgerValue: status4, snapshotValue: 'CANCELLED', snapshotLine: lineOf('RCN-0004') },
      { kind: 'value_mismatch', orderRef: 'RCN-0005', orderKey: 'RCN-0005', lineNo: null, field: 'ordered_value', ledgerValue: String(value5), snapshotValue: String(value5 + 1), snapshotLine: lineOf('RCN-0005') },
      { kind: 'quantity_mismatch', orderRef: 'RCN-0006', orderKey: 'RCN-0006', lineNo: 1, field: 'shipped', ledgerValue: '10', snapshotValue: '7', snapshotLine: lineOf('RCN-0006', 1) },
      { kind: 'quantity_mismatch', orderRef: 'RCN-0007', orderKey: 'RCN-0007', lineNo: 2, field: 'ordered', ledgerValue: '6', snapshotValue: null, snapshotLine: null },
      { kind: 'quantity_mismatch', orderRef: 'RCN-0009', orderKey: 'RCN-0009', lineNo: 2, field: 'invoiced', ledgerValue: '0', snapshotValue: '2', snapshotLine: lineOf('RCN-0009', 2) },
      { kind: 'missing_in_ledger', orderRef: 'erp:NO-SUCH', orderKey: null, lineNo: null, field: null, ledgerValue: null, snapshotValue: null, snapshotLine: lineOf('erp:NO-SUCH') },
    ]);
    // The evidence: the order's events, as the log holds them.
    const { rows: events } = await db.pool.query(
      `SELECT revision::int, event_id::text AS "eventId", type FROM ledger.events WHERE stream_id = 'order-RCN-0004' ORDER BY revision`);
    const status = drift.find((d) => d.kind === 'status_mismatch')!;
    expect(status.ledgerRevision).toBe(events.length - 1);
    expect(status.evidence!.map(({ revision, eventId, type }) => ({ revision, eventId, type }))).toEqual(events);
    expect(events.map((e) => e.type)).toEqual(['OrderReceived', 'OrderAccepted', 'ShipmentConfirmed']);
    expect(drift.find((d) => d.kind === 'missing_in_ledger')!.evidence).toBeNull();
  });

  it('reports malformed rows by line number and field, and compares the rest', async () => {
    const good = toCsvText(ledger).trimEnd().split('\n');
    const lines = [
      good[0], good[1], 'RCN-0001,ACCEPTED,2,abc,0,0,75.5,0', good[2], ',ACCEPTED,1,1,0,0,1,0', 'RCN-0002,ACCEPTED,1,-4,0,0,1,0',
      'bad key!,ACCEPTED,1,1,0,0,1,0', 'RCN-0002,ACCEPTED,x,1,0,0,1,0', good[3], good[3], 'RCN-0002,ACC"EPTED,2,6,0,0,1,0', ...good.slice(4),
    ];
    const res = await post(lines.join('\n') + '\n');
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.malformed).toEqual([
      { line: 3, field: 'ordered', reason: expect.stringContaining('must be a number') },
      { line: 5, field: 'order', reason: expect.stringContaining('is required') },
      { line: 6, field: 'ordered', reason: 'must not be negative' },
      { line: 7, field: 'order', reason: expect.stringContaining('must be an order key') },
      { line: 8, field: 'line', reason: expect.stringContaining('must be a number') },
      { line: 10, field: 'line', reason: 'the same order and line as line 9' },
      { line: 11, field: 'row', reason: expect.any(String) },
    ]);
    expect(body).toMatchObject({ malformedRows: 7, driftedOrders: 0, drift: noDrift });

    const jsonl = await post(['{"order":"RCN-0001","line":1,"ordered":10}', 'not json', '', '[1]', '{"order":"RCN-0001","line":2,"shipped":"-1"}'].join('\n'), 'application/x-ndjson');
    expect(jsonl.statusCode, jsonl.body).toBe(201);
    expect(jsonl.json().malformed).toEqual([
      { line: 2, field: 'row', reason: expect.stringContaining('not JSON') },
      { line: 4, field: 'row', reason: 'must be a JSON object' },
      { line: 5, field: 'shipped', reason: 'must not be negative' },
    ]);
    expect(jsonl.json()).toMatchObject({ rowsRead: 4, malformedRows: 3, snapshotOrders: 1 });
  });

  it('refuses what is not a snapshot: another media type, a CSV without an order column, bytes that are not UTF-8', async () => {
    const json = await post('{"order":"RCN-0001"}', 'application/json');
    expect([json.statusCode, json.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const plain = await post('order\nRCN-0001\n', 'text/plain');
    expect([plain.statusCode, plain.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const header = await post('id,status\nRCN-0001,ACCEPTED\n');
    expect([header.statusCode, header.json().code], header.body).toEqual([400, 'VALIDATION_FAILED']);
    const bytes = await app.inject({ method: 'POST', url: '/v1/reconciliations?system=CRM', headers: { ...submit, 'content-type': 'text/csv' }, payload: Buffer.from([0x6f, 0x72, 0x64, 0x65, 0x72, 0x0a, 0xff, 0xfe, 0x0a]) });
    expect([bytes.statusCode, bytes.json().code]).toEqual([400, 'INVALID_UTF8']);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM reporting.reconciliations WHERE rows_read = 0`);
    expect(rows[0].n).toBe(0);
  });

  it('lists reports newest first by cursor, pages drift rows, and gives them as CSV', async () => {
    const first = await app.inject({ method: 'GET', url: '/v1/reconciliations?system=CRM&limit=2', headers: read });
    expect(first.statusCode).toBe(200);
    const ids = first.json().items.map((r: { id: string }) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(first.json().nextCursor).toEqual(expect.any(String));
    const next = await app.inject({ method: 'GET', url: `/v1/reconciliations?system=CRM&limit=2&cursor=${first.json().nextCursor}`, headers: read });
    expect(Math.max(...next.json().items.map((r: { id: string }) => Number(r.id)))).toBeLessThan(Math.min(...ids));
    const bad = await app.inject({ method: 'GET', url: '/v1/reconciliations?cursor=nope', headers: read });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'INVALID_CURSOR']);
    // The drift counts keep the kinds' names, as the drift rows and POST name them; the malformed rows are in each one's own answer only.
    const whole = (await app.inject({ method: 'GET', url: '/v1/reconciliations?system=CRM&limit=1000', headers: read })).json().items as Record<string, unknown>[];
    for (const listed of whole) {
      expect(Object.keys(listed.drift as object).sort()).toEqual(Object.keys(noDrift).sort());
      expect(listed).not.toHaveProperty('malformed');
    }
    const withMalformed = whole.find((r) => (r.malformedRows as number) > 0)!;
    const alone = (await app.inject({ method: 'GET', url: `/v1/reconciliations/${withMalformed.id as string}?limit=1`, headers: read })).json();
    expect(alone.malformed).toHaveLength(withMalformed.malformedRows as number);
    expect(alone).toMatchObject(withMalformed);

    const listCsv = await app.inject({ method: 'GET', url: '/v1/reconciliations?system=CRM&limit=2', headers: { ...read, accept: 'text/csv' } });
    expect([listCsv.statusCode, listCsv.headers['content-type'], listCsv.headers['next-cursor']]).toEqual([200, expect.stringMatching(/^text\/csv/), first.json().nextCursor]);
    const listed = parse(listCsv.body, { columns: true }) as Record<string, string>[];
    expect(listCsv.body.split('\r\n')[0]).toBe('id,system,format,actor,createdAt,durationMs,rowsRead,malformedRows,snapshotOrders,ledgerOrders,driftedOrders,drift');
    expect(listed.map((r) => r.id)).toEqual(first.json().items.map((r: { id: string }) => r.id));
    expect(listed.map((r) => JSON.parse(r.drift!))).toEqual(first.json().items.map((r: { drift: unknown }) => r.drift));
    expect(listed[0]).toMatchObject({ system: 'CRM', rowsRead: String(first.json().items[0].rowsRead), driftedOrders: String(first.json().items[0].driftedOrders) });

    const { rows: [drifted] } = await db.pool.query(`SELECT id::text FROM reporting.reconciliations WHERE (drift_counts->>'status_mismatch')::int = 1`);
    const page1 = await app.inject({ method: 'GET', url: `/v1/reconciliations/${drifted.id}?limit=3`, headers: read });
    expect(page1.json().items).toHaveLength(3);
    const page2 = await app.inject({ method: 'GET', url: `/v1/reconciliations/${drifted.id}?limit=100&cursor=${page1.json().nextCursor}`, headers: read });
    expect([...page1.json().items, ...page2.json().items].map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const badPage = await app.inject({ method: 'GET', url: `/v1/reconciliations/${drifted.id}?cursor=nope`, headers: read });
    expect(badPage.statusCode).toBe(400);
    const quantities = await app.inject({ method: 'GET', url: `/v1/reconciliations/${drifted.id}?kind=quantity_mismatch`, headers: read });
    expect(quantities.json().items.map((r: { kind: string }) => r.kind)).toEqual(['quantity_mismatch', 'quantity_mismatch', 'quantity_mismatch']);

    const csv = await app.inject({ method: 'GET', url: `/v1/reconciliations/${drifted.id}?limit=100`, headers: { ...read, accept: 'text/csv' } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const csvLines = csv.body.trimEnd().split('\r\n');
    expect(csvLines[0]).toBe('seq,kind,orderRef,orderKey,lineNo,field,ledgerValue,snapshotValue,snapshotLine,ledgerRevision,evidence');
    expect(csvLines).toHaveLength(9);
    expect(csvLines[3]).toMatch(/^3,status_mismatch,RCN-0004,RCN-0004,,status,/);

    const missing = await app.inject({ method: 'GET', url: '/v1/reconciliations/999999', headers: read });
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'RECONCILIATION_NOT_FOUND']);
  });

  it('re-sends only through the integrator of the reconciled system, and only for a report that exists', async () => {
    const { rows: [drifted] } = await db.pool.query(`SELECT id::text FROM reporting.reconciliations WHERE drifted_orders > 0 ORDER BY id DESC LIMIT 1`);
    const none = await app.inject({ method: 'POST', url: '/v1/reconciliations/999999/resend', headers: admin, payload: { reason: 'test' } });
    expect([none.statusCode, none.json().code]).toEqual([404, 'RECONCILIATION_NOT_FOUND']);
    const noIntegrator = await app.inject({ method: 'POST', url: `/v1/reconciliations/${drifted.id}/resend`, headers: admin, payload: { reason: 'test' } });
    expect([noIntegrator.statusCode, noIntegrator.json().code]).toEqual([404, 'INTEGRATOR_NOT_FOUND']);
    const asReader = await app.inject({ method: 'POST', url: `/v1/reconciliations/${drifted.id}/resend`, headers: read, payload: { reason: 'test' } });
    expect(asReader.statusCode).toBe(403);
  });

  it('documents its file format in one header: the CSV header the tests write is the columns the reader knows', async () => {
    const { snapshotColumns } = await import('../../src/reconciliation/snapshotRows.js');
    expect(csvHeader.split(',')).toEqual([...snapshotColumns]);
  });
});

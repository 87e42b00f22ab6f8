import { describe, expect, it } from 'vitest';
import { createReportingApp } from '../projections/support/reportingApp.js';

const { app, db, readKey, adminKey, systemKeys } = await createReportingApp();

function allocation(erpNumber: string, id: string) {
  return app.inject({
    method: 'POST', url: `/v1/orders/erp:${erpNumber}/events`,
    headers: { authorization: `Bearer ${systemKeys.WMS}`, 'content-type': 'application/json' },
    payload: {
      type: 'InventoryAllocated', occurredAt: '2026-11-27T10:00:00Z', sourceDocument: { type: 'Allocation', id },
      data: { lines: [{ lineNo: 1, sku: 'PAPER-A4', uom: 'CS', qty: 10, warehouse: 'DC-EAST' }] },
    },
  });
}

async function breachDetails(): Promise<string[]> {
  const { rows } = await db.pool.query(`SELECT detail FROM reporting.sla_breaches WHERE rule = 'UNMATCHED_WAITING' ORDER BY detail`);
  return rows.map((r: { detail: string }) => r.detail);
}

describe('the unmatched queue, visible', () => {
  it('lists each alias with its waiting transitions, their systems and since when; flags it past the threshold; lets an admin discard it with a reason', async () => {
    expect((await allocation('4500000001', 'AL-1')).statusCode).toBe(202);
    expect((await allocation('4500000001', 'AL-2')).statusCode).toBe(202);
    expect((await allocation('4500000002', 'AL-3')).statusCode).toBe(202);

    const listed = await app.inject({ method: 'GET', url: '/v1/unmatched', headers: { authorization: `Bearer ${readKey}` } });
    expect(listed.statusCode).toBe(200);
    const items = listed.json().items;
    expect(items).toEqual([
      expect.objectContaining({ alias: 'erp:4500000001', transitions: 2, sourceSystems: ['WMS'], types: ['InventoryAllocated'] }),
      expect.objectContaining({ alias: 'erp:4500000002', transitions: 1, sourceSystems: ['WMS'] }),
    ]);
    expect(Date.parse(items[0].waitingSince)).toBeLessThanOrEqual(Date.parse(items[0].lastReceivedAt));

    const auth = { authorization: `Bearer ${readKey}` };
    const first = await app.inject({ method: 'GET', url: '/v1/unmatched?limit=1', headers: auth });
    expect(first.json().items).toEqual([items[0]]);
    const second = await app.inject({ method: 'GET', url: `/v1/unmatched?limit=1&cursor=${first.json().nextCursor}`, headers: auth });
    expect(second.json()).toEqual({ items: [items[1]], nextCursor: null });
    const bad = await app.inject({ method: 'GET', url: '/v1/unmatched?cursor=bm90LW91cnM', headers: auth });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'INVALID_CURSOR']);
    const csv = await app.inject({ method: 'GET', url: '/v1/unmatched', headers: { ...auth, accept: 'text/csv' } });
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('alias,transitions,sourceSystems,types,waitingSince,lastReceivedAt');
    expect(lines[2]).toMatch(/^erp:4500000002,1,/);

    expect(await breachDetails()).toEqual([]);
    await db.pool.query(`UPDATE reporting.sla_rules SET threshold = interval '0' WHERE rule = 'UNMATCHED_WAITING'`);
    expect(await breachDetails()).toEqual(['erp:4500000001 (2 waiting)', 'erp:4500000002 (1 waiting)']);

    const asReader = await app.inject({ method: 'POST', url: '/v1/unmatched/erp:4500000001/discard', headers: { authorization: `Bearer ${readKey}` }, payload: { reason: 'test' } });
    expect(asReader.statusCode).toBe(403);
    const discarded = await app.inject({
      method: 'POST', url: '/v1/unmatched/erp:4500000001/discard', headers: { authorization: `Bearer ${adminKey}` }, payload: { reason: 'order cancelled in the ERP' },
    });
    expect(discarded.statusCode, discarded.body).toBe(200);
    expect(discarded.json()).toEqual({ alias: 'erp:4500000001', discarded: 2 });
    const { rows } = await db.pool.query(`SELECT state, reason, resolved_by FROM ledger.unmatched_transitions WHERE alias_value = '4500000001'`);
    expect(rows).toEqual([
      { state: 'discarded', reason: 'order cancelled in the ERP', resolved_by: expect.stringMatching(/^ADMIN:/) },
      { state: 'discarded', reason: 'order cancelled in the ERP', resolved_by: expect.stringMatching(/^ADMIN:/) },
    ]);
    expect(await breachDetails()).toEqual(['erp:4500000002 (1 waiting)']);
    const again = await app.inject({ method: 'POST', url: '/v1/unmatched/erp:4500000001/discard', headers: { authorization: `Bearer ${adminKey}` }, payload: { reason: 'again' } });
    expect(again.statusCode).toBe(404);
  });
});

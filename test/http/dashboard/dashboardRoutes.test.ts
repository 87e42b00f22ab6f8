import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../src/http/dashboard/dashboardRoutes.js';
import { integratorConfigSchema } from '../../../src/integrations/integratorConfig.js';
import { IntegratorRepository } from '../../../src/integrations/IntegratorRepository.js';
import { waitUntilCaughtUp } from '../../../src/projections/projectionStatus.js';
import { appendOrder } from '../../projections/support/projectionHarness.js';
import { createReportingApp, type ReportingApp } from '../../projections/support/reportingApp.js';
import { happyOrder } from '../../projections/support/scenarios.js';
import { testSecret } from '../../integrations/support/integratorHarness.js';
import { testSecrets } from '../../support/testSecrets.js';

describe('dashboard routes', () => {
  let t: ReportingApp;
  const get = (url: string, headers: Record<string, string> = { authorization: `Bearer ${t.readKey}` }) => t.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    t = await createReportingApp(({ pool, store }) => [dashboardRoutes({ pool, store, livePollMs: 50 })]);
    await appendOrder(t.store, 'D-1', happyOrder('D-1').events);
    await waitUntilCaughtUp(t.runner);
  });

  it('serves the page at /dashboard and at an order\'s address, loading nothing from elsewhere', async () => {
    for (const url of ['/dashboard', '/dashboard/orders/D-1']) {
      const page = await get(url, {});
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.body.match(/(?:src|href)="[^"]*"/g)?.every((attr) => /="\/dashboard/.test(attr))).toBe(true);
    }
  });

  it('serves its scripts and the charting library from the installed package, and nothing else', async () => {
    const chart = await get('/dashboard/assets/chart.umd.min.js', {});
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain('Chart.js');
    expect((await get('/dashboard/assets/main.js', {})).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get('/dashboard/assets/..%2F..%2Fpackage.json', {})).statusCode).toBe(404);
    expect((await get('/dashboard/assets/index.html', {})).statusCode).toBe(404);
  });

  it('gives a read key the verified timeline without payloads, and a 404 for an unknown order', async () => {
    const response = await get('/v1/reports/orders/D-1/timeline');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.verification).toEqual({ ok: true, checked: happyOrder('D-1').events.length });
    expect(body.events[0]).toMatchObject({ revision: 0, type: 'OrderReceived', system: { kind: 'CRM' } });
    // docs/roles.md: who, which system, when, correlation and source document; payloads, hashes and cross-order search stay audit.
    expect(Object.keys(body.events[0]).sort()).toEqual(['actor', 'correlationId', 'occurredAt', 'recordedAt', 'revision', 'sourceDocument', 'system', 'type']);
    expect(body.events[0].correlationId).toEqual(expect.any(String));
    expect((await get('/v1/orders/D-1/history')).statusCode).toBe(403);
    expect((await get(`/v1/correlations/${body.events[0].correlationId}`)).statusCode).toBe(403);
    expect((await get('/v1/reports/orders/NOPE/timeline')).statusCode).toBe(404);
  });

  it('pages the timeline: every event once, in order, with the whole chain verified on each page', async () => {
    const revisions: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/v1/reports/orders/D-1/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      expect(page.json().verification).toEqual({ ok: true, checked: happyOrder('D-1').events.length });
      revisions.push(...page.json().events.map((e: { revision: number }) => e.revision));
      cursor = page.json().nextCursor;
    } while (cursor !== null);
    expect(revisions).toEqual(happyOrder('D-1').events.map((_, i) => i));
    const refused = await get('/v1/reports/orders/D-1/timeline?cursor=bm9wZQ');
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'INVALID_CURSOR']);
  });

  /** The timeline as CSV in two pages (the second by the first's Next-Cursor header), rows parsed by their header. */
  async function timelineCsv(orderKey: string, events: number) {
    const limit = Math.ceil(events / 2);
    const first = await get(`/v1/reports/orders/${orderKey}/timeline?limit=${limit}`, { authorization: `Bearer ${t.readKey}`, accept: 'text/csv' });
    expect([first.statusCode, first.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/csv/)]);
    expect(first.headers['next-cursor']).toEqual(expect.any(String));
    const second = await get(`/v1/reports/orders/${orderKey}/timeline?limit=${limit}&cursor=${String(first.headers['next-cursor'])}`, { authorization: `Bearer ${t.readKey}`, accept: 'text/csv' });
    expect(second.headers['next-cursor']).toBeUndefined();
    expect(first.body.split('\r\n')[0]).toBe('revision,type,system,actor,occurredAt,recordedAt,correlationId,sourceDocument,chainVerified,chainLink');
    return [first, second].flatMap((page) => parse(page.body, { columns: true }) as Record<string, string>[]);
  }

  it('gives the timeline as CSV, every row carrying the whole chain\'s verdict and its own link', async () => {
    const events = happyOrder('D-1').events.length;
    const rows = await timelineCsv('D-1', events);
    expect(rows.map((r) => Number(r.revision))).toEqual([...Array(events).keys()]);
    expect(rows.every((r) => r.chainVerified === 'true' && r.chainLink === 'ok')).toBe(true);
    expect(JSON.parse(rows[0]!.system!)).toMatchObject({ kind: 'CRM' });
  });

  it('marks a tampered timeline\'s rows as the history\'s CSV marks them: ok before the broken link, its reason on it, unverified after, across pages', async () => {
    const events = happyOrder('D-T').events.length;
    await appendOrder(t.store, 'D-T', happyOrder('D-T').events);
    const broken = Math.ceil(events / 2) + 1; // the second row of the second page: its index counts from the start of the stream
    await t.db.owner.query('ALTER TABLE ledger.events DISABLE TRIGGER USER');
    await t.db.owner.query(`UPDATE ledger.events SET data = data || '{"forged": true}' WHERE stream_id = 'order-D-T' AND revision = $1`, [broken]);
    await t.db.owner.query('ALTER TABLE ledger.events ENABLE TRIGGER USER');
    const rows = await timelineCsv('D-T', events);
    expect(rows.every((r) => r.chainVerified === 'false')).toBe(true);
    expect(rows.map((r) => r.chainLink)).toEqual([...Array(events).keys()].map((i) => (i < broken ? 'ok' : i === broken ? 'HASH_MISMATCH' : 'unverified')));
    const history = await get('/v1/orders/D-T/history', { authorization: `Bearer ${t.adminKey}`, accept: 'text/csv' });
    const audited = parse(history.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.revision, r.chainVerified, r.chainLink])).toEqual(audited.map((r) => [r.revision, r.chainVerified, r.chainLink]));
  });

  it('refuses the live stream without a key', async () => {
    expect((await get('/v1/dashboard/live', {})).statusCode).toBe(401);
  });

  it('streams a hello with the latest events, then a change when the read models move or an integrator delivers', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/dashboard/live`, { headers: { authorization: `Bearer ${t.readKey}` }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += (await reader.read()).value ?? '';
    };
    await until(/event: hello\nid: .*\ndata: .*\n\n/);
    expect(text).toContain('"orderKey":"D-1"');
    await appendOrder(t.store, 'D-2', happyOrder('D-2').events);
    await until(/event: changed\nid: .*\ndata: .*"D-2".*\n\n/);
    // An integrator's delivery moves the sync figures without a new event: a change with no events.
    await new IntegratorRepository(t.db.pool, testSecrets).upsert(integratorConfigSchema.parse({ name: 'erp-hook', url: 'http://127.0.0.1:9/x', secret: testSecret }), 'api');
    const head = await t.store.headPosition();
    await t.db.pool.query("UPDATE integration.integrator_checkpoints SET position = $1 WHERE name = 'erp-hook'", [head]);
    text = '';
    await until(/event: changed\nid: .*\ndata: \{"position":"[^"]*","events":\[\]\}\n\n/);
    controller.abort();
  });
});

import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../src/http/dashboard/dashboardRoutes.js';
import { syncRoutes } from '../../../src/http/sync/syncRoutes.js';
import { orderStreamId } from '../../../src/eventstore/streams.js';
import { waitUntilCaughtUp } from '../../../src/projections/projectionStatus.js';
import { generateDay } from '../../../src/simulator/generateDay.js';
import { submitDay } from '../../../src/simulator/submitDay.js';
import { createReportingApp, type ReportingApp } from '../../projections/support/reportingApp.js';
import { chromiumPath, launchChromium } from '../../support/chromium.js';
import { testSecrets } from '../../support/testSecrets.js';

const screenshotPath = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'order-ledger-dashboard.png');
const dayMs = 86_400_000;

/** GET /v1/sync's figures of one system, as the sync panel's rows carry them. */
const syncFigures = ({ state, orders, inStep, behind, failing, valueAtRisk, oldestGapSince, lastReflectedAt }: Record<string, unknown>) =>
  ({ state, orders, inStep, behind, failing, valueAtRisk, oldestGapSince, lastReflectedAt });

/** The value at a dotted path of the summary, as the page's `data-figure` names it. */
const at = (summary: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], summary);

// Without a browser the suite still runs on a workstation; CI (which installs one) fails instead of skipping.
describe.skipIf(!existsSync(chromiumPath) && process.env.CI !== 'true')('the dashboard in a real browser', () => {
  let t: ReportingApp;
  let url: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const summary = async (query = '') => (await t.app.inject({ method: 'GET', url: `/v1/reports/summary${query}`, headers: { authorization: `Bearer ${t.readKey}` } })).json();
  const figuresOnPage = () => page.$$eval('[data-figure]', (els) => els.map((e) => [e.getAttribute('data-figure')!, JSON.parse(e.getAttribute('data-value')!)] as [string, unknown]));
  const syncOnPage = () => page.$$eval('#panel-sync tr[data-sync]', (els) => els.map((e) => [e.getAttribute('data-sync'), JSON.parse(e.getAttribute('data-value')!), e.getAttribute('data-currency')] as [string, Record<string, unknown>, string]));
  const syncExpected = async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/v1/sync', headers: { authorization: `Bearer ${t.readKey}` } })).json();
    return (body.items as Record<string, unknown>[]).map((s) => [`${s.kind}:${s.system}`, syncFigures(s), body.currency]);
  };
  /** Three consumers acknowledge: one everything (in step), one part of some orders (behind), one rejects an event (failing). */
  const acknowledge = async () => {
    const { rows } = await t.db.pool.query<{ order_key: string }>('SELECT order_key FROM reporting.crm_orders ORDER BY order_key');
    const eventIds = async (orderKey: string) => {
      const ids: string[] = [];
      for await (const e of t.store.readStream(orderStreamId(orderKey))) ids.push(e.id);
      return ids;
    };
    const ack = (consumer: string, orderKey: string, ids: string[], outcome = 'ACCEPTED') => ({
      orderRef: orderKey, type: 'IntegrationAcknowledged', occurredAt: new Date().toISOString(), sourceDocument: { type: 'Receipt', id: `${consumer}-${orderKey}` },
      data: { consumer, eventIds: ids, outcome, ackAt: new Date().toISOString() },
    });
    const items = [];
    for (const [i, { order_key: key }] of rows.entries()) {
      const ids = await eventIds(key);
      items.push(ack('bi-warehouse', key, ids));
      if (i % 3 === 0) items.push(ack('crm-app', key, i % 2 === 0 ? ids : ids.slice(0, 1)));
      if (i === 5) items.push(ack('erp-status', key, ids.slice(-1), 'REJECTED'));
      if (i > 5 && i < 15) items.push(ack('erp-status', key, ids));
    }
    for (let i = 0; i < items.length; i += 500) {
      const response = await fetch(`${url}/v1/batches`, {
        method: 'POST', headers: { authorization: `Bearer ${t.systemKeys.CRM}`, 'content-type': 'application/json' }, body: JSON.stringify({ items: items.slice(i, i + 500) }),
      });
      expect(((await response.json()) as { counts: unknown }).counts, 'acknowledgements').toMatchObject({ accepted: Math.min(500, items.length - i) });
    }
    await waitUntilCaughtUp(t.runner);
  };

  beforeAll(async () => {
    expect(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: apt-get install -y chromium`).toBe(true);
    t = await createReportingApp(({ pool, store, orders }) => [dashboardRoutes({ pool, store, livePollMs: 200 }), syncRoutes({ pool, store, orders, secrets: testSecrets })]);
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // A seeded day in the last week, cut at now so some orders are still open.
    const start = new Date(Math.floor((Date.now() - 6 * dayMs) / dayMs) * dayMs);
    const day = [...generateDay({ orders: 120, seed: 42, days: 2, start, cutoff: new Date() })];
    expect((await submitDay(day, { url, keys: t.systemKeys, concurrency: 6 })).serverErrors).toBe(0);
    await waitUntilCaughtUp(t.runner);
    await acknowledge();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('request', (request) => requested.push(request.url()));
  }, 180_000);
  afterAll(async () => browser?.close());

  it('signs in with a read key and shows the same figures as the summary endpoint', async () => {
    await page.goto(`${url}/dashboard`);
    await page.locator('#sign-in').waitFor();
    await page.fill('input[name=key]', 'olk_not_a_key');
    await page.click('#sign-in-form button');
    await expect.poll(() => page.textContent('#sign-in-error')).toContain('not known');
    await page.fill('input[name=key]', t.readKey);
    const started = Date.now();
    await page.click('#sign-in-form button');
    await page.locator('[data-figure="fillRate.lineFillRate"]').waitFor();
    const loadMs = Date.now() - started;
    const expected = await summary();
    const figures = await figuresOnPage();
    expect(figures.length).toBeGreaterThanOrEqual(12);
    for (const [path, value] of figures) expect(value, path).toEqual(at(expected, path));
    expect(expected.orders.received).toBeGreaterThan(100);
    expect(expected.backlog.lines).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(3000);
    await page.locator('#activity li').first().waitFor();
    console.log(`dashboard overview shown ${loadMs} ms after sign-in`);
  });

  it('shows each downstream system in step, behind or failing, with the value at risk and since when, as GET /v1/sync does', async () => {
    const expected = await syncExpected();
    expect(expected.map(([, f]) => (f as { state: string }).state).sort()).toEqual(['behind', 'failing', 'in_step']);
    expect(await syncOnPage()).toEqual(expected);
    const failing = page.locator('#panel-sync tr[data-sync="consumer:erp-status"]');
    expect(await failing.textContent()).toMatch(/failing.*USD/);
  });

  it('keeps filters in the URL, and the filtered figures equal the endpoint\'s', async () => {
    await page.fill('input[name=warehouse]', 'DC-EAST');
    await page.selectOption('select[name=channel]', 'EDI');
    await page.click('#filters button[type=submit]');
    await page.waitForURL(/warehouse=DC-EAST/);
    await page.reload();
    await page.locator('[data-figure]').first().waitFor();
    expect(await page.inputValue('input[name=warehouse]')).toBe('DC-EAST');
    expect(await page.inputValue('select[name=channel]')).toBe('EDI');
    const expected = await summary('?warehouse=DC-EAST&channel=EDI');
    expect(expected.fillRate.lines).toBeLessThan((await summary()).fillRate.lines);
    for (const [path, value] of await figuresOnPage()) expect(value, path).toEqual(at(expected, path));
    await page.click('#clear-filters');
    await page.waitForURL(/\/dashboard$/);
  });

  /** The order of the first exception or SLA breach on the overview, by its link's target (the panels may be drawn again meanwhile). */
  const firstOrderLinked = async (): Promise<string> => {
    const href = (await page.locator('#panel-sla-breaches a[data-link], #panel-exceptions a[data-link]').first().getAttribute('href'))!;
    return decodeURIComponent(href.slice('/dashboard/orders/'.length));
  };

  it('follows an order to its verified history', async () => {
    const orderKey = await firstOrderLinked();
    await page.locator(`a[data-link][href="/dashboard/orders/${orderKey}"]`).first().click();
    await page.waitForURL(new RegExp(`/dashboard/orders/${orderKey}$`));
    await page.locator('#timeline li').first().waitFor();
    let events = 0;
    for await (const _ of t.store.readStream(orderStreamId(orderKey))) events++;
    expect(await page.locator('#timeline li').count()).toBe(events);
    expect(await page.textContent('#chain')).toContain(`verified (${events} events)`);
    expect(await page.locator('#timeline li').first().getAttribute('data-type')).toBe('OrderReceived');
    expect(await page.locator('#timeline .correlation').count()).toBeGreaterThan(0);
    const order = (await t.app.inject({ method: 'GET', url: `/v1/orders/${orderKey}`, headers: { authorization: `Bearer ${t.readKey}` } })).json();
    expect(await page.textContent('#order-status')).toBe(order.displayStatus);
    await page.goBack();
    await page.locator('[data-figure]').first().waitFor();
  });

  /**
   * Runs `act` with the overview's summary requests held; `letGo` lets them
   * through, waits for one to be answered and gives a late view time to be drawn.
   */
  const withSummaryHeld = async (act: (letGo: () => Promise<void>) => Promise<void>): Promise<void> => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route('**/v1/reports/summary*', async (route) => { await held; await route.continue(); });
    const answered = page.waitForResponse((r) => r.url().includes('/v1/reports/summary'));
    answered.catch(() => undefined);
    try {
      await act(async () => {
        release();
        await answered;
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
      });
    } finally {
      release();
      await page.unroute('**/v1/reports/summary*');
    }
  };

  it('keeps the order a click opened when the overview it left answers later', async () => {
    await withSummaryHeld(async (letGo) => {
      // Back to the overview as the browser's back button would go (the page's code runs it, not this file's types).
      await page.evaluate("history.pushState(null, '', '/dashboard'); dispatchEvent(new PopStateEvent('popstate'))");
      const orderKey = await firstOrderLinked();
      await page.locator(`a[data-link][href="/dashboard/orders/${orderKey}"]`).first().click();
      await page.waitForURL(new RegExp(`/dashboard/orders/${orderKey}$`));
      await page.locator('#timeline li').first().waitFor();
      await letGo();
      expect(await page.locator('#timeline li').count()).toBeGreaterThan(0);
      expect(await page.locator('#panel-exceptions').count()).toBe(0);
    });
    await page.goBack();
    await page.locator('[data-figure]').first().waitFor();
  });

  it('shows nothing a signed-out key had asked for, even when it answers after the sign-out', async () => {
    await withSummaryHeld(async (letGo) => {
      await page.click('#clear-filters');
      await page.click('#sign-out');
      await page.locator('#sign-in').waitFor();
      await letGo();
      expect(await page.locator('#sign-in').isVisible()).toBe(true);
      expect(await page.locator('[data-figure]').count()).toBe(0);
    });
    await page.fill('input[name=key]', t.readKey);
    await page.click('#sign-in-form button');
    await page.locator('[data-figure]').first().waitFor();
  });

  it('shows a new submission live, without a reload', async () => {
    const figure = page.locator('[data-figure="orders.received"]');
    const before = JSON.parse((await figure.getAttribute('data-value'))!) as number;
    const orderKey = `LIVE-${Date.now()}`;
    const response = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.systemKeys.ECOMMERCE}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        orderKey, occurredAt: new Date().toISOString(), sourceDocument: { type: 'WebOrder', id: orderKey },
        data: {
          channel: 'ECOMMERCE', channelOrderId: orderKey, customerPO: `PO-${orderKey}`, soldTo: { id: 'C-LIVE' }, shipTo: { id: 'C-LIVE' },
          billTo: { id: 'C-LIVE' }, currency: 'USD', lines: [{ lineNo: 1, sku: 'PAPER-A4', uom: 'CS', qty: 3, unitNetPrice: { amount: 24.5, currency: 'USD' } }],
        },
      }),
    });
    expect(response.status).toBe(201);
    await page.locator(`#activity li[data-order="${orderKey}"]`).waitFor({ timeout: 15_000 });
    await expect.poll(async () => JSON.parse((await figure.getAttribute('data-value'))!), { timeout: 15_000 }).toBe(before + 1);
    // Every consumer is now due the new order: the one that was in step is behind, on the page as in GET /v1/sync.
    await expect.poll(async () => (await syncOnPage()).find(([system]) => system === 'consumer:bi-warehouse')?.[1].state, { timeout: 15_000 }).toBe('behind');
    expect(await syncOnPage()).toEqual(await syncExpected());
  });

  it('loads everything from the service itself (works offline, no CDN)', () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.filter((u) => !u.startsWith(url))).toEqual([]);
  });

  it('saves a screenshot of the overview', async () => {
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect((await stat(screenshotPath)).size).toBeGreaterThan(20_000);
  });
});

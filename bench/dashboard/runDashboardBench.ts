/**
 * `npm run bench -- dashboard`: a simulated week (five business days at the
 * demo's 2,000 orders a day; BENCH_DASHBOARD_ORDERS_PER_DAY, 200 with
 * --quick) submitted through the API of the service in a process of its own,
 * its projections caught up; then, in Debian's headless Chromium driven by
 * Playwright, the overview and order pages loaded again and again, each timed
 * from navigation start until its figures are on the page, and the summary
 * endpoint timed from here. Target: a page loads in under a second.
 */
import pg from 'pg';
import type { Figure } from '../harness/results.js';
import { missedBy } from '../harness/readme.js';
import type { SectionContext, SectionOutput } from '../harness/section.js';
import { spreadOf } from '../harness/stats.js';
import { benchKeys } from '../http/benchKeys.js';
import { spawnBenchService } from '../http/spawnBenchService.js';
import { loadBreakdown } from './loadBreakdown.js';
import { seedWeek } from './seedWeek.js';
import { chromiumVersion, launchChromium } from '../../test/support/chromium.js';
import { signIn, timeLoad, type PageLoad } from './timePageLoads.js';

const target = { value: 1000, text: '< 1 s', lowerIsBetter: true } as const;

export async function runDashboardBench(context: SectionContext): Promise<SectionOutput> {
  const { quick, repetitions } = context.plan;
  const ordersPerDay = Number(process.env.BENCH_DASHBOARD_ORDERS_PER_DAY ?? (quick ? 200 : 2000));
  if (!Number.isInteger(ordersPerDay) || ordersPerDay < 10) throw new RangeError('BENCH_DASHBOARD_ORDERS_PER_DAY must be a whole number of at least 10');
  const loadsPerRepetition = quick ? 3 : 10;
  const database = await context.server.createDatabase('dashboard', { migrated: true });
  const { keys, reader } = await benchKeys(database.url);
  const service = await spawnBenchService({ databaseUrl: database.url });
  const browser = await launchChromium();
  try {
    const week = await seedWeek({ url: service.url, keys, reader, ordersPerDay, log: context.log });
    const { events, orderKeys } = await settle(database.url, repetitions * loadsPerRepetition);
    context.log(`  ${events.toLocaleString('en-US')} events, caught up ${Math.round(week.catchUpSeconds)} s after the last submission; timing in ${browser.version()}`);
    const overview: PageLoad[] = [];
    const order: PageLoad[] = [];
    const summaryMs: number[] = [];
    let summaryBytes = 0;
    for (let run = 0; run < repetitions; run++) {
      const { context: tab, page } = await signIn(browser, service.url, reader);
      for (let i = 0; i < loadsPerRepetition; i++) overview.push(await timeLoad(page, `${service.url}/dashboard`, 'overview'));
      for (const key of orderKeys.slice(run * loadsPerRepetition, (run + 1) * loadsPerRepetition)) {
        order.push(await timeLoad(page, `${service.url}/dashboard/orders/${encodeURIComponent(key)}`, 'order'));
      }
      await tab.close();
      for (let i = 0; i < loadsPerRepetition; i++) {
        const started = performance.now();
        const response = await fetch(`${service.url}/v1/reports/summary`, { headers: { authorization: `Bearer ${reader}` } });
        summaryBytes = (await response.arrayBuffer()).byteLength;
        if (response.status !== 200) throw new Error(`GET /v1/reports/summary answered ${response.status}`);
        summaryMs.push(performance.now() - started);
      }
      const last = (loads: PageLoad[]) => Math.round(loads.at(-1)!.shownMs);
      context.log(`  run ${run + 1}: overview ${last(overview)} ms, order page ${last(order)} ms, summary ${Math.round(summaryMs.at(-1)!)} ms (the last of ${loadsPerRepetition} each)`);
    }
    const figures = [
      ...pageFigures('overview', 'overview page (/dashboard), navigation start to the key figures on the page', overview, repetitions),
      ...pageFigures('order', 'order page (/dashboard/orders/{key}), navigation start to its history on the page', order, repetitions),
      { key: 'dashboard.summary', work: 'GET /v1/reports/summary (the overview\'s default: last 30 days, no filter), answered in full', concurrency: '1 client', unit: 'ms', value: spreadOf(summaryMs.map(Math.round)) },
    ];
    for (const figure of figures.filter((f) => f.target)) {
      const missed = missedBy(figure.value.median, figure.target!);
      context.log(`  ${missed ? '✗' : '✓'} ${figure.work}: ${Math.round(figure.value.median)} ms, target ${figure.target!.text}${missed ? ` missed: ${missed} (${Math.round(figure.value.median - figure.target!.value)} ms too slow)` : ''}`);
    }
    const breakdown = [loadBreakdown('Overview', overview), loadBreakdown('Order page', order)];
    for (const line of breakdown) context.log(`  ${line}`);
    const s = week.summary;
    return {
      figures,
      notes: [
        `The week: ${week.orders.toLocaleString('en-US')} orders (${ordersPerDay.toLocaleString('en-US')} a day, the demo's default, over 5 business days from ${week.start.toISOString().slice(0, 10)}, seed 1, cut at now so some are still open), generated by src/simulator and submitted through POST /v1/batches (8 senders × 100 orders): ${s.submitted.toLocaleString('en-US')} submissions, ${s.accepted.toLocaleString('en-US')} accepted, ${s.duplicates.toLocaleString('en-US')} duplicates, ${s.unmatched.toLocaleString('en-US')} parked, in ${Math.round(s.wallSeconds)} s; ${events.toLocaleString('en-US')} events in the log, every projection caught up (${Math.round(week.catchUpSeconds)} s after the last submission), then VACUUM ANALYZE.`,
        `The service (startService, as \`npm start\` runs it, projections on) ran in a Node process of its own on the run's PostgreSQL; the browser was ${chromiumVersion(browser)}, one tab of 1400×1000. Each repetition signs in in a fresh browser context (empty cache) and loads the overview ${loadsPerRepetition} times and ${loadsPerRepetition} different orders' pages (full navigations; the key stays in the tab's session), then times the summary endpoint ${loadsPerRepetition} times from the bench process (${Math.round(summaryBytes / 1024)} KB of JSON).`,
        'A page load is timed in the page: from its navigation start (performance.timeOrigin) until a MutationObserver installed before the page\'s scripts saw the element the browser test waits for ([data-figure="fillRate.lineFillRate"] on the overview, #timeline li on an order page). "p50" is the median of every load, its spread min–max; "slowest" is the median and spread of each repetition\'s slowest load.',
        ...breakdown,
      ],
    };
  } finally {
    await browser.close();
    await service.stop();
    await database.drop();
  }
}

function pageFigures(name: string, work: string, loads: readonly PageLoad[], repetitions: number): Figure[] {
  const per = loads.length / repetitions;
  const slowest = Array.from({ length: repetitions }, (_, run) => Math.max(...loads.slice(run * per, (run + 1) * per).map((l) => l.shownMs)));
  const concurrency = '1 browser tab';
  return [
    { key: `dashboard.${name}`, work: `${work}: p50 of ${loads.length} loads`, concurrency, unit: 'ms', value: spreadOf(loads.map((l) => Math.round(l.shownMs))), target },
    { key: `dashboard.${name}.slowest`, work: `${work}: slowest of each repetition's ${per}`, concurrency, unit: 'ms', value: spreadOf(slowest.map(Math.round)), target },
  ];
}

/** Statistics fresh for the planner, as they would be on a database a week old; the log's size and the orders to open, spread over the week. */
async function settle(url: string, orders: number): Promise<{ events: number; orderKeys: string[] }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query('VACUUM ANALYZE');
    const { rows: [count] } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ledger.events');
    const { rows } = await pool.query<{ order_key: string }>('SELECT order_key FROM reporting.crm_orders ORDER BY md5(order_key) LIMIT $1', [orders]);
    if (rows.length < orders) throw new Error(`only ${rows.length} orders in reporting.crm_orders, ${orders} wanted`);
    return { events: Number(count!.n), orderKeys: rows.map((r) => r.order_key) };
  } finally {
    await pool.end();
  }
}

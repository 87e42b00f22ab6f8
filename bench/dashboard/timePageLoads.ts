import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What the browser saw of one page load, in ms from its navigation start. */
export interface PageLoad {
  /** The page's figures were in the document: the moment the browser test waits for. */
  readonly shownMs: number;
  /** The same from this process: `goto` called until it saw them (adds the DevTools round trips). */
  readonly wallMs: number;
  readonly documentMs: number;
  readonly domContentLoadedMs: number;
  /** Main-thread tasks over 50 ms before the figures were shown, summed. */
  readonly longTasksMs: number;
  readonly requests: readonly RequestTiming[];
}

export interface RequestTiming {
  /** The path, with an order key written as `{key}`. */
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
  /** From the request sent to its first byte: the server's time (and the wire's). */
  readonly waitMs: number;
  readonly bytes: number;
}


/** What each page draws last: the overview's key figures, the order page's history. */
export const shownWhen = { overview: '[data-figure="fillRate.lineFillRate"]', order: '#timeline li' } as const;

// Runs in the page before its own scripts: notes when each watched element first appears, and the long tasks.
const watcher = `(() => {
  const marks = { longTasks: [] };
  window.__pageLoad = marks;
  const watched = ${JSON.stringify(Object.entries(shownWhen))};
  const check = () => { for (const [name, selector] of watched) if (marks[name] === undefined && document.querySelector(selector)) marks[name] = performance.now(); };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  try { new PerformanceObserver((list) => { for (const e of list.getEntries()) marks.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true }); } catch {}
})();`;

const collect = (mark: keyof typeof shownWhen) => `(() => {
  const marks = window.__pageLoad;
  const nav = performance.getEntriesByType('navigation')[0];
  const requests = performance.getEntriesByType('resource').map((r) => {
    const url = new URL(r.name);
    return { path: url.pathname, status: url.searchParams.get('status'), startMs: r.startTime, endMs: r.responseEnd, waitMs: r.responseStart - r.requestStart, bytes: r.encodedBodySize };
  });
  const shownMs = marks[${JSON.stringify(mark)}];
  const longTasksMs = marks.longTasks.filter(([start]) => start < shownMs).reduce((sum, [, d]) => sum + d, 0);
  return { shownMs, documentMs: nav.responseEnd, domContentLoadedMs: nav.domContentLoadedEventEnd, longTasksMs, requests };
})()`;

const labelOf = (path: string, status: string | null) =>
  path.replace(/^\/v1\/orders\/[^/]+/, '/v1/orders/{key}').replace(/^\/v1\/reports\/orders\/[^/]+/, '/v1/reports/orders/{key}') + (status ? `?status=${status}` : '');

/** A fresh browser context (empty cache and session) signed in to the dashboard with `key`, as a person does. */
export async function signIn(browser: Browser, url: string, key: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript({ content: watcher });
  const page = await context.newPage();
  await page.goto(`${url}/dashboard`);
  await page.fill('input[name=key]', key);
  await page.click('#sign-in-form button');
  await page.locator(shownWhen.overview).waitFor({ timeout: 60_000 });
  return { context, page };
}

/** Navigates the signed-in page to `url` (a full load: the key stays in the tab's session) and times it until `mark` is shown. */
export async function timeLoad(page: Page, url: string, mark: keyof typeof shownWhen): Promise<PageLoad> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  // A function, not a string: the page's CSP forbids eval.
  await page.waitForFunction((name) => (globalThis as { __pageLoad?: Record<string, unknown> }).__pageLoad?.[name] !== undefined, mark, { timeout: 60_000, polling: 10 });
  const wallMs = performance.now() - started;
  const seen = (await page.evaluate(collect(mark))) as Omit<PageLoad, 'wallMs' | 'requests'> & { requests: (Omit<RequestTiming, 'label'> & { path: string; status: string | null })[] };
  const requests = seen.requests.map(({ path, status, ...timing }) => ({ ...timing, label: labelOf(path, status) }));
  return { ...seen, wallMs, requests };
}

/**
 * First page load in a real browser (Debian's Chromium through playwright-core): log in, then open the park
 * overview in a fresh browser context (empty cache, session cookie set) and time it until its KPI numbers are on
 * screen; then the same with a warm cache, and the log-in itself (submit → KPI numbers).
 */
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_LOGINS } from '../src/server/demo-users.ts';
import { fmt, log, renderTable } from './common.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/browser/browser.ts';

const RUNS = 5;

export interface PageLoadResult {
  /** Fresh context (no cache, session cookie set) → KPI numbers visible, each run. */
  coldMs: number[];
  /** Same context again (cached assets). */
  warmMs: number[];
  /** Login form visible, from a fresh context with no session. */
  loginFormMs: number;
  /** Clicking "log in" → KPI numbers visible. */
  loginToKpiMs: number;
  /** DOMContentLoaded of the cold runs (median). */
  domContentLoadedMs: number;
  /** Bytes transferred on a cold load: scripts and styles, and the API answers. */
  assetBytes: number;
  apiBytes: number;
  /** The slowest API request of a cold load (median over the runs). */
  slowestApiMs: number;
  slowestApi: string;
  /** The first cold load: request, start, end (ms after navigation start), KiB. */
  timeline: string[][];
}

const KPI = '[data-testid="kpi-total-tce-value"]';

/** Waits until the overview's KPI numbers are rendered: the total and every carrier card show a number. */
async function kpisVisible(page: Page): Promise<void> {
  await page.waitForSelector(KPI, { state: 'visible', timeout: 60_000 });
  // Browser-side code is passed as text: this file is compiled without the DOM library.
  await page.waitForFunction(
    `(() => {
      const values = [...document.querySelectorAll('[data-testid^="kpi-"][data-testid$="-value"]')];
      return values.length >= 2 && values.every((v) => /\\d/.test(v.textContent || ''));
    })()`,
    undefined,
    { timeout: 60_000 },
  );
}

async function timedOverview(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await kpisVisible(page);
  return performance.now() - started;
}

/** What the page fetched and when (ms after navigation start), and when the KPIs were seen: where a load's time goes. */
async function timeline(page: Page): Promise<string[][]> {
  const entries = await page.evaluate<{ name: string; start: number; end: number; bytes: number }[]>(`(() => {
    const at = (u) => { const x = new URL(u); return x.pathname + x.search; };
    return [
      ...performance.getEntriesByType('navigation').map((e) => ({ name: at(e.name), start: 0, end: e.responseEnd, bytes: e.transferSize })),
      ...performance.getEntriesByType('resource').map((e) => ({ name: at(e.name), start: e.startTime, end: e.responseEnd, bytes: e.transferSize })),
      { name: '(KPI numbers seen)', start: performance.now(), end: performance.now(), bytes: 0 },
    ];
  })()`);
  return entries
    .sort((a, b) => a.start - b.start)
    .map((e) => [e.name.slice(0, 70), fmt(e.start), fmt(e.end), fmt(e.bytes / 1024, 1)]);
}

interface ResourceFigures {
  domContentLoadedMs: number;
  assetBytes: number;
  apiBytes: number;
  slowestApiMs: number;
  slowestApi: string;
}

async function resourceFigures(page: Page): Promise<ResourceFigures> {
  return page.evaluate<ResourceFigures>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const api = resources.filter((r) => r.name.includes('/api/'));
    const slowest = api.reduce((a, r) => (!a || r.duration > a.duration ? r : a), undefined);
    const at = (u) => new URL(u).pathname + new URL(u).search;
    return {
      domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : NaN,
      assetBytes: (nav ? nav.transferSize : 0) +
        resources.filter((r) => !r.name.includes('/api/')).reduce((s, r) => s + r.transferSize, 0),
      apiBytes: api.reduce((s, r) => s + r.transferSize, 0),
      slowestApiMs: slowest ? slowest.duration : NaN,
      slowestApi: slowest ? at(slowest.name) : '',
    };
  })()`);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function pageLoadBench(
  baseUrl: string,
  parkId: string,
  period: string,
): Promise<PageLoadResult> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
  const admin = DEMO_LOGINS.find((l) => l.username === 'admin')!;
  const overviewUrl = `${baseUrl}/#/${parkId}/overview?period=${period}`;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  try {
    // Log in through the form, as a user does.
    const first = await browser.newContext();
    contexts.push(first);
    const page = await first.newPage();
    const t0 = performance.now();
    await page.goto(overviewUrl, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid="login-form"]', { state: 'visible', timeout: 60_000 });
    const loginFormMs = performance.now() - t0;
    await page.fill('[data-testid="login-username"]', admin.username);
    await page.fill('[data-testid="login-password"]', admin.password);
    const t1 = performance.now();
    await page.click('[data-testid="login-submit"]');
    await kpisVisible(page);
    const loginToKpiMs = performance.now() - t1;
    const state = await first.storageState();

    const coldMs: number[] = [];
    const warmMs: number[] = [];
    const figures: ResourceFigures[] = [];
    let firstTimeline: string[][] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ storageState: state });
      contexts.push(context);
      const p = await context.newPage();
      coldMs.push(await timedOverview(p, overviewUrl));
      if (i === 0) firstTimeline = await timeline(p);
      figures.push(await resourceFigures(p));
      // Warm: a new tab in the same context, so the assets come from its cache.
      const again = await context.newPage();
      warmMs.push(await timedOverview(again, overviewUrl));
      await context.close();
    }
    const result: PageLoadResult = {
      coldMs,
      warmMs,
      loginFormMs,
      loginToKpiMs,
      domContentLoadedMs: median(figures.map((f) => f.domContentLoadedMs)),
      assetBytes: median(figures.map((f) => f.assetBytes)),
      apiBytes: median(figures.map((f) => f.apiBytes)),
      slowestApiMs: median(figures.map((f) => f.slowestApiMs)),
      slowestApi: figures[0]?.slowestApi ?? '',
      timeline: firstTimeline,
    };
    log(
      `\n[page] first page load in Chromium (${period} overview, until the KPI numbers are visible; target < 2 s):\n` +
        renderTable(
          ['measure', 'median ms', 'max ms'],
          [
            ['cold: fresh context, logged in → KPIs', fmt(median(coldMs)), fmt(Math.max(...coldMs))],
            ['warm: cached assets → KPIs', fmt(median(warmMs)), fmt(Math.max(...warmMs))],
            ['log-in form visible (no session)', fmt(loginFormMs), ''],
            ['log-in submit → KPIs', fmt(loginToKpiMs), ''],
            ['cold DOMContentLoaded', fmt(result.domContentLoadedMs), ''],
            [`slowest API call of a cold load`, fmt(result.slowestApiMs), ''],
          ],
        ) +
        `\n[page] the first cold load, ms after navigation start:\n${renderTable(['request', 'start', 'end', 'KiB'], firstTimeline)}` +
        `\n[page] cold load transfers ${fmt(result.assetBytes / 1024)} KiB of page and assets and ${fmt(result.apiBytes / 1024)} KiB of API answers; slowest API call: ${result.slowestApi}`,
    );
    return result;
  } catch (error) {
    // What the browser showed: a screenshot and the page's text, for the failure message.
    const page = contexts.at(-1)?.pages().at(-1);
    if (page) {
      fs.mkdirSync('bench/out', { recursive: true });
      await page.screenshot({ path: 'bench/out/page-failure.png' }).catch(() => undefined);
      const text = await page.innerText('body').catch(() => '');
      throw new Error(
        `${error instanceof Error ? error.message.split('\n')[0] : String(error)} at ${page.url()}; the page said: ` +
          `${text.replace(/\s+/g, ' ').slice(0, 300)} (screenshot: bench/out/page-failure.png)`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close();
  }
}

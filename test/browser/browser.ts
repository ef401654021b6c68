/**
 * Chromium for the browser tests (Debian's /usr/bin/chromium through playwright-core), and the steps every test
 * repeats: log in through the form, open a page by its hash route, save a screenshot under docs/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');

/** Debian's Chromium, and the flags this machine needs (headless as root; no background connections). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The web app must be built (`npm run build:web`, run by `npm install`): the server serves web/dist. */
export function assertWebBuilt(): void {
  if (!fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` before the browser tests');
  }
}

/** A fresh context (own cookies and localStorage) at a laptop-sized viewport, in the given language. */
export async function newContext(
  browser: Browser,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale,
    deviceScaleFactor: 1,
  });
  // The app remembers the language in localStorage; set it before any page script runs.
  // (A string script: the test project is compiled without the DOM library.)
  await context.addInitScript(
    `if (!localStorage.getItem('lingtan.locale')) localStorage.setItem('lingtan.locale', ${JSON.stringify(locale)});`,
  );
  return context;
}

/** Logs in through the form and waits for the shell. */
export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-overview').waitFor();
}

/** Opens `#/<park>/<path>` and waits until no loading indicator is left. */
export async function open(page: Page, baseUrl: string, hash: string): Promise<void> {
  await page.goto(`${baseUrl}#${hash}`);
  await settle(page);
}

/**
 * Waits for data and drawings: no spinner, no stale (reloading) section, and every chart has painted its last frame
 * (EChart sets `data-ready` on ECharts' 'finished' event; a Sankey's reveal, for instance, lasts longer than the
 * other charts' 300 ms).
 */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    `document.querySelectorAll('[data-testid="loading"], .stale, .chart[data-ready="false"]').length === 0`,
    undefined,
    {
      timeout: 30_000,
    },
  );
  // A frame for whatever the last render changed.
  await page.waitForTimeout(200);
}

/** A PNG of the page (the whole page unless `fullPage` is false: long tables need only their top). */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

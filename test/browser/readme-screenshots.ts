/**
 * The README's screenshots of the full demo park (a year of data), taken from a running server:
 *
 *   LINGTAN_HOME=/tmp/lingtan-readme PORT=3311 node bin/lingtan.js start     # first start builds the demo park
 *   node --import tsx test/browser/readme-screenshots.ts http://127.0.0.1:3311/
 *
 * Not a test: it only logs in with the demo log-ins, opens the pages and writes 1440-px-wide PNGs to
 * docs/screenshots/readme/. Pass `--only <name>[,<name>…]` to redo some of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, login, newContext, open, SCREENSHOTS } from './browser.ts';

const OUT = path.join(SCREENSHOTS, 'readme');
const PARK = 'demo-yn';
const LOGINS = {
  admin: { username: 'admin', password: 'lingtan-admin' },
  alu: { username: 'alu', password: 'lingtan-alu-user' },
} as const;

interface Shot {
  name: string;
  user: keyof typeof LOGINS;
  locale?: 'zh-CN' | 'en';
  /** The hash route, without the leading `#`. */
  hash: string;
  /** Steps after the page has settled (a click, a wait for something to draw). */
  then?: (page: Page) => Promise<void>;
  /** Only the first screen (long tables); the whole page otherwise. */
  viewportOnly?: boolean;
}

const SHOTS: readonly Shot[] = [
  { name: 'overview-year', user: 'admin', hash: `/${PARK}/overview?period=2025` },
  { name: 'overview-month', user: 'admin', hash: `/${PARK}/overview?period=2025-12` },
  { name: 'flow', user: 'admin', hash: `/${PARK}/flow?period=2025` },
  { name: 'organisations', user: 'admin', hash: `/${PARK}/organisations?period=2025-12` },
  { name: 'organisation-alu', user: 'alu', hash: `/${PARK}/organisations/ALU?period=2025-12` },
  // The quarantined spike of the demo's faults (src/modules/demo/demo-faults.ts) at 15-minute resolution …
  { name: 'meter-spike', user: 'admin', hash: `/${PARK}/meters/LOG-EL-DOCK?period=2025-01-06` },
  // … and the two hours without samples of the power meter DC-PW-CRAH.
  { name: 'meter-gap', user: 'admin', hash: `/${PARK}/meters/DC-PW-CRAH?period=2025-01-04` },
  { name: 'quality', user: 'admin', hash: `/${PARK}/quality`, viewportOnly: true },
  { name: 'setup', user: 'admin', hash: `/${PARK}/setup`, viewportOnly: true },
  { name: 'overview-en', user: 'admin', locale: 'en', hash: `/${PARK}/overview?period=2025` },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null;
  const url = args.find((a, i) => !a.startsWith('--') && i !== onlyAt + 1) ?? 'http://127.0.0.1:3311/';
  const baseUrl = url.endsWith('/') ? url : `${url}/`;
  const shots = SHOTS.filter((s) => !only || only.has(s.name));
  if (shots.length === 0) throw new Error(`no screenshot called ${[...(only ?? [])].join(', ')}`);
  fs.mkdirSync(OUT, { recursive: true });

  const browser = await launchChromium();
  try {
    // One logged-in page per user and language, reused for its screenshots.
    const pages = new Map<string, Page>();
    for (const shot of shots) {
      const key = `${shot.user}:${shot.locale ?? 'zh-CN'}`;
      let page = pages.get(key);
      if (!page) {
        page = await session(browser, baseUrl, shot);
        pages.set(key, page);
      }
      await open(page, baseUrl, shot.hash);
      await shot.then?.(page);
      const file = path.join(OUT, `${shot.name}.png`);
      await page.screenshot({ path: file, fullPage: !shot.viewportOnly });
      process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
    }
  } finally {
    await browser.close();
  }
}

async function session(browser: Browser, baseUrl: string, shot: Shot): Promise<Page> {
  const context = await newContext(browser, shot.locale ?? 'zh-CN');
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error (${shot.name}): ${e.message}\n`));
  const user = LOGINS[shot.user];
  await login(page, baseUrl, user.username, user.password);
  return page;
}

await main();

/**
 * The demo app for a browser test file: `lingtan serve` on a 14-day demo park, Chromium, and what the tests read
 * first as the park admin (the app's default month, every organisation's name). Registers its own beforeAll and
 * afterAll; read the fields inside tests or later hooks.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ParkInfo } from '../../src/server/api-types.ts';
import { startTestServer, type TestServer } from '../helpers/app-server.ts';
import { assertWebBuilt, launchChromium, login, newContext, settle } from './browser.ts';

/** The demo server's users. */
export type Role = 'admin' | 'auditor' | 'enterprise';

/** A logged-in page in its own context, and the page errors it has thrown so far. */
export interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export interface DemoApp {
  server: TestServer;
  browser: Browser;
  park: string;
  /** The app's default period: the month of the last data day. */
  month: string;
  /** Every organisation's name, read as the admin (an enterprise user must see only its own). */
  organisationNames: Map<string, string>;
  /** GET a JSON API path (relative to the server) in a context's session; the status must be 200. */
  getJson<T>(context: BrowserContext, path: string): Promise<T>;
  /** A fresh context logged in through the form as a role, settled; closed by the caller. */
  session(role: Role, locale?: 'zh-CN' | 'en'): Promise<Session>;
}

export function useDemoApp(options: { demoDays?: number } = {}): DemoApp {
  const app = {
    async getJson<T>(context: BrowserContext, path: string): Promise<T> {
      const res = await context.request.get(`${app.server.url}${path}`);
      expect(res.status(), path).toBe(200);
      return (await res.json()) as T;
    },
    async session(role: Role, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<Session> {
      const context = await newContext(app.browser, locale);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const user = app.server.users[role];
      await login(page, app.server.url, user.username, user.password);
      await settle(page);
      return { context, page, errors };
    },
  } as DemoApp;
  beforeAll(async () => {
    assertWebBuilt();
    app.server = await startTestServer({ demoDays: options.demoDays ?? 14 });
    app.park = app.server.parkId;
    app.browser = await launchChromium();
    const context = await newContext(app.browser);
    const page = await context.newPage();
    await login(page, app.server.url, app.server.users.admin.username, app.server.users.admin.password);
    const info = await app.getJson<ParkInfo>(context, `api/parks/${app.park}`);
    app.month = (info.latestDay ?? '').slice(0, 7);
    app.organisationNames = new Map(info.organisations.map((o) => [o.id, o.name]));
    await context.close();
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/**
 * A describe block's session as a role: opened before its tests, and after them closed once no page error was thrown.
 * Read the fields inside tests.
 */
export function useSession(app: DemoApp, role: Role): Session {
  const s = {} as Session;
  beforeAll(async () => {
    Object.assign(s, await app.session(role));
  });
  afterAll(async () => {
    expect(s.errors).toEqual([]);
    await s.context.close();
  });
  return s;
}

/** The trimmed text of the first element with this test id. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().innerText()).trim();
}

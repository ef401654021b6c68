/**
 * The web app in real Chromium against the real server (small demo park): each role logs in and opens every page;
 * key figures on the page equal the API's JSON formatted by the app's own rules (web/src/format.ts); an enterprise
 * user can reach neither another organisation's page nor its meters, and never sees another organisation's name.
 * Screenshots go to docs/screenshots/<page>-<role>.png.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { MeterView, OverviewResponse, RankingResponse } from '../../src/server/api-types.ts';
import type { TestServer } from '../helpers/app-server.ts';
import { textOf, useDemoApp, useSession } from './demo-app.ts';
import { formatCount, formatPercent, formatQuantity, formatTce } from '../../web/src/format.ts';
import { newContext, open, screenshot, settle } from './browser.ts';

const app = useDemoApp();
let server: TestServer;
let browser: Browser;
let park: string;
let month: string;
let organisationNames: Map<string, string>;
beforeAll(() => {
  ({ server, browser, park, month, organisationNames } = app);
});
const getJson = <T>(context: BrowserContext, path: string) => app.getJson<T>(context, path);
const text = textOf;

describe('login', () => {
  test('a wrong password shows an error; the form is the first page', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('login-form').waitFor();
    await screenshot(page, 'login');
    await page.getByTestId('login-username').fill(server.users.admin.username);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => text(page, 'login-error')).toContain('用户名或密码不正确');
    // No token in localStorage: the session is an HttpOnly cookie.
    const storage = await page.evaluate('JSON.stringify(localStorage)');
    expect(String(storage)).not.toMatch(/token|session/i);
    await context.close();
  });
});

describe('park admin', () => {
  const s = useSession(app, 'admin');

  test('overview: total tce, completeness and every carrier equal the API', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/overview?period=${month}`);
    const api = await getJson<OverviewResponse>(context, `api/parks/${park}/overview?period=${month}`);
    expect(api.totalTce).toBeGreaterThan(0);
    expect(await text(page, 'kpi-total-tce-value')).toBe(formatTce(api.totalTce));
    expect(await text(page, 'kpi-completeness-value')).toBe(formatPercent(api.completeness.coverage));
    for (const c of api.carriers) {
      expect(await text(page, `kpi-carrier-${c.carrier}-value`)).toBe(formatQuantity(c.quantity, c.unit));
      if (c.tce !== null)
        expect(await text(page, `kpi-carrier-${c.carrier}-tce`)).toContain(formatTce(c.tce));
    }
    await page.getByTestId('trend-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('method-footnote').innerText()).toContain(api.method.id);
    await screenshot(page, 'overview-admin');
  });

  test('overview in English', async () => {
    const en = await app.session('admin', 'en');
    await open(en.page, server.url, `/${park}/overview?period=${month}`);
    expect(await text(en.page, 'page-title')).toBe('Park overview');
    expect(await text(en.page, 'nav-flow')).toBe('Energy flow');
    await screenshot(en.page, 'overview-admin-en');
    expect(en.errors).toEqual([]);
    await en.context.close();
  });

  test('the period picker moves by day, month and year', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/overview?period=${month}`);
    await page.getByTestId('period-kind-day').click();
    await settle(page);
    expect(page.url()).toMatch(/period=\d{4}-\d{2}-\d{2}/);
    await page.getByTestId('period-previous').click();
    await settle(page);
    const day = /period=(\d{4}-\d{2}-\d{2})/.exec(page.url())?.[1] ?? '';
    const api = await getJson<OverviewResponse>(s.context, `api/parks/${park}/overview?period=${day}`);
    expect(await text(page, 'kpi-total-tce-value')).toBe(formatTce(api.totalTce));
    await page.getByTestId('period-kind-year').click();
    await settle(page);
    expect(page.url()).toMatch(/period=\d{4}(&|$)/);
  });

  test('energy flow: a Sankey with translated supply and carrier nodes', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/flow?period=${month}`);
    await page.getByTestId('sankey').locator('canvas').first().waitFor();
    const links = await page.getByTestId('flow-links').innerText();
    expect(links).toContain('电网购电');
    expect(links).toContain('电力');
    expect(links).not.toContain('supply:');
    await screenshot(page, 'flow-admin');
  });

  test('organisations: the ranking equals the API; a row opens the organisation', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/organisations?period=${month}`);
    const api = await getJson<RankingResponse>(context, `api/parks/${park}/organisations?period=${month}`);
    const rows = page.getByTestId('ranking-row');
    expect(await rows.count()).toBe(api.rows.length);
    const sorted = [...api.rows].sort((a, b) => b.tce - a.tce);
    expect(await rows.first().getByTestId('ranking-tce').innerText()).toBe(formatTce(sorted[0]!.tce));
    await screenshot(page, 'organisations-admin');
    await rows.first().click();
    await settle(page);
    expect(await text(page, 'organisation-name')).toBe(sorted[0]!.name);
    expect(await text(page, 'comparison-tce')).toBe(formatTce(sorted[0]!.tce));
    await screenshot(page, 'organisation-admin');
  });

  test('meters: list, filter, and a series with its totals', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/meters?period=${month}`);
    const { meters } = await getJson<{ meters: MeterView[] }>(context, `api/parks/${park}/meters`);
    await page.getByTestId('meter-search').fill('ALU-EL-MAIN');
    await expect
      .poll(() => page.getByTestId('meter-row').count())
      .toBe(
        meters.filter((m) => m.id.includes('ALU-EL-MAIN') || (m.name ?? '').includes('ALU-EL-MAIN')).length,
      );
    await page.getByTestId('meter-search').fill('');
    await screenshot(page, 'meters-admin', false);
    // The spike of the demo faults (2025-01-06) shows as a quarantined amount.
    await open(page, server.url, `/${park}/meters/LOG-EL-DOCK?period=2025-01-06`);
    const series = await getJson<{ totals: { quantity: number; quarantined: number }; unit: string }>(
      context,
      `api/parks/${park}/meters/LOG-EL-DOCK/series?period=2025-01-06&resolution=15m`,
    );
    expect(series.totals.quarantined).toBeGreaterThan(0);
    expect(await text(page, 'meter-total-value')).toBe(formatQuantity(series.totals.quantity, series.unit));
    await page.getByTestId('series-chart').locator('canvas').first().waitFor();
    await screenshot(page, 'meter-admin');
  });

  test('data quality: the rejected total equals the API', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/quality?period=${month}`);
    const api = await getJson<{ total: number }>(context, `api/parks/${park}/rejected?limit=100`);
    expect(await text(page, 'rejected-total')).toContain(formatCount(api.total));
    await screenshot(page, 'quality-admin');
  });

  test('set-up: the definition applies unchanged, a broken one lists errors by line, a gateway token shows once', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/setup/definition?period=${month}`);
    const editor = page.getByTestId('definition-text');
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(100);
    await page.getByTestId('definition-apply').click();
    await page.getByTestId('definition-summary').waitFor();
    await screenshot(page, 'setup-admin');
    // A key the schema does not know, typed at the top of the file: the server names the line.
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('colour: green\n');
    await page.getByTestId('definition-apply').click();
    await page.getByTestId('definition-errors').waitFor();
    expect(await page.getByTestId('definition-issue').first().innerText()).toMatch(/第 \d+ 行/);
    await screenshot(page, 'setup-definition-errors-admin');

    // CSV import: upload, server job polled to the end, counts shown (an unknown meter is rejected, not lost).
    await open(page, server.url, `/${park}/setup/import?period=${month}`);
    await page.getByTestId('import-file').setInputFiles({
      name: 'browser-test.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('meter,at,value\nNO-SUCH-METER,2025-01-10 00:15,1\n'),
    });
    await page.getByTestId('import-start').click();
    await expect
      .poll(() => page.getByTestId('import-progress').innerText(), { timeout: 30_000 })
      .toContain('导入完成');
    expect(await page.getByTestId('import-result').innerText()).toMatch(/拒收\s*1/);
    await expect.poll(() => page.getByTestId('import-history').innerText()).toContain('browser-test.csv');
    await settle(page);
    await screenshot(page, 'setup-import-admin');

    await open(page, server.url, `/${park}/setup/gateways?period=${month}`);
    await page.getByTestId('gateway-id').fill('gw-browser');
    await page.getByTestId('gateway-name').fill('浏览器测试网关');
    await page.getByTestId('gateway-create').click();
    const token = await page.getByTestId('gateway-token').innerText();
    expect(token.length).toBeGreaterThan(20);
    await expect.poll(() => page.getByTestId('gateways-table').innerText()).toContain('gw-browser');
    await screenshot(page, 'setup-gateways-admin');
    await open(page, server.url, `/${park}/setup/users?period=${month}`);
    await page.getByTestId('users-table').waitFor();
    await screenshot(page, 'setup-users-admin');
    await open(page, server.url, `/${park}/setup/audit?period=${month}`);
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('audit-table').innerText()).toContain('gw-browser');
  });
});

describe('auditor', () => {
  test('reads the whole park but has no set-up', async () => {
    const { page, context, errors } = await app.session('auditor');
    await open(page, server.url, `/${park}/overview?period=${month}`);
    const api = await getJson<OverviewResponse>(context, `api/parks/${park}/overview?period=${month}`);
    expect(await text(page, 'kpi-total-tce-value')).toBe(formatTce(api.totalTce));
    expect(await page.getByTestId('nav-setup').count()).toBe(0);
    await screenshot(page, 'overview-auditor');
    await open(page, server.url, `/${park}/organisations?period=${month}`);
    expect(await page.getByTestId('ranking-row').count()).toBeGreaterThan(1);
    await screenshot(page, 'organisations-auditor');
    await open(page, server.url, `/${park}/setup?period=${month}`);
    await page.getByTestId('error-message').waitFor();
    const res = await context.request.get(`${server.url}api/parks/${park}/users`);
    expect(res.status()).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('enterprise user', () => {
  test("sees its organisation only, and never another organisation's page, meter or name", async () => {
    const { page, context, errors } = await app.session('enterprise');
    const own = server.users.enterprise.organisation;
    const other = server.users.otherOrganisation;
    const foreignNames = [...organisationNames].filter(([id]) => id !== own).map(([, name]) => name);
    expect(foreignNames.length).toBeGreaterThan(0);
    const assertNoForeignNames = async (where: string) => {
      const html = await page.content();
      for (const name of foreignNames) expect(html.includes(name), `${name} on ${where}`).toBe(false);
    };

    await open(page, server.url, `/${park}/overview?period=${month}`);
    const api = await getJson<OverviewResponse>(context, `api/parks/${park}/overview?period=${month}`);
    expect(api.organisation).toBe(own);
    expect(await text(page, 'kpi-total-tce-value')).toBe(formatTce(api.totalTce));
    expect(await text(page, 'page-title')).toBe('企业总览');
    await assertNoForeignNames('overview');
    await screenshot(page, 'overview-enterprise');

    for (const [path, shot] of [
      ['flow', 'flow-enterprise'],
      [`organisations/${own}`, 'organisation-enterprise'],
      ['meters', 'meters-enterprise'],
      ['quality', 'quality-enterprise'],
    ] as const) {
      await open(page, server.url, `/${park}/${path}?period=${month}`);
      expect(await page.getByTestId('error-message').count(), path).toBe(0);
      await assertNoForeignNames(path);
      await screenshot(page, shot);
    }
    // The park-wide ranking is not offered: the link goes to the organisation's own page.
    await open(page, server.url, `/${park}/organisations?period=${month}`);
    expect(page.url()).toContain(`organisations/${own}`);

    // Another organisation's page and meter: a message on the page, 403/404 from the API.
    await open(page, server.url, `/${park}/organisations/${other}?period=${month}`);
    await page.getByTestId('error-message').waitFor();
    await assertNoForeignNames('forbidden organisation');
    await screenshot(page, 'forbidden-enterprise');
    expect([403, 404]).toContain(
      (
        await context.request.get(`${server.url}api/parks/${park}/organisations/${other}?period=${month}`)
      ).status(),
    );
    const foreignMeter = 'FOOD-EL-COLD';
    await open(page, server.url, `/${park}/meters/${foreignMeter}?period=${month}`);
    await page.getByTestId('error-message').waitFor();
    await assertNoForeignNames('forbidden meter');
    expect([403, 404]).toContain(
      (
        await context.request.get(
          `${server.url}api/parks/${park}/meters/${foreignMeter}/series?period=${month}&resolution=day`,
        )
      ).status(),
    );
    expect(await page.getByTestId('nav-setup').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

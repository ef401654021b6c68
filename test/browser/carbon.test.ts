/**
 * 碳核算 · 指标评估 · 统计数据填报 in real Chromium against the real server (14-day demo, January 2025, with the demo's
 * 2025 statistics). The park admin's account KPIs equal the API's totals formatted by web/src/format.ts, a line
 * opens to its formula and factors, closing the period and changing a statistic afterwards shows a restatement that
 * a second close (with a reason) settles; the scorecard shows each indicator's value and outcome as the API does, and
 * filling in a configurable threshold saves the set's next version and scores against it; a statistic entered in the
 * form is listed with its new version, a refused row shows its field and reason, and a CSV upload reports the same.
 * The enterprise user sees only its own organisation's account and has no scorecard.
 * Screenshots: docs/screenshots/carbon-account.png, indicators-scorecard.png, statistics-entry.png.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import type { AccountAnswer, StatisticValue } from '../../src/modules/carbon/index.ts';
import type { Scorecard } from '../../src/modules/indicators/index.ts';
import type { TestServer } from '../helpers/app-server.ts';
import { textOf, useDemoApp, useSession } from './demo-app.ts';
import { formatNumber, formatTce, formatTco2, formatTco2PerTce } from '../../web/src/format.ts';
import { formatIndicatorValue } from '../../web/src/features/indicators/indicator-format.ts';
import { open, screenshot, settle } from './browser.ts';

const app = useDemoApp();
let server: TestServer;
let park: string;
let month: string;
let organisationNames: Map<string, string>;
beforeAll(() => {
  ({ server, park, month, organisationNames } = app);
});
const getJson = <T>(context: BrowserContext, path: string) => app.getJson<T>(context, path);
const text = textOf;

describe('park admin', () => {
  const s = useSession(app, 'admin');

  test('the nav has the three pages, zh-CN first', async () => {
    const { page } = s;
    expect(await text(page, 'nav-account')).toBe('碳核算');
    expect(await text(page, 'nav-indicators')).toBe('指标评估');
    expect(await text(page, 'nav-statistics')).toBe('统计数据填报');
  });

  test('account: method, KPIs as the API, a line drilled down to its factors, the charts', async () => {
    const { page, context } = s;
    await page.getByTestId('nav-account').click();
    await settle(page);
    const api = await getJson<AccountAnswer>(context, `api/parks/${park}/account?period=${month}`);
    const a = api.account;
    expect(await text(page, 'account-method-id')).toBe(`${a.method.id}@${a.method.version}`);
    expect(await text(page, 'account-electricity')).toContain(
      a.method.electricityTce === 'calorific' ? '当量值' : '等价值',
    );
    expect(await text(page, 'kpi-energy-value')).toBe(formatTce(a.totals.energyTce));
    expect(await text(page, 'kpi-gross-value')).toBe(formatTco2(a.totals.grossTco2));
    expect(await text(page, 'kpi-net-value')).toBe(formatTco2(a.totals.netTco2));
    expect(await text(page, 'kpi-core-value')).toBe(formatTco2PerTce(a.totals.coreTco2PerTce));
    expect(await text(page, 'energy-total')).toBe(formatTce(a.totals.energyTce));
    expect(await page.getByTestId('line-row').count()).toBe(a.lines.length);
    expect(await text(page, 'account-live-badge')).toBe('实时核算');

    const grid = a.lines.find((l) => l.source === 'electricity_grid');
    expect(grid).toBeDefined();
    await page.locator(`[data-testid="line-row"][data-line="${grid!.id}"]`).click();
    const detail = page.getByTestId('line-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('line-formula').innerText()).toBe(grid!.formula);
    const factor = grid!.factors[0]!;
    const factorRow = detail.getByTestId('factor-row').first();
    expect(await factorRow.innerText()).toContain(factor.key);
    expect(await factorRow.innerText()).toContain(`v${factor.version}`);
    expect(await factorRow.innerText()).toContain(factor.validFrom);
    expect(await detail.getByTestId('line-inputs').innerText()).toContain(grid!.inputs[0]!);
    await page.getByTestId('source-chart').locator('canvas').first().waitFor();
    await page.getByTestId('month-chart').locator('canvas').first().waitFor();
    await settle(page);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'carbon-account');

    // The audit trail downloads (JSON and text) are the explain endpoint.
    const json = await page.getByTestId('explain-json').getAttribute('href');
    const trail = await context.request.get(`${server.url}${json!.replace(/^\//, '')}`);
    expect(trail.status()).toBe(200);
    expect(trail.headers()['content-type']).toContain('json');
    const txt = await page.getByTestId('explain-text').getAttribute('href');
    const trailText = await context.request.get(`${server.url}${txt!.replace(/^\//, '')}`);
    expect(await trailText.text()).toContain(a.method.id);
  });

  test('account: close the period, change a statistic, see the restatement, restate with a reason', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/account?period=${month}`);
    await page.getByTestId('account-close').click();
    await page.getByTestId('account-close-confirm').click();
    await expect.poll(() => text(page, 'account-closed-badge')).toBe('已关账');
    expect(await page.getByTestId('restatement-banner').count()).toBe(0);

    // A process activity corrected after the close: the closed figures stay, the banner names the difference.
    const before = await getJson<{ statistics: StatisticValue[] }>(
      context,
      `api/parks/${park}/statistics?period=${month}&organisation=ALU`,
    );
    const process = before.statistics.find((v) => v.kind === 'process_activity');
    expect(process?.factor).toBeDefined();
    const res = await context.request.post(`${server.url}api/parks/${park}/statistics`, {
      data: {
        rows: [
          {
            organisation: 'ALU',
            month,
            kind: 'process_activity',
            item: process!.item,
            value: process!.value + 100,
            unit: process!.unit,
            factor_value: process!.factor!.value,
            factor_unit: process!.factor!.unit,
            factor_source: process!.factor!.source,
          },
        ],
      },
    });
    expect(res.status(), await res.text()).toBe(200);
    await page.reload();
    await settle(page);
    const api = await getJson<AccountAnswer>(context, `api/parks/${park}/account?period=${month}`);
    expect(api.restatement).not.toBeNull();
    await page.getByTestId('restatement-banner').waitFor();
    expect(await text(page, 'restatement-gross')).toBe(`+${formatTco2(api.restatement!.delta.grossTco2)}`);
    expect(await text(page, 'kpi-gross-value')).toBe(formatTco2(api.account.totals.grossTco2));
    await page.getByTestId('restatement-toggle').click();
    expect(await text(page, 'kpi-gross-value')).toBe(formatTco2(api.restatement!.current.totals.grossTco2));

    // Closing again is a restatement: it needs a reason.
    await page.getByTestId('account-close').click();
    expect(await page.getByTestId('account-close-confirm').isDisabled()).toBe(true);
    await page.getByTestId('account-close-reason').fill('补录阳极消耗修正数据');
    await page.getByTestId('account-close-confirm').click();
    await expect.poll(() => text(page, 'account-closed-badge')).toBe('已重述');
    await settle(page);
    expect(await page.getByTestId('restatement-banner').count()).toBe(0);
    expect(await text(page, 'close-note')).toContain('补录阳极消耗修正数据');
  });

  test('scorecard: values and outcomes as the API; a threshold filled in makes the next set version', async () => {
    const { page, context } = s;
    await page.getByTestId('nav-indicators').click();
    await settle(page);
    const year = month.slice(0, 4);
    const api = await getJson<Scorecard>(context, `api/parks/${park}/indicators?year=${year}`);
    expect(await text(page, 'scorecard-set-id')).toBe(`${api.set.id}@${api.set.version}`);
    expect(await text(page, 'scorecard-band')).toContain(formatTce(api.band.energyTce));
    expect(await page.getByTestId('indicator-row').count()).toBe(api.results.length);
    for (const r of api.results) {
      const row = page.locator(`[data-testid="indicator-row"][data-indicator="${r.indicator}"]`);
      expect(await row.getByTestId('indicator-value').innerText()).toBe(
        formatIndicatorValue(r.value, r.unit),
      );
      expect(await row.getByTestId('indicator-outcome').getAttribute('data-outcome')).toBe(r.outcome);
    }

    // The core indicator has no threshold for the park's band yet: fill one in.
    const core = api.results.find((r) => r.indicator === 'co2-per-energy');
    expect(core?.thresholdRef?.configurable).toBe(true);
    const row = page.locator('[data-testid="indicator-row"][data-indicator="co2-per-energy"]');
    expect(await row.getByTestId('indicator-outcome').innerText()).toBe('无阈值');
    await row.click();
    const form = page.getByTestId('threshold-form');
    await form.waitFor();
    const threshold = Math.ceil((core!.value ?? 1) * 1.2 * 10) / 10;
    await form.getByTestId('threshold-value').fill(String(threshold));
    await form.getByTestId('threshold-source').fill('园区碳达峰实施方案（示范）');
    await form.getByTestId('threshold-save').click();
    await expect.poll(() => text(page, 'threshold-saved')).toContain(`第 ${api.set.version + 1} 版`);
    await expect.poll(() => text(page, 'scorecard-set-id')).toBe(`${api.set.id}@${api.set.version + 1}`);
    await settle(page);
    const next = await getJson<Scorecard>(
      context,
      `api/parks/${park}/indicators?year=${year}&set=${api.set.id}@${api.set.version + 1}`,
    );
    const scored = next.results.find((r) => r.indicator === 'co2-per-energy')!;
    expect(scored.threshold).toBe(threshold);
    expect(scored.outcome).toBe('pass');
    const after = page.locator('[data-testid="indicator-row"][data-indicator="co2-per-energy"]');
    expect(await after.getByTestId('indicator-outcome').innerText()).toBe('达标');
    expect(await after.getByTestId('indicator-threshold').innerText()).toBe(
      `≤ ${formatNumber(threshold)} tCO₂/tce`,
    );
    // The row stays open on the new version: its threshold now names the source just entered.
    expect(await text(page, 'indicator-threshold-source')).toContain('园区碳达峰实施方案（示范）');
    await settle(page);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'indicators-scorecard');
  });

  test('statistics: a value entered is listed with its new version; a refused row names field and reason', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/statistics?org=ALU&month=${month}`);
    // The form opens with the latest values.
    const water = page.getByTestId('stat-value-water_reused');
    expect(await water.inputValue()).not.toBe('');
    await water.fill('777777');
    // Recovered CO₂ lowers emissions: without evidence the server refuses it.
    await page.getByTestId('stat-value-recovered_co2').fill('12.5');
    await page.getByTestId('stat-submit').click();
    await page.getByTestId('stat-result').waitFor();
    await settle(page);
    expect(await text(page, 'stat-result-inserted')).toBe('1');
    expect(await text(page, 'stat-result-rejected')).toBe('1');
    // Only the rows typed in are sent: the prefilled ones stay as they are.
    expect(await text(page, 'stat-result-received')).toBe('2');
    expect(await text(page, 'stat-result-refused')).toContain('evidence');
    expect(await text(page, 'stat-row-issues')).toContain('证明材料');

    const listed = page.locator('[data-testid="stat-value-row"][data-kind="water_reused"]');
    await expect.poll(() => listed.getByTestId('stat-value-number').innerText()).toContain('777,777');
    expect(await listed.getByTestId('stat-value-version').innerText()).toBe('v2');
    expect(await listed.getByTestId('stat-value-by').innerText()).toBe(server.users.admin.username);
    // The form row now shows the stored version; the refused row keeps what was typed.
    const formRow = page.locator('[data-testid="stat-row"][data-kind="water_reused"]');
    await expect.poll(() => formRow.innerText()).toContain('当前 v2');
    expect(await page.getByTestId('stat-value-recovered_co2').inputValue()).toBe('12.5');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'statistics-entry');

    // The same result for a CSV file: one good row, one refused.
    await page.getByTestId('stat-csv-file').setInputFiles({
      name: 'stats.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'organisation,month,kind,item,value,unit\n' +
          `ALU,${month},solid_waste_generated,,321,t\n` +
          `ALU,${month},water_used,,-5,t\n`,
      ),
    });
    await page.getByTestId('stat-csv-upload').click();
    await page.getByTestId('stat-csv-result').waitFor();
    expect(await text(page, 'stat-csv-result-inserted')).toBe('1');
    expect(await text(page, 'stat-csv-result-rejected')).toBe('1');
    expect(await text(page, 'stat-csv-result-refused')).toContain('negative');
  });
});

describe('auditor', () => {
  test('reads the account, scorecard and statistics without close, threshold or entry controls', async () => {
    const { page, context, errors } = await app.session('auditor');
    await open(page, server.url, `/${park}/account?period=${month}`);
    expect(await page.getByTestId('kpi-core-value').count()).toBe(1);
    expect(await page.getByTestId('account-close').count()).toBe(0);
    await open(page, server.url, `/${park}/indicators`);
    await page.locator('[data-testid="indicator-row"][data-indicator="co2-per-energy"]').click();
    await page.getByTestId('indicator-detail').waitFor();
    expect(await page.getByTestId('threshold-form').count()).toBe(0);
    await open(page, server.url, `/${park}/statistics?org=ALU&month=${month}`);
    expect(await page.getByTestId('stat-read-only').count()).toBe(1);
    expect(await page.getByTestId('stat-form').count()).toBe(0);
    expect(await page.getByTestId('stat-value-row').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('enterprise user', () => {
  test('sees only its own organisation’s account, and has no scorecard', async () => {
    const { page, context, errors } = await app.session('enterprise');
    const own = server.users.enterprise.organisation;
    expect(await page.getByTestId('nav-indicators').count()).toBe(0);
    await page.getByTestId('nav-account').click();
    await settle(page);
    expect(await page.getByTestId('account-scope').count()).toBe(0);
    expect(await text(page, 'account-scope-fixed')).toBe(organisationNames.get(own));
    const api = await getJson<AccountAnswer>(
      context,
      `api/parks/${park}/account?period=${month}&organisation=${own}`,
    );
    expect(api.account.organisation).toBe(own);
    expect(await text(page, 'kpi-energy-value')).toBe(formatTce(api.account.totals.energyTce));
    expect(await text(page, 'kpi-gross-value')).toBe(formatTco2(api.account.totals.grossTco2));
    const body = await page.locator('main').innerText();
    for (const [id, name] of organisationNames) if (id !== own) expect(body).not.toContain(name);
    // Another organisation's account is refused by the server, whatever the URL says.
    const other = await context.request.get(
      `${server.url}api/parks/${park}/account?period=${month}&organisation=${server.users.otherOrganisation}`,
    );
    expect([403, 404]).toContain(other.status());

    await open(page, server.url, `/${park}/indicators`);
    expect(await text(page, 'error-message')).toContain('仅对园区管理员和核查员开放');
    const res = await context.request.get(
      `${server.url}api/parks/${park}/indicators?year=${month.slice(0, 4)}`,
    );
    expect(res.status()).toBe(403);

    // Statistics: its own organisation only.
    await open(page, server.url, `/${park}/statistics`);
    expect(await text(page, 'stat-org-fixed')).toBe(organisationNames.get(own));
    expect(await page.getByTestId('stat-org').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

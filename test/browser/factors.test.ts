/**
 * 因子与方法 in real Chromium against the real server (14-day demo park, Yunnan). The park admin finds the seeded
 * natural-gas NCV and the Yunnan 2023 grid factor with their sources (expected values read from the seed CSVs, not
 * from the page), sees the grid factor's history with the superseded versions greyed, is refused a measured NCV
 * without evidence (the evidence field named), adds it with evidence and sees it in force over the default; copies
 * the national profile with the calorific convention and finds the copy listed. The enterprise user reads the library
 * and the profiles without add or copy controls. Screenshot: docs/screenshots/factors-methods.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Factor, MethodProfile } from '../../src/modules/carbon/index.ts';
import { formatStoredValue } from '../../web/src/features/factors/factor-view.ts';
import { open, screenshot, settle } from './browser.ts';
import { textOf, useDemoApp, useSession } from './demo-app.ts';

const app = useDemoApp();
const SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/modules/carbon/seed');

/** The rows of a seed CSV (no quoted commas in the columns read here) as objects by header. */
function seedRows(file: string): Record<string, string>[] {
  const [header = '', ...lines] = fs.readFileSync(path.join(SEED, file), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

const row = (key: string, scope: string, extra = '') =>
  `[data-testid="lib-factor-row"][data-key="${key}"][data-scope="${scope}"]${extra}`;

const factorsOf = async (context: BrowserContext) =>
  (await app.getJson<{ factors: Factor[] }>(context, `api/parks/${app.park}/factors`)).factors;

/**
 * Opens the page through its nav entry and waits until it is the page shown: right after log-in the overview may
 * still be rendering, and a click then can land before the route changes.
 */
async function toFactorsPage(page: Page): Promise<void> {
  await page.getByTestId('nav-factors').click();
  await page.waitForFunction(
    `document.querySelector('[data-testid="page-title"]')?.textContent?.trim() === '因子与方法' ||
     document.querySelector('[data-testid="page-title"]')?.textContent?.trim() === 'Factors & methods'`,
    undefined,
    { timeout: 30_000 },
  );
  await settle(page);
}

describe('park admin', () => {
  const s = useSession(app, 'admin');

  test('the nav entry follows 统计数据填报', async () => {
    const { page } = s;
    expect(await textOf(page, 'nav-factors')).toBe('因子与方法');
    const order = await page.locator('nav.sidenav a').evaluateAll(
      // A string-free callback: the test project has no DOM library, so read the attribute untyped.
      (links) => links.map((a) => (a as unknown as { dataset: { testid: string } }).dataset.testid),
    );
    expect(order.indexOf('nav-factors')).toBe(order.indexOf('nav-statistics') + 1);
  });

  test('the seeded natural-gas NCV and the Yunnan 2023 grid factor, with their sources', async () => {
    const { page, context } = s;
    await toFactorsPage(page);
    expect(await textOf(page, 'page-title')).toBe('因子与方法');

    // Natural gas: the table gives GJ per 10^4 Nm3; the library stores GJ per m3.
    const gas = seedRows('fuel-combustion-defaults.csv').find((r) => r.fuel === 'natural_gas')!;
    expect(gas.ncv_unit).toBe('GJ/10^4 Nm3');
    const ncv = Number(gas.ncv) / 10_000;
    const api = (await factorsOf(context)).find((f) => f.key === 'fuel.natural_gas.ncv' && f.scope === '*');
    expect(api?.value).toBeCloseTo(ncv, 12);
    await page.getByTestId('factor-search').fill('fuel.natural_gas.ncv');
    const seeded = page.locator(row('fuel.natural_gas.ncv', '*'));
    expect(await seeded.getByTestId('lib-factor-number').innerText()).toBe(formatStoredValue(ncv));
    expect(Number(await seeded.getByTestId('lib-factor-number').innerText())).toBeCloseTo(0.038931, 9);
    expect(await seeded.getByTestId('lib-factor-unit').innerText()).toBe('GJ/m³');
    expect(await seeded.getByTestId('lib-factor-source').innerText()).toContain(gas.source);
    expect(await seeded.getByTestId('lib-factor-status').innerText()).toBe('二手来源');
    expect(await seeded.getByTestId('lib-factor-scope').innerText()).toBe('默认');
    expect(await seeded.getAttribute('data-state')).toBe('in_force');

    // Yunnan: the latest published data year is in force today; the earlier years are its history.
    const yunnan = seedRows('grid-emission-factors.csv')
      .filter((r) => r.level === 'provincial' && r.region === 'yunnan' && r.variant === 'average')
      .sort((a, b) => Number(a.data_year) - Number(b.data_year));
    const latest = yunnan[yunnan.length - 1]!;
    expect(latest.data_year).toBe('2023');
    const key = 'grid.provincial.yunnan.average';
    await page.getByTestId('factor-search').fill(key);
    const inForce = page.locator(row(key, '*'));
    expect(await inForce.count()).toBe(1);
    expect(await inForce.getAttribute('data-version')).toBe(String(yunnan.length));
    expect(await inForce.getByTestId('lib-factor-number').innerText()).toBe(
      formatStoredValue(Number(latest.tco2_per_mwh)),
    );
    expect(await inForce.getByTestId('lib-factor-number').innerText()).toBe('0.1333');
    expect(await inForce.getByTestId('lib-factor-unit').innerText()).toBe('tCO₂/MWh');
    expect(await inForce.getByTestId('lib-factor-source').innerText()).toBe(latest.published_in);
    expect(await inForce.getByTestId('lib-factor-valid-from').innerText()).toContain('2023-01-01');

    await inForce.getByTestId('lib-factor-history').click();
    expect(await page.getByTestId('factor-all-versions').isChecked()).toBe(true);
    const versions = page.locator(row(key, '*'));
    expect(await versions.count()).toBe(yunnan.length);
    const superseded = page.locator(row(key, '*', '[data-state="superseded"]'));
    expect(await superseded.count()).toBe(yunnan.length - 1);
    expect(await superseded.first().getAttribute('class')).toContain('row-superseded');
    // As of mid-2022, the 2022 version was the one in force.
    await page.getByTestId('factor-as-of').fill('2022-06-30');
    expect(await page.locator(row(key, '*', '[data-state="in_force"]')).getAttribute('data-version')).toBe(
      String(yunnan.findIndex((r) => r.data_year === '2022') + 1),
    );
    expect(await page.locator(row(key, '*', '[data-state="scheduled"]')).count()).toBe(1);
  });

  test('a measured NCV: refused without evidence (the field named), then added and in force', async () => {
    const { page, context } = s;
    await open(page, app.server.url, `/${app.park}/factors/library`);
    const key = 'fuel.natural_gas.ncv';
    const scope = `park:${app.park}`;
    const before = await factorsOf(context);
    expect(before.some((f) => f.key === key && f.scope === scope)).toBe(false);

    await page.getByTestId('factor-add-open').click();
    expect(await textOf(page, 'factor-never-edited')).toContain('不可修改');
    await page.getByTestId('ff-key').fill(key);
    // The unit comes from the key's existing versions and cannot be changed.
    expect(await page.getByTestId('ff-unit').inputValue()).toBe(before.find((f) => f.key === key)!.unit);
    expect(await page.getByTestId('ff-unit').isDisabled()).toBe(true);
    const measured = 0.03598;
    await page.getByTestId('ff-value').fill(String(measured));
    await page.getByTestId('ff-valid-from').fill('2025-01-01');
    await page.getByTestId('ff-status').selectOption('measured');
    await page.getByTestId('ff-source').fill('供气公司 2024 年度天然气组分检测报告（示范）');
    await page.getByTestId('ff-submit').click();
    await page.getByTestId('ff-issue-evidence').waitFor();
    expect(await textOf(page, 'ff-issue-evidence')).toContain('evidence');
    expect(await page.getByTestId('ff-issue-value').count()).toBe(0);
    expect((await factorsOf(context)).length).toBe(before.length);

    await page.getByTestId('ff-evidence').fill('QT-2024-118 检测报告');
    await page.getByTestId('ff-submit').click();
    await page.getByTestId('factor-saved').waitFor();
    await settle(page);
    const added = (await factorsOf(context)).find((f) => f.key === key && f.scope === scope);
    expect(added).toMatchObject({ value: measured, status: 'measured', evidence: 'QT-2024-118 检测报告' });
    expect(await textOf(page, 'factor-saved')).toContain(`${key} 第 ${added!.version} 版`);

    // The page now shows the park's version in force beside the default, which it overrides.
    const own = page.locator(row(key, scope));
    expect(await own.getAttribute('data-state')).toBe('in_force');
    expect(await own.getByTestId('lib-factor-number').innerText()).toBe(formatStoredValue(measured));
    expect(await own.getByTestId('lib-factor-status').innerText()).toBe('实测');
    expect(await own.getByTestId('lib-factor-evidence').innerText()).toContain('QT-2024-118');
    expect(await own.getByTestId('lib-factor-scope').innerText()).toBe('园区');
    expect(await page.locator(row(key, '*')).getByTestId('lib-factor-overridden').count()).toBe(1);

    await page.getByTestId('factor-search').fill('natural_gas');
    await settle(page);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'factors-methods');
  });

  test('copy the national profile with the calorific convention', async () => {
    const { page, context } = s;
    await page.getByTestId('tab-profiles').click();
    await settle(page);
    const api = (await app.getJson<{ profiles: MethodProfile[] }>(context, `api/parks/${app.park}/profiles`))
      .profiles;
    expect(await page.getByTestId('profile-row').count()).toBe(api.length);
    // The demo park is in Yunnan: its accounts use the Yunnan profile unless asked otherwise, and the list says so.
    const marked = page.locator('[data-testid="profile-row"]:has([data-testid="profile-default"])');
    expect(await marked.count()).toBe(1);
    expect(await marked.getAttribute('data-profile')).toBe('yn-zero-carbon-park@1');
    const national = api.find((p) => p.id === 'cn-zero-carbon-park-2025')!;
    expect(national.electricityTce).toBe('equivalent');
    const ref = `${national.id}@${national.version}`;
    await page.locator(`[data-testid="profile-row"][data-profile="${ref}"]`).click();
    await settle(page);
    expect(await textOf(page, 'profile-detail-ref')).toBe(ref);
    expect(await page.getByTestId('profile-choice').count()).toBe(national.choices.length);
    const unverified = national.choices.filter((c) => c.status === 'unverified').length;
    expect(await page.locator('[data-testid="profile-choice"][data-status="unverified"]').count()).toBe(
      unverified,
    );
    expect(await textOf(page, 'profile-unverified-count')).toBe(`${unverified} 项未核实`);
    expect(await textOf(page, 'profile-setting-electricityTce')).toBe('等价值');

    await page.getByTestId('profile-copy-open').click();
    // A shipped id is refused by the server, under the id field.
    await page.getByTestId('pf-id').fill('yn-zero-carbon-park');
    await page.getByTestId('pf-name').fill('园区方法（当量值）');
    await page.getByTestId('pf-electricityTce').selectOption('calorific');
    await page.getByTestId('pf-reason').fill('省主管部门要求按当量值折标（示范）');
    await page.getByTestId('pf-submit').click();
    await page.getByTestId('pf-issue-id').waitFor();
    expect(await textOf(page, 'pf-issue-id')).toContain('shipped');

    const id = 'demo-calorific';
    await page.getByTestId('pf-id').fill(id);
    await page.getByTestId('pf-submit').click();
    await page.getByTestId('profile-saved').waitFor();
    await settle(page);
    const saved = (
      await app.getJson<{ profiles: MethodProfile[] }>(context, `api/parks/${app.park}/profiles`)
    ).profiles.find((p) => p.id === id)!;
    expect(saved).toMatchObject({
      version: 1,
      electricityTce: 'calorific',
      basedOn: { id: national.id, version: national.version },
      gridFactor: national.gridFactor,
    });
    expect(saved.choices.find((c) => c.field === 'electricityTce')?.note).toContain('省主管部门要求');
    expect(await textOf(page, 'profile-saved')).toContain(`${id}@1`);
    const listed = page.locator(`[data-testid="profile-row"][data-profile="${id}@1"]`);
    expect(await listed.getByTestId('profile-electricity').innerText()).toBe('当量值');
    expect(await textOf(page, 'profile-detail-ref')).toBe(`${id}@1`);
  });
});

describe('enterprise user', () => {
  test('reads the library and the profiles, with no add or copy controls', async () => {
    const { page, context, errors } = await app.session('enterprise');
    const own = app.server.users.enterprise.organisation;
    await toFactorsPage(page);
    // Under load the library's rows can come a moment after the network is idle: wait for the first.
    await page.getByTestId('lib-factor-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('lib-factor-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('factor-add-open').count()).toBe(0);
    expect(await page.getByTestId('lib-factor-add').count()).toBe(0);
    expect(await page.getByTestId('factor-form').count()).toBe(0);
    // The park's own versions are shown; other organisations' are not even sent.
    const factors = await factorsOf(context);
    expect(factors.filter((f) => f.scope.startsWith('org:')).every((f) => f.scope.endsWith(`/${own}`))).toBe(
      true,
    );
    const parkOwn = factors.find((f) => f.scope === `park:${app.park}`)!;
    await page.getByTestId('factor-search').fill(parkOwn.key);
    expect(await page.locator(row(parkOwn.key, parkOwn.scope)).count()).toBe(1);
    const refused = await context.request.post(`${app.server.url}api/parks/${app.park}/factors`, {
      data: {
        key: parkOwn.key,
        value: parkOwn.value,
        unit: parkOwn.unit,
        validFrom: '2025-02-01',
        source: 'x',
        status: 'unverified',
      },
    });
    expect(refused.status()).toBe(403);

    await page.getByTestId('tab-profiles').click();
    await settle(page);
    expect(await page.getByTestId('profile-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('profile-detail').count()).toBe(1);
    expect(await page.getByTestId('profile-copy-open').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

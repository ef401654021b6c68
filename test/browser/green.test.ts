/**
 * 绿电 in real Chromium against the real server (14-day demo park, January 2025, with the demo's green electricity:
 * the smelter ALU claims 12,000 MWh of hydro certificates a month, the data centre DC has the hourly wind trade
 * YN-GP-2025-017, the traced grid green share yn-grid-traced-2025). The park admin finds the nav entry after 碳核算,
 * the ledger's totals as the API gives them and ALU's claimed range of the month; is refused a claim without
 * evidence (the server's reason shown) and transfers a span; the matching table lists the park and every
 * organisation with the API's shares, and a row opens its heat map; DC's statement lists contract YN-GP-2025-017 and
 * downloads as JSON; the tracing tab traces the prefilled 4-bus sample and names the JSON path of a broken file. The
 * enterprise user sees its own ledger with the claim form only, and its own matching row. Screenshot:
 * docs/screenshots/green-matching.png.
 */
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Locator } from 'playwright-core';
import type { GreenStatement, LedgerView, MatchingAnswer } from '../../src/modules/green/index.ts';
import { formatCount, formatPercent, formatQuantity } from '../../web/src/format.ts';
import { SAMPLE_SNAPSHOT, SAMPLE_TEXT } from '../../web/src/features/green/trace-sample.ts';
import { open, screenshot, settle } from './browser.ts';
import { textOf, useDemoApp, useSession } from './demo-app.ts';

const app = useDemoApp();
const text = textOf;

const green = (tab: string, extra = '') => `/${app.park}/green?period=${app.month}&tab=${tab}${extra}`;
const getJson = <T>(context: BrowserContext, path: string) => app.getJson<T>(context, path);

/** An attribute of every element a locator finds, in document order. */
const attributes = async (locator: Locator, name: string) =>
  Promise.all((await locator.all()).map((l) => l.getAttribute(name)));

describe('park admin', () => {
  const s = useSession(app, 'admin');

  test('the nav entry follows 碳核算; the ledger shows the totals and ALU’s claim of the month', async () => {
    const { page, context } = s;
    const nav = await attributes(page.locator('.sidenav [data-testid^="nav-"]'), 'data-testid');
    expect(nav[nav.indexOf('nav-account') + 1]).toBe('nav-green');
    expect(await text(page, 'nav-green')).toBe('绿电');

    await open(page, app.server.url, green('ledger'));
    expect(await text(page, 'page-title')).toBe('绿电');
    const api = await getJson<LedgerView>(context, `api/parks/${app.park}/green/ledger`);
    for (const state of ['held', 'transferred', 'claimed', 'expired'] as const)
      expect(await text(page, `ledger-total-${state}-value`)).toBe(`${formatCount(api.totals[state])} MWh`);
    expect(api.totals.claimed).toBeGreaterThan(0);

    // The smelter's hydro certificates of the month: 12,000 claimed for its own consumption of that month.
    const series = `GEC-YN-HYD-LCJ-${app.month.replace('-', '')}`;
    const claimed = api.ranges.find((r) => r.series === series && r.state === 'claimed');
    expect(claimed).toMatchObject({ holder: 'ALU', claim: { consumer: 'ALU' }, mwh: 12_000 });
    const row = page.locator(
      `[data-testid="ledger-range"][data-series="${series}"][data-state="claimed"][data-holder="ALU"]`,
    );
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('ledger-range-mwh').innerText()).toBe('12,000');
    expect(await row.getByTestId('ledger-range-state').innerText()).toBe('已核销');
    const alu = app.organisationNames.get('ALU')!;
    expect(await row.getByTestId('ledger-range-holder').innerText()).toBe(alu);
    expect(await row.getByTestId('ledger-range-claim').innerText()).toBe(`${alu} · ${app.month}`);
    // The rest of the month's series stays in the park account.
    const held = page.locator(
      `[data-testid="ledger-range"][data-series="${series}"][data-state="held"][data-holder=""]`,
    );
    expect(await held.getByTestId('ledger-range-holder').innerText()).toBe('园区账户');
    expect(await page.getByTestId('ledger-event').count()).toBe(api.events.length);
  });

  test('ledger operations: a claim without evidence is refused with the server’s reason; a transfer is recorded', async () => {
    const { page, context } = s;
    await open(page, app.server.url, green('ledger'));
    const series = `GEC-YN-HYD-LCJ-${app.month.replace('-', '')}`;

    await page.getByTestId('op-kind-claim').click();
    await page.getByTestId('op-consumer').selectOption('ALU');
    await page.getByTestId('op-spans').fill(`${series}:12001-12100`);
    await page.getByTestId('op-submit').click();
    await page.getByTestId('op-refused').waitFor();
    expect(await text(page, 'op-refused')).toContain('evidence');

    const before = await getJson<LedgerView>(context, `api/parks/${app.park}/green/ledger`);
    await page.getByTestId('op-kind-transfer').click();
    await page.getByTestId('op-to').selectOption('SIL');
    await page.getByTestId('op-spans').fill(`${series}:12001-12100`);
    await page.getByTestId('op-evidence').fill('绿证划转凭证 SIL 测试');
    await page.getByTestId('op-submit').click();
    await page.getByTestId('op-done').waitFor();
    expect(await text(page, 'op-done-spans')).toBe(`${series} #12001–12100`);
    await settle(page);
    const after = await getJson<LedgerView>(context, `api/parks/${app.park}/green/ledger`);
    expect(after.totals.held).toBe(before.totals.held - 100);
    expect(after.totals.transferred).toBe(before.totals.transferred + 100);
    await expect
      .poll(() => text(page, 'ledger-total-transferred-value'))
      .toBe(`${formatCount(after.totals.transferred)} MWh`);
    expect(
      await page
        .locator(`[data-testid="ledger-range"][data-series="${series}"][data-holder="SIL"]`)
        .getByTestId('ledger-range-mwh')
        .innerText(),
    ).toBe('100');
  });

  test('matching: the park and every organisation with the API’s shares; a row opens its heat map', async () => {
    const { page, context } = s;
    await open(page, app.server.url, green('matching'));
    const api = await getJson<MatchingAnswer>(
      context,
      `api/parks/${app.park}/green/matching?period=${app.month}`,
    );
    const r = api.result;
    expect(await page.getByTestId('matching-row').count()).toBe(r.consumers.length + 1);
    const parkRow = page.locator('[data-testid="matching-row"][data-consumer="park"]');
    expect(await parkRow.getByTestId('matching-annual').innerText()).toBe(
      formatPercent(r.park.annual.matchedShare),
    );
    expect(await parkRow.getByTestId('matching-cfe').innerText()).toBe(formatPercent(r.park.cfeScore));
    for (const id of ['ALU', 'DC', 'SIL']) {
      const c = r.consumers.find((x) => x.id === id)!;
      const row = page.locator(`[data-testid="matching-row"][data-consumer="${id}"]`);
      expect(await row.innerText()).toContain(app.organisationNames.get(id));
      expect(await row.getByTestId('matching-annual').innerText()).toBe(formatPercent(c.annual.matchedShare));
      expect(await row.getByTestId('matching-monthly').innerText()).toBe(
        formatPercent(c.monthly.matchedShare),
      );
      expect(await row.getByTestId('matching-hourly').innerText()).toBe(formatPercent(c.hourly.matchedShare));
      expect(await row.getByTestId('matching-cfe').innerText()).toBe(formatPercent(c.cfeScore));
      // Annual ≥ monthly ≥ hourly, whatever the data.
      expect(c.annual.matchedMwh + 1e-6).toBeGreaterThanOrEqual(c.monthly.matchedMwh);
      expect(c.monthly.matchedMwh + 1e-6).toBeGreaterThanOrEqual(c.hourly.matchedMwh);
    }
    expect(await text(page, 'green-method')).toBe(r.method);
    expect(await text(page, 'green-grid-share-used')).toContain('yn-grid-traced-2025');

    // The data centre: its hourly wind trade counts hour by hour, its heat map is drawn.
    await page.locator('[data-testid="matching-row"][data-consumer="DC"]').click();
    await expect.poll(() => text(page, 'matching-detail')).toContain(app.organisationNames.get('DC'));
    await page.getByTestId('matching-heat-map').locator('canvas').first().waitFor();
    await settle(page);
    const dc = r.consumers.find((x) => x.id === 'DC')!;
    expect(await text(page, 'matching-detail-cfe')).toBe(formatPercent(dc.cfeScore));
    expect(await page.getByTestId('matching-months').getByTestId('month-row').count()).toBe(
      dc.byMonth.length,
    );
    expect(
      await page.locator('[data-testid="matching-supply-line"][data-kind="trade_hourly"]').count(),
    ).toBeGreaterThan(0);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'green-matching');
  });

  test('matching by contract: the park PV all to DC, as the API computes it', async () => {
    const { page, context } = s;
    await open(page, app.server.url, green('matching'));
    await page.getByTestId('green-contract').fill('OPS-EL-PV=DC:1');
    await page.getByTestId('green-contract').press('Enter');
    const pv = page.locator('[data-testid="matching-shared-row"][data-resource="OPS-EL-PV"]');
    await expect.poll(() => pv.getAttribute('data-rule')).toBe('contract');
    const api = await getJson<MatchingAnswer>(
      context,
      `api/parks/${app.park}/green/matching?period=${app.month}&contract=${encodeURIComponent('OPS-EL-PV=DC:1')}`,
    );
    const dc = api.result.consumers.find((c) => c.id === 'DC')!;
    const row = page.locator('[data-testid="matching-row"][data-consumer="DC"]');
    await expect
      .poll(() => row.getByTestId('matching-hourly').innerText())
      .toBe(formatPercent(dc.hourly.matchedShare));
    // Everything of the PV went to DC: nothing to the others.
    const given = Object.entries(api.result.shared.find((x) => x.id === 'OPS-EL-PV')!.allocatedMwh);
    expect(given.filter(([, mwh]) => mwh > 0).map(([id]) => id)).toEqual(['DC']);
  });

  test('statement: DC’s sources list contract YN-GP-2025-017; the same statement downloads as JSON', async () => {
    const { page, context } = s;
    await open(page, app.server.url, green('statement', '&org=DC'));
    const api = await getJson<GreenStatement>(
      context,
      `api/parks/${app.park}/green/statement?period=${app.month}&organisation=DC`,
    );
    expect(await text(page, 'statement-organisation')).toContain(app.organisationNames.get('DC'));
    expect(await text(page, 'statement-consumption')).toBe(formatQuantity(api.consumptionMwh, 'MWh'));
    expect(await text(page, 'statement-cfe')).toBe(formatPercent(api.shares.cfe));
    const trade = page.locator('[data-testid="statement-source"][data-kind="trade"]', {
      hasText: 'YN-GP-2025-017',
    });
    expect(await trade.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('statement-source').count()).toBe(api.sources.length);
    await page.getByTestId('statement-heat-map').locator('canvas').first().waitFor();
    expect(await page.getByTestId('statement-print').count()).toBe(1);

    const href = await page.getByTestId('statement-json').getAttribute('href');
    const res = await context.request.get(`${app.server.url}${href!.replace(/^\//, '')}`);
    expect(res.status()).toBe(200);
    const json = (await res.json()) as GreenStatement;
    expect(json.organisation.id).toBe('DC');
    expect(json.sources.some((x) => x.id === 'YN-GP-2025-017')).toBe(true);
  });

  test('tracing: the prefilled sample shows each load’s shares; a broken file names the JSON path', async () => {
    const { page, context } = s;
    await open(page, app.server.url, green('trace'));
    expect(await page.getByTestId('trace-text').inputValue()).toBe(SAMPLE_TEXT);
    await page.getByTestId('trace-run').click();
    await page.getByTestId('trace-result').waitFor();
    await settle(page);
    const res = await context.request.post(`${app.server.url}api/parks/${app.park}/green/trace`, {
      data: SAMPLE_SNAPSHOT,
    });
    const answer = (await res.json()) as {
      kind: string;
      trace: { loads: { load: string; greenShare: number; byTechnology: Record<string, number> }[] };
    };
    expect(answer.kind).toBe('snapshot');
    const park = answer.trace.loads.find((l) => l.load === 'L3-park')!;
    const row = page.locator('[data-testid="trace-load-row"][data-load="L3-park"]');
    expect(await row.getByTestId('trace-load-green').innerText()).toBe(formatPercent(park.greenShare));
    expect(await row.getByTestId('trace-load-mix').innerText()).toContain(
      `水电 ${formatPercent(park.byTechnology.hydro)}`,
    );
    await page.getByTestId('trace-chart').locator('canvas').first().waitFor();

    const broken = structuredClone(SAMPLE_SNAPSHOT);
    broken.generators[0]!.technology = 'solar';
    await page.getByTestId('trace-text').fill(JSON.stringify(broken));
    await page.getByTestId('trace-run').click();
    await page.getByTestId('trace-issues').waitFor();
    expect(await text(page, 'trace-issue')).toContain('generators[0].technology');
  });
});

describe('enterprise user', () => {
  test('sees its own ledger with the claim form only, and its own matching row', async () => {
    const { page, context, errors } = await app.session('enterprise');
    const own = app.server.users.enterprise.organisation;
    await open(page, app.server.url, green('ledger'));
    expect(await text(page, 'ledger-scope-fixed')).toBe(app.organisationNames.get(own));
    const api = await getJson<LedgerView>(context, `api/parks/${app.park}/green/ledger`);
    expect(await text(page, 'ledger-total-claimed-value')).toBe(`${formatCount(api.totals.claimed)} MWh`);
    const holders = await attributes(page.getByTestId('ledger-range'), 'data-holder');
    expect(new Set(holders)).toEqual(new Set([own]));
    expect(await page.getByTestId('op-form').count()).toBe(1);
    expect(await page.getByTestId('op-kind-transfer').count()).toBe(0);
    expect(await text(page, 'op-consumer-fixed')).toBe(app.organisationNames.get(own));
    expect(await page.getByTestId('certificates-import-card').count()).toBe(0);

    await open(page, app.server.url, green('matching'));
    expect(await attributes(page.getByTestId('matching-row'), 'data-consumer')).toEqual([own]);
    const body = await page.locator('main').innerText();
    for (const [id, name] of app.organisationNames) if (id !== own) expect(body).not.toContain(name);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('auditor', () => {
  test('reads the ledger without operation or import controls', async () => {
    const { page, context, errors } = await app.session('auditor');
    await open(page, app.server.url, green('ledger'));
    expect(await page.getByTestId('ledger-range').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('op-form').count()).toBe(0);
    expect(await page.getByTestId('certificates-import-card').count()).toBe(0);
    await open(page, app.server.url, green('grid'));
    expect(await page.getByTestId('grid-upload-card').count()).toBe(0);
    await page.getByTestId('grid-chart').locator('canvas').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});

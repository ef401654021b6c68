/**
 * 源网荷储 in real Chromium against the real server (14-day demo, January 2025): a dispatch scenario saved through the
 * API is run from the page by the park admin — in the background (`?async=true`, 202), the page polling the run and
 * showing the solver's progress, then the result — and the page's total cost equals the API's `totals.costCny`
 * formatted by web/src/format.ts, with a CSV download of the plan; an infeasible scenario lists its conflicts and
 * whether all are needed; a rolling plan shows its re-plans and deviations; a run left running by a stopped server
 * shows as interrupted; a bad file shows its errors by line; the auditor reads without the Run button; the
 * enterprise user has no entry and a forbidden message.
 * Screenshots: docs/screenshots/microgrid-*.png.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { TestServer } from '../helpers/app-server.ts';
import { formatCny, formatQuantity } from '../../web/src/format.ts';
import { open, screenshot, settle } from './browser.ts';
import { textOf, useDemoApp, useSession } from './demo-app.ts';

const app = useDemoApp();
let server: TestServer;
let park: string;

const DISPATCH_ID = 'dispatch-jan-10';
const INFEASIBLE_ID = 'dispatch-jan-10-tight';
const ROLLING_ID = 'rolling-jan-10';
const INTERRUPTED_ID = 'dispatch-jan-10-interrupted';

const DISPATCH_YAML = `# Day-ahead plan for 10 January 2025: park storage and one flexible load.
version: 1
id: ${DISPATCH_ID}
kind: dispatch
name: 日前计划：储能与电动车队（2025-01-10）
date: '2025-01-10'
load:
  source: metered
  stepMinutes: 15
pv:
  tiltDeg: 25
  azimuthDeg: 180
  lossesShare: 0.14
pvKw: 8000
storage:
  roundTripEfficiency: 0.88
  minSocShare: 0.1
  maxSocShare: 0.95
  existingKwh: 10000
  existingKw: 5000
  initialSocShare: 0.5
shiftable:
  - { id: ev-fleet, energyKwh: 3000, maxKw: 800, from: '09:00', to: '17:00' }
tariff: yunnan-2025-demo
objective: cost
`;

const INFEASIBLE_YAML = `# The same day with a grid connection far below the load and no storage: no plan exists.
version: 1
id: ${INFEASIBLE_ID}
kind: dispatch
name: 受限接入：购电上限 100 kW（2025-01-10）
date: '2025-01-10'
load:
  source: metered
  stepMinutes: 15
gridImportLimitKw: 100
tariff: yunnan-2025-demo
objective: cost
`;

/** Load 100 kW every hour, 120 kW at 10:00 in fact; windows of 6 h carried out 3 h at a time: 8 re-plans. */
const ROLLING_YAML = `version: 1
id: ${ROLLING_ID}
kind: dispatch
name: 滚动计划（2025-01-10）
date: '2025-01-10'
load: { source: csv, start: '2025-01-10 00:00', stepMinutes: 60, values: [${new Array(24).fill(100).join(', ')}] }
tariff: yunnan-2025-demo
monthPeakSoFarKw: 1000
objective: cost
rolling: { windowSteps: 6, commitSteps: 3 }
actual:
  load: { start: '2025-01-10 00:00', stepMinutes: 60, values: [${Array.from({ length: 24 }, (_, h) => (h === 10 ? 120 : 100)).join(', ')}] }
`;

interface Totals {
  costCny: number;
  energyCostCny: number;
  demandChargeCny: number;
  peakKw: number;
}

beforeAll(async () => {
  ({ server, park } = app);
  const { context } = await app.session('admin');
  for (const [id, yaml] of [
    [DISPATCH_ID, DISPATCH_YAML],
    [INFEASIBLE_ID, INFEASIBLE_YAML],
    [ROLLING_ID, ROLLING_YAML],
    [INTERRUPTED_ID, DISPATCH_YAML.replace(`id: ${DISPATCH_ID}`, `id: ${INTERRUPTED_ID}`)],
  ] as const) {
    const res = await context.request.put(`${server.url}api/parks/${park}/microgrid/scenarios/${id}`, {
      headers: { 'content-type': 'application/yaml' },
      data: yaml,
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await context.close();
});

const text = textOf;

describe('park admin', () => {
  const s = useSession(app, 'admin');

  test('the list shows both scenarios, kind and "not run"', async () => {
    const { page } = s;
    await page.getByTestId('nav-microgrid').click();
    await settle(page);
    expect(await text(page, 'nav-microgrid')).toBe('源网荷储');
    expect(await text(page, `scenario-row-${DISPATCH_ID}`)).toContain('调度计划');
    expect(await text(page, `scenario-status-${DISPATCH_ID}`)).toBe('未运行');
  });

  test('run a dispatch in the background: progress, then KPIs equal to the API totals, charts, CSV', async () => {
    const { page, context } = s;
    await open(page, server.url, `/${park}/microgrid/${DISPATCH_ID}`);
    expect(await text(page, 'scenario-title')).toContain('2025-01-10');
    // The demo's day plan solves well within one poll, before HiGHS reports any iteration: until the test has looked
    // at the progress card, the polls of the run are answered with the server's own answer turned into a running one
    // with iterations (the shape GET /runs/:run gives while this server solves it). Then the real answers go through.
    let released = false;
    const polls: string[] = [];
    await page.route('**/microgrid/runs/*', async (route) => {
      polls.push(route.request().url());
      const real = await route.fetch();
      if (released) return route.fulfill({ response: real });
      const body = (await real.json()) as Record<string, unknown>;
      return route.fulfill({
        response: real,
        json: {
          ...body,
          status: 'running',
          finishedAtMs: null,
          summary: null,
          result: null,
          progress: {
            phase: 'solving',
            elapsedMs: 2_300,
            iterations: 4_321,
            objective: null,
            solveElapsedMs: 1_800,
            lastLog: 'Iteration 4321',
          },
        },
      });
    });
    const started = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().includes(`/microgrid/scenarios/${DISPATCH_ID}/runs`),
    );
    await page.getByTestId('microgrid-run').click();
    const post = await started;
    expect(post.url()).toMatch(/\/runs\?async=true$/);
    expect(post.status()).toBe(202);
    const { runId } = (await post.json()) as { runId: number; status: string };
    await page.getByTestId('run-progress').waitFor();
    expect(await text(page, 'run-progress-phase')).toBe(`运行 #${runId}：求解器计算中…`);
    expect(await text(page, 'run-progress-iterations')).toBe('4,321');
    expect(await text(page, 'run-progress-elapsed')).toBe('2.3 s');
    expect(await page.getByTestId('microgrid-run').isDisabled()).toBe(true);
    await screenshot(page, 'microgrid-progress-admin', false);
    released = true;
    await expect.poll(() => text(page, 'run-status'), { timeout: 60_000 }).toBe('已求得最优解');
    await page.unroute('**/microgrid/runs/*');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.every((u) => u.endsWith(`/microgrid/runs/${runId}`))).toBe(true);
    await settle(page);
    const scenario = await app.getJson<{ runs: { id: number; status: string }[] }>(
      context,
      `api/parks/${park}/microgrid/scenarios/${DISPATCH_ID}`,
    );
    const latest = scenario.runs[0]!;
    expect(latest).toMatchObject({ id: runId, status: 'optimal' });
    const r = await app.getJson<{ result: { status: string; totals: Totals } }>(
      context,
      `api/parks/${park}/microgrid/runs/${latest.id}`,
    );
    expect(r.result.status).toBe('optimal');
    expect(await text(page, 'kpi-total-cost-value')).toBe(formatCny(r.result.totals.costCny));
    expect(await text(page, 'kpi-energy-cost-value')).toBe(formatCny(r.result.totals.energyCostCny));
    expect(await text(page, 'kpi-demand-charge-value')).toBe(formatCny(r.result.totals.demandChargeCny));
    expect(await text(page, 'kpi-peak-value')).toBe(formatQuantity(r.result.totals.peakKw, 'kW'));
    await page.getByTestId('dispatch-stack').locator('canvas').first().waitFor();
    await page.getByTestId('soc-chart').locator('canvas').first().waitFor();
    expect(
      await page.locator('[data-testid="run-row"] [data-status]').first().getAttribute('data-status'),
    ).toBe('optimal');
    // The CSV link: one row per 15-minute step of the day, with the session cookie.
    const csvLink = page.getByTestId('run-csv');
    expect(await csvLink.innerText()).toBe('下载 CSV');
    const href = (await csvLink.getAttribute('href'))!;
    expect(href).toBe(`/api/parks/${park}/microgrid/runs/${latest.id}?format=csv`);
    const csv = await context.request.get(new URL(href, server.url).href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(97);
    expect(lines[0]!.split(',')).toContain('grid_import_kw');
    // Reloading shows the same run from GET /runs/:run.
    await page.reload();
    await settle(page);
    expect(await text(page, 'kpi-total-cost-value')).toBe(formatCny(r.result.totals.costCny));
    expect(await page.getByTestId('run-row').count()).toBe(1);
    await screenshot(page, 'microgrid-dispatch-admin');
  });

  test('an infeasible scenario lists which constraint, by how much and when', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/microgrid/${INFEASIBLE_ID}`);
    await page.getByTestId('microgrid-run').click();
    await page.getByTestId('conflicts').waitFor({ timeout: 60_000 });
    await settle(page);
    expect(await text(page, 'run-status')).toBe('约束冲突');
    expect(await text(page, 'conflicts-title')).toContain('约束相互冲突');
    const first = page.getByTestId('conflict').first();
    expect(await first.getAttribute('data-constraint')).toMatch(/^grid_import_limit/);
    expect(await first.getByTestId('conflict-name').innerText()).toContain('购电功率上限');
    expect(await first.getByTestId('conflict-relax').innerText()).toMatch(/需放宽 [\d,.]+ k?W/);
    expect(await first.getByTestId('conflict-steps').innerText()).toMatch(/\d\d:\d\d–\d\d:\d\d/);
    // One way out (the import limit): no alternatives to choose from, and no CSV without a plan.
    expect(await page.getByTestId('conflicts-mode').getAttribute('data-mode')).toBe('all');
    expect(await page.getByTestId('run-csv').count()).toBe(0);
    await screenshot(page, 'microgrid-infeasible-admin');
  });

  test('a rolling plan shows its re-plans and where reality departed from them', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/microgrid/${ROLLING_ID}`);
    await page.getByTestId('microgrid-run').click();
    await page.getByTestId('rolling-summary').waitFor({ timeout: 60_000 });
    await settle(page);
    expect(await text(page, 'rolling-replans')).toBe(
      '共重新规划 8 次，每次优化 6 个时段（6 小时）、执行其中前 3 个（3 小时）。',
    );
    // 20 kWh more load at 10:00, all of it bought: import +20 kWh against the plans.
    expect(await text(page, 'rolling-deviations')).toContain('1 个时段的实际情况偏离预测');
    expect(await text(page, 'rolling-deviations')).toContain('购电 +20 kWh');
  });

  test('a run left running by a stopped server shows as interrupted; running again replaces it', async () => {
    const { page } = s;
    await server.db.pool.query(
      `INSERT INTO microgrid_run (park_id, scenario_id, spec, status, started_by)
       SELECT park_id, id, spec, 'running', 'admin' FROM microgrid_scenario WHERE park_id = $1 AND id = $2`,
      [park, INTERRUPTED_ID],
    );
    await open(page, server.url, `/${park}/microgrid/${INTERRUPTED_ID}`);
    await page.getByTestId('run-interrupted').waitFor();
    expect(await text(page, 'run-interrupted')).toContain('已中断');
    expect(
      await page.locator('[data-testid="run-row"] [data-status]').first().getAttribute('data-status'),
    ).toBe('interrupted');
    expect(await page.getByTestId('microgrid-run').isDisabled()).toBe(false);
    await page.getByTestId('microgrid-run').click();
    await expect.poll(() => text(page, 'run-status'), { timeout: 60_000 }).toBe('已求得最优解');
    await settle(page);
    expect(await page.getByTestId('run-row').count()).toBe(2);
  });

  test('a bad file is not saved and its errors are shown by line', async () => {
    const { page } = s;
    await open(page, server.url, `/${park}/microgrid/${DISPATCH_ID}`);
    const area = page.getByTestId('scenario-text');
    const original = await area.inputValue();
    await area.fill(original.replace('objective: cost', 'objective: cheapest'));
    await page.getByTestId('scenario-save').click();
    await page.getByTestId('scenario-errors').waitFor();
    expect(await text(page, 'scenario-issue')).toMatch(/第 \d+ 行/);
    expect(await text(page, 'scenario-errors')).toContain('objective');
  });
});

describe('auditor', () => {
  test('reads the scenario and its result, without the Run button or Save', async () => {
    const { page, context, errors } = await app.session('auditor');
    await expect.poll(() => page.getByTestId('nav-microgrid').count()).toBe(1);
    await open(page, server.url, `/${park}/microgrid/${DISPATCH_ID}`);
    expect(await text(page, 'scenario-title')).toContain('2025-01-10');
    expect(await page.getByTestId('microgrid-run').count()).toBe(0);
    expect(await page.getByTestId('scenario-save').count()).toBe(0);
    expect(await page.getByTestId('scenario-text').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('kpi-total-cost-value').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('enterprise user', () => {
  test('has no nav entry, and the URL shows a forbidden message', async () => {
    const { page, context, errors } = await app.session('enterprise');
    expect(await page.getByTestId('nav-microgrid').count()).toBe(0);
    await open(page, server.url, `/${park}/microgrid/${DISPATCH_ID}`);
    expect(await text(page, 'error-message')).toContain('仅对园区管理员和核查员开放');
    const res = await context.request.get(`${server.url}api/parks/${park}/microgrid/scenarios`);
    expect(res.status()).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });
});

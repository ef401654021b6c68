/**
 * Rolling dispatch: with perfect forecasts and one window it is the day-ahead plan; a forecast error changes the next
 * plan as worked out by hand; the month's peak is carried from plan to plan (and reset in a new month); and every
 * rolled plan balances energy and keeps the storage within bounds on every step carried out.
 */
import { fc, test as propTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { solveDispatch } from './dispatch-lp.ts';
import { carryOut, solveRollingDispatch, type RollingOptions } from './rolling-dispatch.ts';
import { expectPlanWithinBounds, scenario, tariff } from './dispatch-test-fixtures.ts';
import { createLpSolver } from './solver.ts';
import type { DispatchScenario, RollingDispatchPlan } from './types.ts';

const solver = createLpSolver();
afterAll(() => solver.close());

async function rolled(
  s: DispatchScenario,
  prices: number[],
  r: RollingOptions,
): Promise<RollingDispatchPlan> {
  const result = await solveRollingDispatch(s, prices, r, { solver });
  if (result.status !== 'optimal') throw new Error(`expected a plan, got ${JSON.stringify(result)}`);
  return result;
}

const flat = (n: number, v: number) => new Array<number>(n).fill(v);
/** Rounded to 1e-6 (and −0 made 0) for exact comparison with hand-computed values. */
const round6 = (values: number[]) => values.map((x) => Math.round(x * 1e6) / 1e6 + 0);

describe('carryOut — one step against the actual load and PV', () => {
  const site = {
    hours: 1,
    importLimitKw: Infinity,
    exportAllowed: true,
    exportLimitKw: 30,
    exportPays: true,
    storage: { etaC: 1, etaD: 1, minKwh: 0, maxKwh: 100 },
  };
  test('less PV than planned: the storage still charges as planned, the grid gives the difference', () => {
    // Planned: PV 50 kW = load 20 + charge 30. Actual PV 35: 15 kW short → imported; SoC 40 + 30 = 70 kWh.
    const r = carryOut(
      { importKw: 0, exportKw: 0, pvUsedKw: 50, chargeKw: 30, dischargeKw: 0 },
      { loadKw: 20, shiftableKw: 0, pvKw: 35 },
      40,
      site,
    );
    expect(r).toMatchObject({ importKw: 15, pvUsedKw: 35, chargeKw: 30, pvCurtailedKw: 0, socKwh: 70 });
  });

  test('a lower load than planned: imports fall, then the discharge, then PV is exported up to the limit', () => {
    // Planned: load 100 = import 20 + discharge 50 + PV 30. Actual load 10, PV 60. With the planned 30 kW of PV
    // the surplus is 30 + 20 + 50 − 10 = 90: import 20 → 0 (70 left), discharge 50 → 0 (20 left), 20 kW of PV
    // curtailed (PV used 10). Then curtailed PV (60 − 10 = 50 kW) is exported up to the 30 kW limit: PV used 40,
    // export 30, curtailed 20. SoC unchanged: 40 kWh.
    const r = carryOut(
      { importKw: 20, exportKw: 0, pvUsedKw: 30, chargeKw: 0, dischargeKw: 50 },
      { loadKw: 10, shiftableKw: 0, pvKw: 60 },
      40,
      site,
    );
    expect(r).toMatchObject({ importKw: 0, dischargeKw: 0, exportKw: 30, pvUsedKw: 40, pvCurtailedKw: 20 });
    expect(r.socKwh).toBe(40);
  });
});

describe('solveRollingDispatch — cases worked out by hand', () => {
  test('perfect forecasts and one window: the rolling plan costs what the day-ahead plan costs', async () => {
    // 96 quarter hours: valley 0.3 for 32 steps, peak 1.1 for 32, flat 0.6 for 32; PV at midday; a shiftable load;
    // a demand charge. Re-planning the rest of the same day from the state reached cannot find a cheaper rest
    // (the first plan was optimal for it), so every re-plan keeps the first plan's cost.
    const T = 96;
    const prices = [...flat(32, 0.3), ...flat(32, 1.1), ...flat(32, 0.6)];
    const pv = Array.from({ length: T }, (_, t) =>
      t >= 36 && t < 68 ? 300 * Math.sin(((t - 36) / 32) * Math.PI) : 0,
    );
    const load = Array.from({ length: T }, (_, t) => 200 + 80 * Math.sin((t / T) * 2 * Math.PI));
    const s = scenario({
      stepMinutes: 15,
      loadKw: load,
      pvKw: pv,
      storage: {
        energyKwh: 400,
        powerKw: 150,
        roundTripEfficiency: 0.9,
        minSocShare: 0.1,
        maxSocShare: 0.95,
        initialSocShare: 0.5,
      },
      shiftable: [{ id: 'ev', energyKwh: 300, maxKw: 100, window: [20, 60] }],
      tariff: tariff({ demandChargePerKwMonth: 30, exportPrice: 0.2 }),
      monthPeakSoFarKw: 150,
    });
    const dayAhead = await solveDispatch(s, prices, { solver });
    if (dayAhead.status !== 'optimal') throw new Error('day-ahead plan expected');
    const r = await rolled(s, prices, { windowSteps: 96, commitSteps: 4 });
    expect(r.rolling.replans).toBe(24);
    expect(r.rolling.deviations.steps).toBe(0);
    expect(Math.abs(r.totals.costCny - dayAhead.totals.costCny)).toBeLessThan(1e-5 * dayAhead.totals.costCny);
    expect(r.totals.demandChargeCny).toBeCloseTo(dayAhead.totals.demandChargeCny, 4);
    expect(r.shiftableKw.ev!.reduce((a, b) => a + b, 0) * 0.25).toBeCloseTo(300, 6);
    expect(r.socKwh.at(-1)!).toBeGreaterThanOrEqual(200 - 1e-6);
  });

  test('a forecast error: the load at step 0 is lower, the storage keeps 6 kWh, and the next plan charges less', async () => {
    // Hourly, prices 1.0, 0.5, 0.8; forecast load 10 kW each hour; storage 10 kWh / 10 kW, η = 1, full at the start,
    // may end empty. The first plan: discharge 10 at step 0 (1.0), recharge 10 at step 1 (0.5), discharge 10 at
    // step 2 (0.8): imports 0, 20, 0.
    // Step 0 really draws 4 kW: the discharge is cut to 4 (no export of stored energy); 6 kWh stay.
    // Re-plan at step 1 from 6 kWh: charging x at 0.5 for step 2 at 0.8 saves 0.3 x, but step 2 can take only
    // 10 kWh, so x = 4: import 14 at step 1, then the 10 kWh stored cover step 2. Cost 14 × 0.5 = 7.0 CNY
    // (against the forecast plan's 20 × 0.5 = 10).
    const s = scenario({
      loadKw: [10, 10, 10],
      storage: {
        energyKwh: 10,
        powerKw: 10,
        roundTripEfficiency: 1,
        minSocShare: 0,
        maxSocShare: 1,
        initialSocShare: 1,
        finalSocShare: 0,
      },
    });
    const r = await rolled(s, [1.0, 0.5, 0.8], {
      windowSteps: 3,
      commitSteps: 1,
      actual: { loadKw: [4, 10, 10] },
    });
    expect(r.rolling.replans).toBe(3);
    expect(r.dischargeKw[0]).toBeCloseTo(4, 6);
    expect(r.chargeKw[1]).toBeCloseTo(4, 6);
    expect(r.dischargeKw[2]).toBeCloseTo(10, 6);
    expect(round6(r.gridImportKw)).toEqual([0, 14, 0]);
    expect(r.socKwh[0]).toBeCloseTo(6, 6);
    expect(r.socKwh[1]).toBeCloseTo(10, 6);
    expect(r.totals.costCny).toBeCloseTo(7, 6);
    expect(r.rolling.windows[1]!.initialSocKwh).toBeCloseTo(6, 6);
    expect(r.rolling.forecastLoadKw).toEqual([10, 10, 10]);
    expect(r.loadKw).toEqual([4, 10, 10]);
    expect(r.rolling.deviations.steps).toBe(1);
  });

  test("the month's peak is carried from plan to plan: a later plan uses the peak already paid for", async () => {
    // Hourly, windows of 2 steps carried out whole. Load 100, 20, 20, 20 kW; a kiln needs 80 kWh in steps 2–3 at
    // ≤ 80 kW; prices 0.5, 0.5, 0.4, 0.6; demand charge 10 CNY/kW. The first plan sets the peak at 100 kW (1,000
    // CNY). The second plan knows it: running the kiln entirely at step 2 (import 100 kW) costs no demand charge and
    // uses the cheaper hour. Energy 0.5 × 120 + 0.4 × 100 + 0.6 × 20 = 112 CNY; demand 1,000; total 1,112.
    const s = scenario({
      loadKw: [100, 20, 20, 20],
      shiftable: [{ id: 'kiln', energyKwh: 80, maxKw: 80, window: [2, 4] }],
      tariff: tariff({ demandChargePerKwMonth: 10 }),
    });
    const prices = [0.5, 0.5, 0.4, 0.6];
    const r = await rolled(s, prices, { windowSteps: 2, commitSteps: 2 });
    expect(round6(r.gridImportKw)).toEqual([100, 20, 100, 20]);
    expect(r.totals.energyCostCny).toBeCloseTo(112, 6);
    expect(r.totals.demandChargeCny).toBeCloseTo(1000, 6);
    expect(r.totals.costCny).toBeCloseTo(1112, 6);

    // Steps 2–3 in a new month: its peak starts from 0, so the kiln is split to 40 + 40 kW (imports 60 and 60:
    // 10 × 60 = 600 CNY beats 10 × 100 − 0.2 × 40 saved on energy). Demand 1,000 + 600; energy 60 + 24 + 36 = 120.
    const m = await rolled(s, prices, { windowSteps: 2, commitSteps: 2, monthOfStep: [0, 0, 1, 1] });
    expect(round6(m.gridImportKw)).toEqual([100, 20, 60, 60]);
    expect(m.totals.demandChargeCny).toBeCloseTo(1600, 6);
    expect(m.totals.costCny).toBeCloseTo(1720, 6);
  });

  test('a shiftable window longer than the look-ahead: only what cannot come later is required now', async () => {
    // 4 hourly steps, load 0, a 60 kWh load at ≤ 30 kW in steps 0–3; prices 0.9, 0.9, 0.2, 0.2; windows of 2.
    // The first plan (steps 0–1) may leave up to 2 × 30 = 60 kWh for steps 2–3: it runs nothing. The second runs
    // 30 + 30 kW at 0.2: cost 12 CNY (a day-ahead plan would do the same).
    const s = scenario({
      loadKw: [0, 0, 0, 0],
      shiftable: [{ id: 'ev', energyKwh: 60, maxKw: 30, window: [0, 4] }],
    });
    const seen: { from: number; to: number }[] = [];
    const r = await rolled(s, [0.9, 0.9, 0.2, 0.2], {
      windowSteps: 2,
      commitSteps: 2,
      forecast: (w) => {
        seen.push(w);
        return { loadKw: s.loadKw.slice(w.from, w.to), pvKw: s.pvKw.slice(w.from, w.to) };
      },
    });
    expect(seen).toEqual([
      { from: 0, to: 2 },
      { from: 2, to: 4 },
    ]);
    expect(round6(r.shiftableKw.ev!)).toEqual([0, 0, 30, 30]);
    expect(r.totals.costCny).toBeCloseTo(12, 6);
  });

  test('a re-plan with no solution is reported with the steps of the horizon', async () => {
    // Import limit 50 kW; step 5's load is 80 kW and nothing else can supply it: the limit must rise by 30 kW there.
    const load = flat(8, 40);
    load[5] = 80;
    const r = await solveRollingDispatch(
      scenario({ loadKw: load, gridImportLimitKw: 50 }),
      flat(8, 0.5),
      { windowSteps: 3, commitSteps: 2 },
      { solver },
    );
    if (r.status !== 'infeasible') throw new Error(`expected infeasible, got ${r.status}`);
    expect(r.conflicts[0]).toMatchObject({ constraint: 'grid_import_limit:grid', relaxBy: 30, steps: [5] });
    expect(r.message).toMatch(/re-plan at step 4/);
  });
});

// ---- properties of every rolled plan --------------------------------------------------------------------------------

const rollingArb = fc
  .record({
    steps: fc.integer({ min: 4, max: 20 }),
    window: fc.integer({ min: 1, max: 10 }),
    commitShare: fc.double({ min: 0, max: 1, noNaN: true }),
    seedLoad: fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 20, maxLength: 20 }),
    seedPv: fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 20, maxLength: 20 }),
    seedPrice: fc.array(fc.double({ min: 0.1, max: 1.5, noNaN: true }), { minLength: 20, maxLength: 20 }),
    loadError: fc.option(
      fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 20, maxLength: 20 }),
      {
        nil: undefined,
      },
    ),
    pvError: fc.option(
      fc.array(fc.double({ min: 0, max: 1.5, noNaN: true }), { minLength: 20, maxLength: 20 }),
      {
        nil: undefined,
      },
    ),
    storage: fc.option(
      fc.record({
        energyKwh: fc.double({ min: 1, max: 400, noNaN: true }),
        powerKw: fc.double({ min: 1, max: 200, noNaN: true }),
        roundTripEfficiency: fc.double({ min: 0.6, max: 1, noNaN: true }),
        minSocShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
        maxSocShare: fc.double({ min: 0.7, max: 1, noNaN: true }),
        initialSocShare: fc.double({ min: 0.3, max: 0.7, noNaN: true }),
      }),
      { nil: undefined },
    ),
    shiftable: fc.array(
      fc.record({
        energyKwh: fc.double({ min: 0, max: 200, noNaN: true }),
        maxKw: fc.double({ min: 20, max: 200, noNaN: true }),
        from: fc.integer({ min: 0, max: 10 }),
        length: fc.integer({ min: 1, max: 20 }),
      }),
      { maxLength: 2 },
    ),
    exportPrice: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    exportLimit: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
    demandCharge: fc.constantFrom(0, 40),
    objective: fc.constantFrom('cost' as const, 'co2' as const, 'green_self_consumption' as const),
  })
  .map((r) => {
    const s = scenario({
      loadKw: r.seedLoad.slice(0, r.steps),
      pvKw: r.seedPv.slice(0, r.steps),
      storage: r.storage,
      shiftable: r.shiftable.map((x, i) => ({
        id: `s${i}`,
        energyKwh: x.energyKwh,
        maxKw: x.maxKw,
        window: [Math.min(x.from, r.steps - 1), Math.min(r.steps, x.from + x.length)] as [number, number],
      })),
      gridExportLimitKw: r.exportLimit,
      tariff: tariff({ exportPrice: r.exportPrice, demandChargePerKwMonth: r.demandCharge }),
      objective: r.objective,
    });
    const commit = Math.max(1, Math.ceil(r.commitShare * r.window));
    const actual = {
      ...(r.loadError ? { loadKw: s.loadKw.map((v, t) => v * r.loadError![t]!) } : {}),
      ...(r.pvError ? { pvKw: s.pvKw.map((v, t) => v * r.pvError![t]!) } : {}),
    };
    return {
      s,
      prices: r.seedPrice.slice(0, r.steps),
      rolling: { windowSteps: r.window, commitSteps: commit, actual },
    };
  });

describe('solveRollingDispatch — properties', () => {
  propTest.prop([rollingArb], { numRuns: 40 })(
    'every step carried out balances energy within 1e-6 and keeps state of charge, storage power, PV and export ' +
      'within bounds; shiftable loads get their energy in their windows',
    async ({ s, prices, rolling }) => {
      const r = await solveRollingDispatch(s, prices, rolling, { solver });
      expect(r.status).not.toBe('error');
      if (r.status === 'infeasible') {
        expect(r.conflicts.length).toBeGreaterThan(0);
        return;
      }
      if (r.status !== 'optimal') return;
      const h = 1;
      const tol = 1e-6;
      const load = rolling.actual.loadKw ?? s.loadKw;
      const pv = rolling.actual.pvKw ?? s.pvKw;
      expect(r.rolling.replans).toBe(Math.ceil(s.loadKw.length / rolling.commitSteps));
      // The steps carried out meet the actual load with the actual PV.
      expectPlanWithinBounds(s, r, { loadKw: load, pvKw: pv });
      // Exports come from PV, never from the grid through the storage.
      for (let t = 0; t < s.loadKw.length; t++)
        expect(r.gridExportKw[t]!).toBeLessThanOrEqual(r.pvUsedKw[t]! + tol);
      // Without forecast errors the plans are carried out as made, and the totals add up from the steps.
      if (!rolling.actual.loadKw && !rolling.actual.pvKw) expect(r.rolling.deviations.steps).toBe(0);
      const importKwh = r.gridImportKw.reduce((a, b) => a + b, 0) * h;
      expect(r.totals.gridImportKwh).toBeCloseTo(importKwh, 6);
    },
  );
});

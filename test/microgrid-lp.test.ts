/**
 * The sizing and dispatch LPs with the module's own PV model and tariff (the pieces a park scenario is made of):
 * a day-ahead plan under the demo time-of-use tariff, and a sizing on representative days of a PV-model year.
 * Every plan is checked against an independent recomputation (prices × imports, energy balance per step).
 */
import { afterAll, describe, expect, test } from 'vitest';
import {
  createLpSolver,
  priceSeries,
  pvShape,
  solveDispatch,
  solveSizing,
  YUNNAN_2025_DEMO_TARIFF,
  type DispatchScenario,
  type SizingResult,
} from '../src/modules/microgrid/index.ts';

const TZ = 'Asia/Shanghai';
const solver = createLpSolver();
afterAll(() => solver.close());

const pvOptions = {
  timeZone: TZ,
  year: 2025,
  latitude: 25.04,
  longitude: 102.71,
  tiltDeg: 25,
  azimuthDeg: 180,
  lossesShare: 0.14,
  monthlyClearness: new Array<number>(12).fill(0.55),
};

describe('a day-ahead plan under the demo tariff', () => {
  test('arbitrage, PV and a shiftable load; the costs recompute from prices × imports', async () => {
    const startMs = Date.parse('2025-07-15T00:00:00+08:00');
    const pv = pvShape({ ...pvOptions, stepMinutes: 15 });
    const first = Math.round((startMs - pv.startMs) / 900_000);
    const pvKw = pv.valuesKw.slice(first, first + 96).map((x) => x * 2000);
    const loadKw = Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 80 ? 4500 : 3000));
    const prices = priceSeries(YUNNAN_2025_DEMO_TARIFF, startMs, 96, 15, TZ);
    const scenario: DispatchScenario = {
      id: 'demo-day',
      name: 'demo day',
      stepMinutes: 15,
      startMs,
      loadKw,
      pvKw,
      storage: {
        energyKwh: 4000,
        powerKw: 1000,
        roundTripEfficiency: 0.88,
        minSocShare: 0.1,
        maxSocShare: 0.95,
        initialSocShare: 0.5,
      },
      shiftable: [{ id: 'ev', energyKwh: 2000, maxKw: 600, window: [0, 28] }],
      tariff: YUNNAN_2025_DEMO_TARIFF,
      gridImportLimitKw: 6000,
      monthPeakSoFarKw: 4000,
      gridFactorTco2PerMwh: 0.5703,
      objective: 'cost',
    };
    const plan = await solveDispatch(scenario, prices.energyPrice, { solver });
    expect(plan.status).toBe('optimal');
    if (plan.status !== 'optimal') return;
    let energyCost = 0;
    for (let t = 0; t < 96; t++) {
      const supply = plan.pvUsedKw[t]! + plan.gridImportKw[t]! + plan.dischargeKw[t]!;
      const use = loadKw[t]! + plan.shiftableKw.ev![t]! + plan.chargeKw[t]! + plan.gridExportKw[t]!;
      expect(Math.abs(supply - use)).toBeLessThan(1e-6);
      energyCost += prices.energyPrice[t]! * plan.gridImportKw[t]! * 0.25;
    }
    expect(plan.totals.energyCostCny).toBeCloseTo(energyCost, 6);
    // Charging at the peak price never pays (PV never exceeds the load here): no charging in peak steps, and the
    // storage discharges in them.
    const inPeak = (series: number[]) =>
      series.reduce((a, x, t) => a + (prices.priceClass[t] === 'peak' ? x * 0.25 : 0), 0);
    expect(inPeak(plan.chargeKw)).toBeLessThan(1e-6);
    expect(inPeak(plan.dischargeKw)).toBeGreaterThan(100);
    expect(plan.shiftableKw.ev!.reduce((a, b) => a + b * 0.25, 0)).toBeCloseTo(2000, 6);
    expect(plan.totals.peakKw).toBeLessThanOrEqual(6000 + 1e-6);
  });
});

describe('a sizing on representative days of a PV-model year', () => {
  test('meets the target; the cost parts add up; the days keep the year’s load', async () => {
    const pv = pvShape(pvOptions);
    const steps = pv.valuesKw.length; // 8,760
    const prices = priceSeries(YUNNAN_2025_DEMO_TARIFF, pv.startMs, steps, 60, TZ);
    const month = new Intl.DateTimeFormat('en-US', { timeZone: TZ, month: 'numeric' });
    const monthOfStep = Array.from(
      { length: steps },
      (_, t) => Number(month.format(pv.startMs + t * 3_600_000)) - 1,
    );
    const loadKw = Array.from({ length: steps }, (_, t) => {
      const hour = t % 24;
      return (hour >= 8 && hour < 20 ? 5000 : 3500) * (1 + 0.1 * Math.sin((2 * Math.PI * t) / 8760));
    });
    const input = {
      stepMinutes: 60 as const,
      loadKw,
      pvPerKw: pv.valuesKw,
      energyPrice: prices.energyPrice,
      monthOfStep,
      exportPrice: YUNNAN_2025_DEMO_TARIFF.exportPrice,
      demandChargePerKwMonth: YUNNAN_2025_DEMO_TARIFF.demandChargePerKwMonth,
      costs: {
        pv: { capexPerUnit: 3200, lifetimeYears: 25, omShare: 0.01, maxUnits: 30_000 },
        storageEnergy: { capexPerUnit: 850, lifetimeYears: 12, omShare: 0.02 },
        storagePower: { capexPerUnit: 280, lifetimeYears: 12, omShare: 0.02 },
      },
      storage: { roundTripEfficiency: 0.88, minSocShare: 0.1, maxSocShare: 0.95 },
      discountRate: 0.06,
      gridFactorTco2PerMwh: 0.5703,
      target: { kind: 'green_share_annual' as const, share: 0.5 },
    };
    const r = await solveSizing(input, { solver, representativeDays: 12 });
    expect(r.status).toBe('optimal');
    const s = r as SizingResult;
    expect(monthOfStep[0]).toBe(0);
    expect(s.representativeDays!.reduce((a, d) => a + d.weight, 0)).toBe(365);
    const yearLoadKwh = loadKw.reduce((a, b) => a + b, 0);
    expect(Math.abs(s.energy.loadKwh - yearLoadKwh) / yearLoadKwh).toBeLessThan(1e-9);
    expect(s.greenShare).toBeGreaterThanOrEqual(0.5 - 1e-7);
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    const c = s.cost;
    expect(c.totalCny).toBeCloseTo(
      sum(c.annualisedCapexCny) + sum(c.omCny) + c.energyCny + c.demandCny - c.exportRevenueCny,
      4,
    );
    expect(s.levelisedCostCnyPerKwh).toBeCloseTo(c.totalCny / s.energy.loadKwh, 12);
    expect(s.capacities.pv.total).toBeGreaterThan(0);
  });

  test('an hour-by-hour 100 % target with PV alone is explained, not just refused', async () => {
    const pv = pvShape(pvOptions);
    const steps = 24 * 28;
    const r = await solveSizing(
      {
        stepMinutes: 60,
        loadKw: new Array<number>(steps).fill(1000),
        pvPerKw: pv.valuesKw.slice(0, steps),
        energyPrice: new Array<number>(steps).fill(0.5),
        monthOfStep: new Array<number>(steps).fill(0),
        exportPrice: null,
        demandChargePerKwMonth: 0,
        costs: { pv: { capexPerUnit: 3200, lifetimeYears: 25, omShare: 0.01, maxUnits: 5000 } },
        discountRate: 0.06,
        gridFactorTco2PerMwh: 0.5703,
        target: { kind: 'green_share_hourly', share: 1 },
      },
      { solver },
    );
    expect(r.status).toBe('infeasible');
    if (r.status !== 'infeasible') return;
    // At night nothing but the grid can serve the load: only the target can give way, by 100 points.
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ constraint: 'target:green_share_hourly', relaxBy: 100 });
    expect(r.conflicts[0]!.steps!.length).toBeGreaterThan(0);
    expect(r.message).toMatch(/hour-by-hour green share target 100.0 % must fall by 100.00 points/);
  });
});

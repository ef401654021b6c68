/**
 * Sizing LP: cases worked out by hand (flat load and price → no storage; a green target that forces a PV size; an
 * hour-by-hour target that forces storage), costs and levelised cost, infeasibility reports naming the right
 * constraints.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Infeasibility } from './types.ts';
import {
  annualCostPerUnit,
  buildSizingLp,
  capitalRecoveryFactor,
  sizingInputFromScenario,
  solveSizing,
  type SizingLpInput,
  type SizingResult,
} from './size-lp.ts';
import { createLpSolver } from './solver.ts';

const solver = createLpSolver();
afterAll(() => solver.close());

const flat = (n: number, v: number) => new Array<number>(n).fill(v);
/** PV per kW: 1.0 from 06:00 to 18:00, 0 otherwise — 12 kWh per kW and day. */
const boxPv = (days: number) =>
  Array.from({ length: days * 24 }, (_, t) => (t % 24 >= 6 && t % 24 < 18 ? 1 : 0));

function input(over: Partial<SizingLpInput> & { loadKw: number[] }): SizingLpInput {
  const n = over.loadKw.length;
  return {
    stepMinutes: 60,
    energyPrice: flat(n, 0.5),
    monthOfStep: Array.from({ length: n }, (_, t) => Math.min(11, Math.floor(t / 730))),
    exportPrice: null,
    demandChargePerKwMonth: 0,
    costs: {},
    discountRate: 0.06,
    gridFactorTco2PerMwh: 0.5,
    target: { kind: 'none' },
    ...over,
  };
}

async function sized(i: SizingLpInput): Promise<SizingResult> {
  const r = await solveSizing(i, { solver });
  if (r.status !== 'optimal') throw new Error(`expected a sizing, got ${JSON.stringify(r).slice(0, 500)}`);
  return r;
}

const PV_COST = { capexPerUnit: 40_000, lifetimeYears: 25, omShare: 0.01 };

describe('capital recovery', () => {
  test('CRF at 6 % over 25 years is 0.078227; at 0 % it is 1/n', () => {
    // 1.06^25 = 4.291871; 0.06 × 4.291871 / 3.291871 = 0.0782267
    expect(capitalRecoveryFactor(0.06, 25)).toBeCloseTo(0.0782267, 6);
    expect(capitalRecoveryFactor(0, 20)).toBe(0.05);
    expect(annualCostPerUnit({ capexPerUnit: 1000, lifetimeYears: 20, omShare: 0.02 }, 0)).toBeCloseTo(70, 9);
  });
});

describe('sizingInputFromScenario', () => {
  const startMs = Date.parse('2025-01-31T00:00:00+08:00'); // park-local midnight; 2025-01-30T16:00Z
  const profile = (perKw: boolean, valuesKw: number[]) => ({
    startMs,
    stepMinutes: 60 as const,
    valuesKw,
    perKw,
    source: 'test',
  });
  const scenario = {
    id: 's',
    name: 's',
    load: profile(false, flat(48, 100)),
    pvShape: profile(true, flat(48, 0.5)),
    costs: {},
    discountRate: 0.05,
    tariff: {
      id: 't',
      name: 't',
      validFrom: '2025-01-01',
      energyPrice: { flat: 0.5 },
      touRules: [],
      demandChargePerKwMonth: 30,
      exportPrice: 0.3,
      source: 'test',
    },
    gridFactorTco2PerMwh: 0.5,
  };

  test('takes the months in the park’s zone: 31 January local is January, 1 February local is February', () => {
    const input = sizingInputFromScenario(scenario, flat(48, 0.5), 'Asia/Shanghai');
    expect(input.monthOfStep.slice(0, 24)).toEqual(flat(24, 0));
    expect(input.monthOfStep.slice(24)).toEqual(flat(24, 1));
    expect(input.demandChargePerKwMonth).toBe(30);
    expect(input.target).toEqual({ kind: 'none' });
  });

  test('refuses a generation profile that is not per kW or does not match the load', () => {
    expect(() =>
      sizingInputFromScenario({ ...scenario, pvShape: profile(false, flat(48, 1)) }, flat(48, 0.5), 'UTC'),
    ).toThrow(/per kW/);
    expect(() =>
      sizingInputFromScenario({ ...scenario, pvShape: profile(true, flat(24, 1)) }, flat(48, 0.5), 'UTC'),
    ).toThrow(/does not match/);
  });
});

describe('buildSizingLp', () => {
  test('one peak per month touched, storage cyclic over the horizon', () => {
    const lp = buildSizingLp(
      input({
        loadKw: flat(48, 100),
        monthOfStep: [...flat(24, 0), ...flat(24, 1)],
        demandChargePerKwMonth: 40,
        storage: { roundTripEfficiency: 1, minSocShare: 0, maxSocShare: 1 },
        costs: { storageEnergy: PV_COST, storagePower: PV_COST },
      }),
    );
    expect([...lp.vars.peak.keys()]).toEqual([0, 1]);
    expect(lp.text).toContain(' pk_30_2: + imp_30 - peak_2 <= 0');
    expect(lp.text).toMatch(/ soc_0_r: \+ soc_0 - soc_47 - chg_0 \+ dis_0 = 0/);
  });
});

describe('solveSizing — cases worked out by hand', () => {
  test('flat load and flat price: no storage is built', async () => {
    // Nothing to shift at one price and storage costs money: 0 kWh, 0 kW; cost = load × price, LCOE = the price.
    const r = await sized(
      input({
        loadKw: flat(14 * 24, 500),
        storage: { roundTripEfficiency: 0.9, minSocShare: 0.1, maxSocShare: 0.95 },
        costs: {
          storageEnergy: { capexPerUnit: 800, lifetimeYears: 12, omShare: 0.02 },
          storagePower: { capexPerUnit: 300, lifetimeYears: 12, omShare: 0.02 },
        },
      }),
    );
    expect(r.capacities.storageEnergy.total).toBeLessThan(1e-6);
    expect(r.capacities.storagePower.total).toBeLessThan(1e-6);
    expect(r.energy.chargeKwh).toBeLessThan(1e-6);
    expect(r.cost.totalCny).toBeCloseTo(14 * 24 * 500 * 0.5, 4);
    expect(r.levelisedCostCnyPerKwh).toBeCloseTo(0.5, 9);
  });

  test('an annual green share of 40 % forces 800 kW of PV (= target × load energy ÷ specific yield)', async () => {
    // Load 1,000 kW all year: 8,760 MWh. PV 12 kWh/kW/day = 4,380 kWh/kW/yr, all used on site while PV ≤ load
    // (40 % ≤ the 50 % daytime share). PV = 0.4 × 8,760,000 / 4,380 = 800 kW. More PV does not pay: a kW costs
    // 40,000 × (0.078227 + 0.01) = 3,529 CNY/yr and saves 4,380 × 0.5 = 2,190 CNY/yr.
    // Costs: capex 800 × 40,000 × 0.0782267 = 2,503,254; O&M 320,000; energy (8,760,000 − 3,504,000) × 0.5 =
    // 2,628,000; total 5,451,254 CNY; LCOE 5,451,254 / 8,760,000 = 0.62229 CNY/kWh.
    const r = await sized(
      input({
        loadKw: flat(8760, 1000),
        pvPerKw: boxPv(365),
        costs: { pv: PV_COST },
        target: { kind: 'green_share_annual', share: 0.4 },
      }),
    );
    const crf = capitalRecoveryFactor(0.06, 25);
    expect(r.capacities.pv.total).toBeCloseTo(800, 4);
    expect(r.greenShare).toBeCloseTo(0.4, 9);
    expect(r.energy.curtailedKwh).toBeCloseTo(0, 3);
    expect(r.cost.annualisedCapexCny.pv).toBeCloseTo(800 * 40_000 * crf, 2);
    expect(r.cost.omCny.pv).toBeCloseTo(320_000, 2);
    expect(r.cost.energyCny).toBeCloseTo(2_628_000, 2);
    expect(r.levelisedCostCnyPerKwh).toBeCloseTo((800 * 40_000 * (crf + 0.01) + 2_628_000) / 8_760_000, 9);
    expect(r.co2Tco2).toBeCloseTo(5_256 * 0.5, 4); // 5,256 MWh imported × 0.5 tCO₂/MWh
    for (let t = 0; t < 48; t++) {
      const d = r.dispatch;
      expect(d.pvUsedKw[t]! + d.gridImportKw[t]! - d.loadKw[t]!).toBeCloseTo(0, 6);
    }
  });

  test('a CO₂ cap of 2,628 t (60 % of 4,380 t) forces the same 800 kW', async () => {
    const r = await sized(
      input({
        loadKw: flat(8760, 1000),
        pvPerKw: boxPv(365),
        costs: { pv: PV_COST },
        target: { kind: 'co2_cap', tco2: 2628 },
      }),
    );
    expect(r.capacities.pv.total).toBeCloseTo(800, 4);
    expect(r.co2Tco2).toBeCloseTo(2628, 4);
  });

  test('an hour-by-hour green share of 50 % forces PV and storage computable by hand', async () => {
    // Load 100 kW; PV box 06–18. Every hour ≥ 50 kW from own generation: at night the storage delivers 50 kW × 12 h
    // = 600 kWh, i.e. 600 / 0.9 = 666.67 kWh out of the store (η = 0.81, √η = 0.9) → energy 666.67 kWh, and
    // 666.67 / 0.9 = 740.74 kWh charged over the 12 PV hours → 61.73 kW of charging power (≥ 50 kW discharge).
    // By day the grid may give 50 kW: PV = 100 + 61.73 − 50 = 111.73 kW. At 0.05 CNY/kWh nothing more pays.
    const days = 14;
    const r = await sized(
      input({
        loadKw: flat(days * 24, 100),
        pvPerKw: boxPv(days),
        energyPrice: flat(days * 24, 0.05),
        discountRate: 0,
        storage: { roundTripEfficiency: 0.81, minSocShare: 0, maxSocShare: 1 },
        costs: {
          pv: { capexPerUnit: 4000, lifetimeYears: 20, omShare: 0 },
          storageEnergy: { capexPerUnit: 1000, lifetimeYears: 10, omShare: 0 },
          storagePower: { capexPerUnit: 500, lifetimeYears: 10, omShare: 0 },
        },
        target: { kind: 'green_share_hourly', share: 0.5 },
      }),
    );
    expect(r.capacities.storageEnergy.total).toBeCloseTo(600 / 0.9, 4);
    expect(r.capacities.storagePower.total).toBeCloseTo(600 / 0.81 / 12, 4);
    expect(r.capacities.pv.total).toBeCloseTo(50 + 600 / 0.81 / 12, 4);
    expect(r.minStepGreenShare).toBeGreaterThanOrEqual(0.5 - 1e-9);
  });

  test('a demand charge is paid on each month’s peak', async () => {
    // Two months of 100 kW with one 400 kW hour in month 1: demand 40 × (100 + 400) = 20,000 CNY.
    const load = flat(48, 100);
    load[30] = 400;
    const r = await sized(
      input({ loadKw: load, monthOfStep: [...flat(24, 0), ...flat(24, 1)], demandChargePerKwMonth: 40 }),
    );
    expect(r.cost.demandCny).toBeCloseTo(20_000, 6);
  });
});

describe('solveSizing — hot start', () => {
  test('starting the full year from representative-day capacities gives the same optimum as a cold start', async () => {
    // 60 days of a varying load, PV and wind, storage and a 60 % target: the hot start (24 days, capacities fixed,
    // then freed) must land on the same objective as a cold solve.
    const days = 60;
    const loadKw = Array.from(
      { length: days * 24 },
      (_, t) => 900 + 300 * Math.sin((2 * Math.PI * t) / 24) + 80 * Math.sin(t / 7),
    );
    const windPerKw = Array.from(
      { length: days * 24 },
      (_, t) => 0.35 + 0.3 * Math.sin(t / 31) * Math.cos(t / 5),
    );
    const i = input({
      loadKw,
      pvPerKw: boxPv(days).map((x, t) => x * (0.6 + 0.4 * Math.abs(Math.sin(t / 53)))),
      windPerKw: windPerKw.map((x) => Math.max(0, x)),
      energyPrice: loadKw.map((_, t) => (t % 24 < 8 ? 0.3 : t % 24 < 17 ? 0.65 : 1.0)),
      demandChargePerKwMonth: 40,
      storage: { roundTripEfficiency: 0.9, minSocShare: 0.1, maxSocShare: 0.9 },
      costs: {
        pv: { capexPerUnit: 3500, lifetimeYears: 25, omShare: 0.01 },
        wind: { capexPerUnit: 6000, lifetimeYears: 20, omShare: 0.02 },
        storageEnergy: { capexPerUnit: 900, lifetimeYears: 12, omShare: 0.02 },
        storagePower: { capexPerUnit: 300, lifetimeYears: 12, omShare: 0.02 },
      },
      target: { kind: 'green_share_annual', share: 0.6 },
    });
    const hot = await sized(i);
    const cold = (await solveSizing(i, { solver, hotStart: false })) as SizingResult;
    expect(hot.solve.guessMs).toBeGreaterThan(0);
    expect(hot.solve.stats.warmStartMs).toBeGreaterThan(0);
    expect(cold.solve.guessMs).toBeUndefined();
    expect(hot.cost.totalCny).toBeCloseTo(cold.cost.totalCny, 0);
    expect(Math.abs(hot.solve.lpObjectiveCny - cold.solve.lpObjectiveCny)).toBeLessThan(
      1e-7 * cold.solve.lpObjectiveCny,
    );
  });
});

describe('solveSizing — infeasibility explained', () => {
  test('a target above what the PV bound allows: relax the bound by 200 kW, or the target by 10 points', async () => {
    // 40 % needs 800 kW (above); the bound is 600 kW, which gives 600 × 4,380 / 8,760,000 = 30 %.
    const days = 28;
    const r = await solveSizing(
      input({
        loadKw: flat(days * 24, 1000),
        pvPerKw: boxPv(days),
        costs: { pv: { ...PV_COST, maxUnits: 600 } },
        target: { kind: 'green_share_annual', share: 0.4 },
      }),
      { solver },
    );
    expect(r.status).toBe('infeasible');
    const inf = r as Infeasibility;
    const byName = Object.fromEntries(inf.conflicts.map((c) => [c.constraint, c]));
    expect(byName['capacity_max:pv']).toMatchObject({ relaxBy: 200, unit: 'kW' });
    expect(byName['target:green_share_annual']).toMatchObject({ relaxBy: 10, unit: 'percentage points' });
    expect(inf.message).toContain('the PV capacity bound 600 kW must rise by 200 kW (to 800 kW)');
    expect(inf.message).toContain('must fall by 10.00 points (to 30.0 %)');
  });

  test('an import limit below the evening load with no storage to build names the limit and the hours', async () => {
    const load = flat(48, 1000);
    for (const t of [18, 19, 20, 42, 43, 44]) load[t] = 1500;
    const r = await solveSizing(
      input({ loadKw: load, pvPerKw: boxPv(2), costs: { pv: PV_COST }, gridImportLimitKw: 1200 }),
      {
        solver,
      },
    );
    expect(r.status).toBe('infeasible');
    const c = (r as Infeasibility).conflicts;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({
      constraint: 'grid_import_limit:grid',
      relaxBy: 300,
      steps: [18, 19, 20, 42, 43, 44],
    });
  });
});

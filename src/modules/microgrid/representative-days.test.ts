/**
 * Representative days: the clustering recovers a year built from exactly k day types, and on such a year the fast
 * mode's objective equals the full year's (without storage; with storage the full year can only do better, as its
 * storage may carry energy from one day to the next).
 */
import { fc, test as propTest } from '@fast-check/vitest';
import { afterAll, describe, expect, test } from 'vitest';
import { clusterDays, representativeInput } from './representative-days.ts';
import { solveSizing, type SizingLpInput, type SizingResult } from './size-lp.ts';
import { createLpSolver } from './solver.ts';

const solver = createLpSolver();
afterAll(() => solver.close());

/** Three day types: sunny weekday, windy weekday, quiet weekend day. */
const TYPES = [
  { load: (h: number) => 800 + 400 * Math.sin((Math.PI * h) / 24), pv: 1.0, wind: 0.1 },
  { load: (h: number) => 800 + 400 * Math.sin((Math.PI * h) / 24), pv: 0.3, wind: 0.7 },
  { load: () => 300, pv: 0.8, wind: 0.3 },
];

function yearOfTypes(days: number): { input: SizingLpInput; typeOfDay: number[] } {
  const typeOfDay = Array.from({ length: days }, (_, d) => (d % 7 >= 5 ? 2 : (d * 7919) % 11 < 6 ? 0 : 1));
  const loadKw: number[] = [];
  const pvPerKw: number[] = [];
  const windPerKw: number[] = [];
  const energyPrice: number[] = [];
  const monthOfStep: number[] = [];
  typeOfDay.forEach((type, d) => {
    const ty = TYPES[type]!;
    for (let h = 0; h < 24; h++) {
      loadKw.push(ty.load(h));
      pvPerKw.push(h >= 7 && h < 18 ? ty.pv * Math.sin((Math.PI * (h - 6)) / 12) : 0);
      windPerKw.push(ty.wind * (0.8 + 0.2 * Math.cos((Math.PI * h) / 12)));
      energyPrice.push(h < 8 ? 0.3 : h < 17 ? 0.65 : h < 21 ? 1.05 : 0.65);
      monthOfStep.push(Math.min(11, Math.floor(d / (days / 12))));
    }
  });
  return {
    typeOfDay,
    input: {
      stepMinutes: 60,
      loadKw,
      pvPerKw,
      windPerKw,
      energyPrice,
      monthOfStep,
      exportPrice: 0.3,
      gridExportLimitKw: 500,
      demandChargePerKwMonth: 40,
      costs: {
        pv: { capexPerUnit: 3500, lifetimeYears: 25, omShare: 0.01, maxUnits: 3000 },
        wind: { capexPerUnit: 6000, lifetimeYears: 20, omShare: 0.02 },
      },
      discountRate: 0.06,
      gridFactorTco2PerMwh: 0.5703,
      target: { kind: 'green_share_annual', share: 0.6 },
    },
  };
}

describe('clusterDays', () => {
  test('recovers a year built from exactly 3 day types, the same way for the same seed', () => {
    const { input, typeOfDay } = yearOfTypes(365);
    const rep = representativeInput(input, 3, 7);
    expect(rep.days).toHaveLength(3);
    expect(rep.days.reduce((a, d) => a + d.weight, 0)).toBe(365);
    for (const d of rep.days) {
      const types = new Set(d.members.map((m) => typeOfDay[m]));
      expect(types.size).toBe(1);
    }
    expect(representativeInput(input, 3, 7).days).toEqual(rep.days);
  });

  test('k ≥ the number of items keeps every item', () => {
    const c = clusterDays([[0], [1], [2]], 5);
    expect(c.medoids).toEqual([0, 1, 2]);
    expect(c.cost).toBe(0);
  });

  test('two obvious groups', () => {
    const c = clusterDays([[0], [0.1], [10], [10.2], [0.05], [9.9]], 2, 3);
    const groupOf = (i: number) => c.assignment[i];
    expect(new Set([0, 1, 4].map(groupOf)).size).toBe(1);
    expect(new Set([2, 3, 5].map(groupOf)).size).toBe(1);
    expect(groupOf(0)).not.toBe(groupOf(2));
  });
});

propTest.prop([
  fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), {
    minLength: 8,
    maxLength: 40,
  }),
  fc.integer({ min: 2, max: 6 }),
])('restarts keep the tightest clustering: never looser than the first start alone', (features, k) => {
  const one = clusterDays(features, k, 1, 1);
  const best = clusterDays(features, k, 1, 8);
  expect(best.cost).toBeLessThanOrEqual(one.cost + 1e-12);
  // Its cost is what its assignment says.
  if (k < features.length) {
    let cost = 0;
    features.forEach((f, i) => {
      const m = features[best.medoids[best.assignment[i]!]!]!;
      cost += f.reduce((a, x, j) => a + (x - m[j]!) ** 2, 0);
    });
    expect(best.cost).toBeCloseTo(cost, 9);
  }
});

describe('solveSizing on representative days', () => {
  test('on a year of exactly 3 day types (no storage) the 3-day objective equals the full year', async () => {
    const { input } = yearOfTypes(365);
    const r = await solveSizing(input, { solver, representativeDays: 3, compareWithFullYear: true });
    expect(r.status).toBe('optimal');
    const sized = r as SizingResult;
    expect(sized.mode).toBe('representative_days');
    expect(sized.comparison).toBeDefined();
    expect(Math.abs(sized.comparison!.relativeError)).toBeLessThan(1e-7);
    expect(sized.capacities.pv.total).toBeCloseTo(sized.comparison!.fullYearCapacities.pv, 3);
    expect(sized.capacities.wind.total).toBeCloseTo(sized.comparison!.fullYearCapacities.wind, 3);
    expect(sized.greenShare).toBeGreaterThanOrEqual(0.6 - 1e-9);
  });

  test('with storage the full year can only do better (its storage may carry energy between days)', async () => {
    const { input } = yearOfTypes(84);
    const withStorage: SizingLpInput = {
      ...input,
      storage: { roundTripEfficiency: 0.88, minSocShare: 0.1, maxSocShare: 0.95 },
      costs: {
        ...input.costs,
        storageEnergy: { capexPerUnit: 900, lifetimeYears: 12, omShare: 0.02 },
        storagePower: { capexPerUnit: 300, lifetimeYears: 12, omShare: 0.02 },
      },
    };
    const r = (await solveSizing(withStorage, {
      solver,
      representativeDays: 3,
      compareWithFullYear: true,
    })) as SizingResult;
    expect(r.status).toBe('optimal');
    expect(r.comparison!.relativeError).toBeGreaterThanOrEqual(-1e-7);
  });
});

describe('representative days — property', () => {
  const dayType = fc.record({
    base: fc.double({ min: 100, max: 2000, noNaN: true }),
    swing: fc.double({ min: 0, max: 0.5, noNaN: true }),
    pv: fc.double({ min: 0, max: 1, noNaN: true }),
    wind: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  propTest.prop(
    [
      fc.array(dayType, { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 30, max: 70 }),
      fc.integer({ min: 1, max: 1000 }),
      fc.double({ min: 0, max: 0.8, noNaN: true }),
    ],
    { numRuns: 6 },
  )(
    'a year of exactly k day types (no storage): k representative days give the full-year objective',
    async (types, days, mix, share) => {
      // Day types repeat in a pseudo-random order; each type occurs at least once.
      const typeOfDay = Array.from({ length: days }, (_, d) =>
        d < types.length ? d : (d * 7919 + mix) % types.length,
      );
      const loadKw: number[] = [];
      const pvPerKw: number[] = [];
      const windPerKw: number[] = [];
      const energyPrice: number[] = [];
      const monthOfStep: number[] = [];
      typeOfDay.forEach((type, d) => {
        const ty = types[type]!;
        for (let h = 0; h < 24; h++) {
          loadKw.push(ty.base * (1 + ty.swing * Math.sin((Math.PI * h) / 12)));
          pvPerKw.push(h >= 7 && h < 18 ? ty.pv * Math.sin((Math.PI * (h - 6)) / 12) : 0);
          windPerKw.push(ty.wind * (0.7 + 0.3 * Math.cos((Math.PI * h) / 12)));
          energyPrice.push(h < 8 ? 0.3 : 0.7);
          monthOfStep.push(Math.floor(d / 31));
        }
      });
      const input: SizingLpInput = {
        stepMinutes: 60,
        loadKw,
        pvPerKw,
        windPerKw,
        energyPrice,
        monthOfStep,
        exportPrice: 0.25,
        demandChargePerKwMonth: 30,
        costs: {
          pv: { capexPerUnit: 3500, lifetimeYears: 25, omShare: 0.01 },
          wind: { capexPerUnit: 6000, lifetimeYears: 20, omShare: 0.02 },
        },
        discountRate: 0.06,
        gridFactorTco2PerMwh: 0.5703,
        // Without storage the night needs wind: a type without wind can make the share unreachable (then: no plan).
        target: { kind: 'green_share_annual', share },
      };
      const r = await solveSizing(input, {
        solver,
        representativeDays: types.length,
        compareWithFullYear: true,
      });
      if (r.status === 'infeasible') return; // a share the types' weather cannot give (no storage): nothing to compare
      expect(r.status).toBe('optimal');
      const sized = r as SizingResult;
      expect(Math.abs(sized.comparison!.relativeError)).toBeLessThan(1e-7);
    },
  );
});

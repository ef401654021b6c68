/** What the dispatch tests share: a test tariff, a scenario builder, and the checks every returned plan must pass. */
import { expect } from 'vitest';
import type { DispatchPlan, DispatchScenario, Tariff } from './types.ts';

/** A flat 0.5 CNY/kWh tariff with no demand charge and no export, changed by `over`. */
export function tariff(over: Partial<Tariff> = {}): Tariff {
  return {
    id: 'test',
    name: 'test tariff',
    validFrom: '2025-01-01',
    energyPrice: { flat: 0.5 },
    touRules: [],
    demandChargePerKwMonth: 0,
    exportPrice: null,
    source: 'test',
    ...over,
  };
}

/** An hourly scenario from 2025-06-01 with no PV, the test tariff and the cost objective, changed by `over`. */
export function scenario(over: Partial<DispatchScenario> & { loadKw: number[] }): DispatchScenario {
  return {
    id: 'test',
    name: 'test',
    stepMinutes: 60,
    startMs: Date.parse('2025-06-01T00:00:00+08:00'),
    pvKw: over.loadKw.map(() => 0),
    tariff: tariff(),
    gridFactorTco2PerMwh: 0.5703,
    objective: 'cost',
    ...over,
  };
}

/**
 * Every step of a plan balances energy within 1e-6 against `loadKw` and `pvKw` (the scenario's, or what was actually
 * met), keeps PV, grid import and export, storage power and state of charge within their bounds (the state of charge
 * following charge and discharge step by step), and every shiftable load gets its energy inside its window.
 */
export function expectPlanWithinBounds(
  s: DispatchScenario,
  r: DispatchPlan,
  met: { loadKw: readonly number[]; pvKw: readonly number[] } = s,
): void {
  const h = s.stepMinutes / 60;
  const tol = 1e-6;
  const st = s.storage;
  for (let t = 0; t < s.loadKw.length; t++) {
    const shift = Object.values(r.shiftableKw).reduce((a, series) => a + series[t]!, 0);
    const lhs = r.pvUsedKw[t]! + r.gridImportKw[t]! + r.dischargeKw[t]!;
    const rhs = met.loadKw[t]! + shift + r.chargeKw[t]! + r.gridExportKw[t]!;
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(tol);
    expect(r.pvUsedKw[t]!).toBeGreaterThanOrEqual(-tol);
    expect(r.pvUsedKw[t]!).toBeLessThanOrEqual(met.pvKw[t]! + tol);
    expect(r.gridImportKw[t]!).toBeGreaterThanOrEqual(-tol);
    if (s.gridImportLimitKw !== undefined)
      expect(r.gridImportKw[t]!).toBeLessThanOrEqual(s.gridImportLimitKw + tol);
    expect(r.gridExportKw[t]!).toBeGreaterThanOrEqual(-tol);
    if (s.tariff.exportPrice === null) expect(r.gridExportKw[t]!).toBe(0);
    if (s.gridExportLimitKw !== undefined)
      expect(r.gridExportKw[t]!).toBeLessThanOrEqual(s.gridExportLimitKw + tol);
    if (st) {
      expect(r.chargeKw[t]!).toBeGreaterThanOrEqual(-tol);
      expect(r.dischargeKw[t]!).toBeGreaterThanOrEqual(-tol);
      expect(r.chargeKw[t]!).toBeLessThanOrEqual(st.powerKw + tol);
      expect(r.dischargeKw[t]!).toBeLessThanOrEqual(st.powerKw + tol);
      expect(r.socKwh[t]!).toBeGreaterThanOrEqual(st.minSocShare * st.energyKwh - tol);
      expect(r.socKwh[t]!).toBeLessThanOrEqual(st.maxSocShare * st.energyKwh + tol);
      const before = t === 0 ? st.initialSocShare * st.energyKwh : r.socKwh[t - 1]!;
      const eta = Math.sqrt(st.roundTripEfficiency);
      expect(r.socKwh[t]! - before - (eta * r.chargeKw[t]! - r.dischargeKw[t]! / eta) * h).toBeCloseTo(0, 6);
    } else {
      expect(r.chargeKw[t]).toBe(0);
      expect(r.dischargeKw[t]).toBe(0);
    }
  }
  for (const load of s.shiftable ?? []) {
    const series = r.shiftableKw[load.id]!;
    expect(series.reduce((a, b) => a + b, 0) * h).toBeCloseTo(load.energyKwh, 5);
    series.forEach((kw, t) => {
      expect(kw).toBeLessThanOrEqual(load.maxKw + tol);
      if (t < load.window[0] || t >= load.window[1]) expect(kw).toBe(0);
    });
  }
}

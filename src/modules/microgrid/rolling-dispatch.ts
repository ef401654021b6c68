/**
 * Rolling (receding-horizon) dispatch: the day-ahead LP (`solveDispatch`) solved again and again over a window that
 * moves along a longer horizon. Each re-plan starts from the state of charge, the shiftable energy still owed and the
 * month's peak reached so far; its first `commitSteps` steps are carried out — against the actual load and PV when
 * they differ from the forecast the plan used — and the window moves on. Pure orchestration: the LP is dispatch-lp.ts,
 * the rule that carries a plan out is `carryOut` below. Method: docs/methods.md, "Rolling dispatch".
 */
import { AppError } from '../../lib/errors.ts';
import {
  emptyTotals,
  EXPORT_TIE_PENALTY_CNY_PER_KWH,
  solveDispatch,
  type DispatchSolveOptions,
} from './dispatch-lp.ts';
import { createLpSolver } from './solver.ts';
import type {
  DispatchPlan,
  DispatchScenario,
  Infeasibility,
  RollingDispatchPlan,
  RollingWindow,
  ShiftableLoad,
  SolveFailure,
} from './types.ts';

/** Differences below this (kW, kWh) are rounding: a step carried out within it is the plan's step. */
const EPS = 1e-9;

/** How the horizon is rolled, and what happens in reality. */
export interface RollingOptions {
  /** Steps each re-plan looks ahead (96 = a day of quarter hours); cut at the end of the horizon. */
  windowSteps: number;
  /** Steps of each plan carried out before the next re-plan (4 = an hour of quarter hours); ≤ windowSteps. */
  commitSteps: number;
  /** What really happens, per step of the horizon (default: the scenario's profiles, i.e. perfect forecasts). */
  actual?: { loadKw?: readonly number[]; pvKw?: readonly number[] };
  /**
   * The forecast a re-plan uses for steps [from, to) — e.g. updated with what has been measured so far. Default: the
   * scenario's own `loadKw` and `pvKw` (a forecast made once).
   */
  forecast?: (window: { from: number; to: number }) => { loadKw: readonly number[]; pvKw: readonly number[] };
  /**
   * Park-local month (0–11) of each step: a month's demand peak starts from zero on its first day (the scenario's
   * `monthPeakSoFarKw` is the first month's). Default: the horizon lies within one month.
   */
  monthOfStep?: readonly number[];
}

/** One step as planned, or as carried out. Powers kW. */
interface StepFlows {
  importKw: number;
  exportKw: number;
  pvUsedKw: number;
  chargeKw: number;
  dischargeKw: number;
}

/** What carrying out a step needs to know about the site. */
interface SiteLimits {
  hours: number;
  importLimitKw: number;
  exportAllowed: boolean;
  exportLimitKw: number;
  /** Exporting surplus PV is worth something at this step (in the plan's objective). */
  exportPays: boolean;
  storage?: { etaC: number; etaD: number; minKwh: number; maxKwh: number };
}

/**
 * Carries out one planned step when the load and PV are not what the plan expected (a step as forecast is carried
 * out as planned). The storage and the shiftable loads follow their planned power except where that is impossible or
 * pointless; the grid takes the difference. In order: the storage's power is cut where the state of charge would
 * leave its bounds; PV used is cut to the PV there is (exports first). A shortage takes curtailed PV, then exports,
 * then imports. A surplus lowers imports, then the discharge (the storage never sends its energy to the grid), and
 * the rest of the PV is curtailed; curtailed PV is then exported where export is allowed and paid, up to the limit.
 * An import above the limit is cut from charging where possible. Pure; exported for tests.
 */
export function carryOut(
  plan: StepFlows,
  facts: {
    loadKw: number;
    shiftableKw: number;
    pvKw: number;
    forecastLoadKw?: number;
    forecastPvKw?: number;
  },
  socKwh: number,
  site: SiteLimits,
): StepFlows & { pvCurtailedKw: number; socKwh: number; overImportLimitKw: number } {
  const h = site.hours;
  const s = site.storage;
  const result = (f: StepFlows) => ({
    ...f,
    pvCurtailedKw: facts.pvKw - f.pvUsedKw,
    socKwh: s ? socKwh + (s.etaC * f.chargeKw - f.dischargeKw / s.etaD) * h : 0,
    overImportLimitKw: Math.max(0, f.importKw - site.importLimitKw),
  });
  if (facts.forecastLoadKw === facts.loadKw && facts.forecastPvKw === facts.pvKw) return result(plan);
  let { importKw, exportKw, pvUsedKw, chargeKw, dischargeKw } = plan;
  if (s) {
    const maxCharge = (s.maxKwh - socKwh) / (s.etaC * h);
    const maxDischarge = ((socKwh - s.minKwh) * s.etaD) / h;
    if (chargeKw > maxCharge + EPS) chargeKw = Math.max(0, maxCharge);
    if (dischargeKw > maxDischarge + EPS) dischargeKw = Math.max(0, maxDischarge);
  }
  if (pvUsedKw > facts.pvKw) pvUsedKw = facts.pvKw;
  if (exportKw > pvUsedKw) exportKw = pvUsedKw;
  // Positive: a shortage; negative: a surplus.
  let gap = facts.loadKw + facts.shiftableKw + chargeKw + exportKw - pvUsedKw - importKw - dischargeKw;
  if (Math.abs(gap) <= EPS) gap = 0;
  if (gap > 0) {
    const fromPv = Math.min(gap, Math.max(0, facts.pvKw - pvUsedKw));
    pvUsedKw += fromPv;
    gap -= fromPv;
    const fromExport = Math.min(gap, exportKw);
    exportKw -= fromExport;
    gap -= fromExport;
    importKw += gap;
  } else if (gap < 0) {
    let surplus = -gap;
    const lessImport = Math.min(surplus, importKw);
    importKw -= lessImport;
    surplus -= lessImport;
    const lessDischarge = Math.min(surplus, dischargeKw);
    dischargeKw -= lessDischarge;
    surplus -= lessDischarge;
    // What is left is PV beyond what the site takes and exports: surplus ≤ PV used − export, so export stays ≤ PV.
    pvUsedKw -= surplus;
  }
  if (site.exportAllowed && site.exportPays) {
    const more = Math.min(Math.max(0, facts.pvKw - pvUsedKw), Math.max(0, site.exportLimitKw - exportKw));
    exportKw += more;
    pvUsedKw += more;
  }
  if (importKw > site.importLimitKw + EPS && chargeKw > 0) {
    const cut = Math.min(chargeKw, importKw - site.importLimitKw);
    chargeKw -= cut;
    importKw -= cut;
  }
  return result({ importKw, exportKw, pvUsedKw, chargeKw, dischargeKw });
}

function checkSeries(name: string, values: readonly number[] | undefined, steps: number): void {
  if (values === undefined) return;
  if (values.length !== steps)
    throw new AppError(
      'BAD_INPUT',
      `rolling dispatch: ${name} has ${values.length} steps, the horizon ${steps}`,
    );
  values.forEach((v, t) => {
    if (!(Number.isFinite(v) && v >= 0))
      throw new AppError('BAD_INPUT', `rolling dispatch: ${name}[${t}] is not ≥ 0`);
  });
}

/**
 * Solves a dispatch scenario over a long horizon as a rolling plan: re-plans every `commitSteps` steps over the next
 * `windowSteps`, from the state reached; the committed steps face the actual load and PV. Returns what was carried
 * out (a `DispatchPlan` of the whole horizon, with the re-plans), or the first re-plan that had no solution.
 *
 * @example solveRollingDispatch(threeDays, prices, { windowSteps: 96, commitSteps: 4, actual: { loadKw: measured } })
 */
export async function solveRollingDispatch(
  scenario: DispatchScenario,
  prices: readonly number[],
  rolling: RollingOptions,
  options: DispatchSolveOptions = {},
): Promise<RollingDispatchPlan | Infeasibility | SolveFailure> {
  const T = scenario.loadKw.length;
  const { windowSteps: W, commitSteps: C } = rolling;
  if (!(Number.isInteger(W) && W >= 1))
    throw new AppError('BAD_INPUT', `rolling dispatch: windowSteps ${W} is not a whole number ≥ 1`);
  if (!(Number.isInteger(C) && C >= 1 && C <= W))
    throw new AppError(
      'BAD_INPUT',
      `rolling dispatch: commitSteps ${C} must be a whole number within 1…${W}`,
    );
  if (T === 0) throw new AppError('BAD_INPUT', 'rolling dispatch: the load has no steps');
  checkSeries('pvKw', scenario.pvKw, T);
  checkSeries('prices', prices, T);
  checkSeries('actual.loadKw', rolling.actual?.loadKw, T);
  checkSeries('actual.pvKw', rolling.actual?.pvKw, T);
  if (rolling.monthOfStep && rolling.monthOfStep.length !== T)
    throw new AppError(
      'BAD_INPUT',
      `rolling dispatch: monthOfStep has ${rolling.monthOfStep.length} steps, not ${T}`,
    );

  const h = scenario.stepMinutes / 60;
  const stepMs = scenario.stepMinutes * 60_000;
  const tariff = scenario.tariff;
  const st =
    scenario.storage && scenario.storage.energyKwh > 0 && scenario.storage.powerKw > 0
      ? scenario.storage
      : undefined;
  const etaC = st ? Math.sqrt(st.roundTripEfficiency) : 1;
  const minKwh = st ? st.minSocShare * st.energyKwh : 0;
  const maxKwh = st ? st.maxSocShare * st.energyKwh : 0;
  const finalShare = st ? (st.finalSocShare ?? st.initialSocShare) : 0;
  const actualLoad = rolling.actual?.loadKw ?? scenario.loadKw;
  const actualPv = rolling.actual?.pvKw ?? scenario.pvKw;
  const monthOf = (t: number) => rolling.monthOfStep?.[t] ?? 0;
  const firstMonth = monthOf(0);
  const peakOfMonth = new Map<number, number>([[firstMonth, scenario.monthPeakSoFarKw ?? 0]]);
  const baseSite = {
    hours: h,
    importLimitKw: scenario.gridImportLimitKw ?? Infinity,
    exportAllowed: tariff.exportPrice !== null,
    exportLimitKw: scenario.gridExportLimitKw ?? Infinity,
    ...(st ? { storage: { etaC, etaD: etaC, minKwh, maxKwh } } : {}),
  };

  const zeros = () => new Array<number>(T).fill(0);
  const out = {
    gridImportKw: zeros(),
    gridExportKw: zeros(),
    pvUsedKw: zeros(),
    pvCurtailedKw: zeros(),
    chargeKw: zeros(),
    dischargeKw: zeros(),
    socKwh: st ? zeros() : [],
    forecastLoadKw: zeros(),
    forecastPvKw: zeros(),
  };
  const shiftableKw: Record<string, number[]> = {};
  const delivered = new Map<string, number>();
  for (const load of scenario.shiftable ?? []) {
    shiftableKw[load.id] = zeros();
    delivered.set(load.id, 0);
  }
  const windows: RollingWindow[] = [];
  const passes: DispatchPlan['solve']['passes'] = [];
  let buildMs = 0;
  const deviations = { steps: 0, importChangeKwh: 0, exportChangeKwh: 0, curtailedChangeKwh: 0 };
  const overLimitSteps: number[] = [];
  let soc = st ? st.initialSocShare * st.energyKwh : 0;

  const own = options.solver ? undefined : createLpSolver();
  const solver = options.solver ?? own!;
  try {
    for (let from = 0; from < T; from += C) {
      const to = Math.min(T, from + W);
      const fc = rolling.forecast
        ? rolling.forecast({ from, to })
        : { loadKw: scenario.loadKw.slice(from, to), pvKw: scenario.pvKw.slice(from, to) };
      if (fc.loadKw.length !== to - from || fc.pvKw.length !== to - from) {
        throw new AppError(
          'BAD_INPUT',
          `rolling dispatch: the forecast for steps ${from}–${to - 1} has ${fc.loadKw.length} load and ` +
            `${fc.pvKw.length} PV values, not ${to - from}`,
        );
      }
      const month = monthOf(from);
      let demandSteps = 0;
      while (from + demandSteps < to && monthOf(from + demandSteps) === month) demandSteps++;
      const socStart = Math.min(maxKwh, Math.max(minKwh, soc));
      const window: DispatchScenario = {
        ...scenario,
        startMs: scenario.startMs + from * stepMs,
        loadKw: [...fc.loadKw],
        pvKw: [...fc.pvKw],
        ...(st
          ? { storage: { ...st, initialSocShare: socStart / st.energyKwh, finalSocShare: finalShare } }
          : {}),
        shiftable: windowShiftable(scenario.shiftable ?? [], delivered, from, to, T, h),
        monthPeakSoFarKw: peakOfMonth.get(month) ?? 0,
        demandChargeSteps: demandSteps,
      };
      const plan = await solveDispatch(window, prices.slice(from, to), { ...options, solver });
      if (plan.status === 'error') return plan;
      if (plan.status === 'infeasible') return inWindow(plan, from, to);
      buildMs += plan.solve.buildMs;
      passes.push(...plan.solve.passes);
      const committed = Math.min(C, to - from);
      windows.push({
        from,
        steps: to - from,
        committed,
        ...(st ? { initialSocKwh: socStart } : {}),
        plannedCostCny: plan.totals.costCny,
        solve: plan.solve,
      });

      for (let i = 0; i < committed; i++) {
        const t = from + i;
        let shiftKw = 0;
        for (const [id, series] of Object.entries(plan.shiftableKw)) {
          const kw = series[i]!;
          shiftableKw[id]![t] = kw;
          delivered.set(id, (delivered.get(id) ?? 0) + kw * h);
          shiftKw += kw;
        }
        const planned: StepFlows = {
          importKw: plan.gridImportKw[i]!,
          exportKw: plan.gridExportKw[i]!,
          pvUsedKw: plan.pvUsedKw[i]!,
          chargeKw: plan.chargeKw[i]!,
          dischargeKw: plan.dischargeKw[i]!,
        };
        const exportValue =
          scenario.objective === 'co2'
            ? 1
            : Math.min(tariff.exportPrice ?? 0, prices[t]!) - EXPORT_TIE_PENALTY_CNY_PER_KWH;
        const done = carryOut(
          planned,
          {
            loadKw: actualLoad[t]!,
            shiftableKw: shiftKw,
            pvKw: actualPv[t]!,
            forecastLoadKw: fc.loadKw[i]!,
            forecastPvKw: fc.pvKw[i]!,
          },
          soc,
          { ...baseSite, exportPays: exportValue > 0 },
        );
        out.gridImportKw[t] = done.importKw;
        out.gridExportKw[t] = done.exportKw;
        out.pvUsedKw[t] = done.pvUsedKw;
        out.pvCurtailedKw[t] = done.pvCurtailedKw;
        out.chargeKw[t] = done.chargeKw;
        out.dischargeKw[t] = done.dischargeKw;
        out.forecastLoadKw[t] = fc.loadKw[i]!;
        out.forecastPvKw[t] = fc.pvKw[i]!;
        if (st) out.socKwh[t] = done.socKwh;
        soc = done.socKwh;
        if (done.overImportLimitKw > EPS) overLimitSteps.push(t);
        const changed = (['importKw', 'exportKw', 'pvUsedKw', 'chargeKw', 'dischargeKw'] as const).some(
          (k) => Math.abs(done[k] - planned[k]) > EPS,
        );
        if (changed || Math.abs(actualPv[t]! - fc.pvKw[i]!) > EPS) {
          deviations.steps++;
          deviations.importChangeKwh += (done.importKw - planned.importKw) * h;
          deviations.exportChangeKwh += (done.exportKw - planned.exportKw) * h;
          deviations.curtailedChangeKwh += (done.pvCurtailedKw - (fc.pvKw[i]! - planned.pvUsedKw)) * h;
        }
        const m = monthOf(t);
        peakOfMonth.set(m, Math.max(peakOfMonth.get(m) ?? 0, done.importKw));
      }
    }
  } finally {
    await own?.close();
  }

  // Totals of what was carried out; the demand charge month by month, above each month's peak before the horizon.
  const monthPeakBefore = new Map<number, number>([[firstMonth, scenario.monthPeakSoFarKw ?? 0]]);
  const peakIn = new Map<number, number>();
  const totals = emptyTotals();
  for (let t = 0; t < T; t++) {
    const imp = out.gridImportKw[t]!;
    const xpt = out.gridExportKw[t]!;
    totals.loadKwh += actualLoad[t]! * h;
    totals.gridImportKwh += imp * h;
    totals.gridExportKwh += xpt * h;
    totals.pvUsedKwh += out.pvUsedKw[t]! * h;
    totals.pvCurtailedKwh += out.pvCurtailedKw[t]! * h;
    totals.chargeKwh += out.chargeKw[t]! * h;
    totals.dischargeKwh += out.dischargeKw[t]! * h;
    totals.energyCostCny += prices[t]! * imp * h;
    totals.exportRevenueCny += (tariff.exportPrice ?? 0) * xpt * h;
    totals.peakKw = Math.max(totals.peakKw, imp);
    peakIn.set(monthOf(t), Math.max(peakIn.get(monthOf(t)) ?? 0, imp));
  }
  for (const series of Object.values(shiftableKw)) for (const kw of series) totals.shiftableKwh += kw * h;
  for (const [m, peak] of peakIn)
    totals.demandChargeCny +=
      tariff.demandChargePerKwMonth * Math.max(0, peak - (monthPeakBefore.get(m) ?? 0));
  totals.costCny = totals.energyCostCny - totals.exportRevenueCny + totals.demandChargeCny;
  totals.co2Tco2 = ((totals.gridImportKwh - totals.gridExportKwh) * scenario.gridFactorTco2PerMwh) / 1000;

  const notes = [
    `rolling plan: ${windows.length} plans of up to ${W} steps, each carried out for ${C} step${C === 1 ? '' : 's'}`,
  ];
  if (deviations.steps > 0) {
    notes.push(
      `actual load or PV departed from the forecast at ${deviations.steps} steps: import ` +
        `${signed(deviations.importChangeKwh)} kWh, export ${signed(deviations.exportChangeKwh)} kWh, curtailment ` +
        `${signed(deviations.curtailedChangeKwh)} kWh against the plans`,
    );
  }
  if (overLimitSteps.length > 0) {
    notes.push(
      `the actual load needed imports above the limit of ${scenario.gridImportLimitKw} kW at ` +
        `${overLimitSteps.length} steps (first: step ${overLimitSteps[0]})`,
    );
  }
  if (st && soc < finalShare * st.energyKwh - 1e-6) {
    notes.push(
      `the horizon ends with ${soc.toFixed(1)} kWh stored, below the required ` +
        `${(finalShare * st.energyKwh).toFixed(1)} kWh: the actual load or PV departed from the last plan`,
    );
  }
  if (tariff.demandChargePerKwMonth > 0) {
    notes.push(
      `demand charge: each re-plan pays ${tariff.demandChargePerKwMonth} CNY/kW only above the month's peak reached ` +
        'so far; the total is billed on the peak carried out',
    );
  }
  return {
    status: 'optimal',
    scenarioId: scenario.id,
    objective: scenario.objective,
    startMs: scenario.startMs,
    stepMinutes: scenario.stepMinutes,
    loadKw: [...actualLoad],
    gridImportKw: out.gridImportKw,
    gridExportKw: out.gridExportKw,
    pvAvailableKw: [...actualPv],
    pvUsedKw: out.pvUsedKw,
    pvCurtailedKw: out.pvCurtailedKw,
    chargeKw: out.chargeKw,
    dischargeKw: out.dischargeKw,
    socKwh: out.socKwh,
    shiftableKw,
    priceCnyPerKwh: [...prices],
    totals,
    notes,
    solve: { buildMs, passes },
    rolling: {
      windowSteps: W,
      commitSteps: C,
      replans: windows.length,
      windows,
      forecastLoadKw: out.forecastLoadKw,
      forecastPvKw: out.forecastPvKw,
      deviations,
    },
  };
}

/**
 * The shiftable loads as a window sees them: the energy still owed, the part of their window inside this one (steps
 * counted from `from`), and — when their window goes on after this one — only what cannot come later is required.
 */
function windowShiftable(
  loads: readonly ShiftableLoad[],
  delivered: ReadonlyMap<string, number>,
  from: number,
  to: number,
  horizon: number,
  hours: number,
): ShiftableLoad[] {
  const out: ShiftableLoad[] = [];
  for (const load of loads) {
    const a = Math.max(0, Math.floor(load.window[0]));
    const b = Math.min(horizon, Math.ceil(load.window[1]));
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi <= lo && !(b <= a && from === 0)) continue;
    let owed = load.energyKwh - (delivered.get(load.id) ?? 0);
    if (owed < EPS) owed = 0;
    const stepsAfter = Math.max(0, b - Math.max(to, a));
    const later = load.maxKw * hours * stepsAfter;
    // An empty window (from ≥ to) asks its energy of the first plan, which then explains the conflict.
    out.push({
      id: load.id,
      energyKwh: owed,
      maxKw: load.maxKw,
      window: hi > lo ? [lo - from, hi - from] : [0, 0],
      ...(stepsAfter > 0 ? { minEnergyKwh: Math.max(0, owed - later) } : {}),
    });
  }
  return out;
}

/** A window's infeasibility in the horizon's terms: steps counted from the horizon's start. */
function inWindow(r: Infeasibility, from: number, to: number): Infeasibility {
  return {
    ...r,
    conflicts: r.conflicts.map((c) => (c.steps ? { ...c, steps: c.steps.map((s) => s + from) } : c)),
    message:
      `The re-plan at step ${from} (window ${from}–${to - 1}; the step numbers in its sentences count from ` +
      `${from}) has no solution. ${r.message}`,
  };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;
}

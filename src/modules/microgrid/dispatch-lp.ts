/**
 * Dispatch (调度): the day-ahead or rolling plan for storage, shiftable loads and PV under time-of-use prices, as an
 * LP on HiGHS. `buildDispatchLp` is pure (scenario + price per step → LP text + variable map); `solveDispatch` solves
 * it in the solver worker and returns the plan, or the constraints that conflict. Formulation: docs/methods.md,
 * "Source-grid-load-storage: LP models".
 */
import { AppError } from '../../lib/errors.ts';
import {
  DETAIL_WEIGHT,
  amount,
  explainInfeasibility,
  formatSteps,
  type ElasticLp,
  type RelaxableFamily,
  type SlackGroup,
  type SolveFailure,
} from './infeasibility.ts';
import { LpBuilder, type LpText } from './lp-format.ts';
import { createLpSolver, type LpSolveOptions, type LpSolver, type SolveStats } from './solver.ts';
import type { DispatchScenario, Infeasibility } from './types.ts';
import type { DispatchPlan } from './types.ts';
export type { DispatchPlan } from './types.ts';

/** Cost of one kWh through the storage (charge or discharge), CNY: breaks ties against pointless cycling. */
export const CYCLING_PENALTY_CNY_PER_KWH = 1e-4;
/** Cost of one exported kWh, CNY: breaks ties against importing and exporting in the same step. */
export const EXPORT_TIE_PENALTY_CNY_PER_KWH = 1e-6;

/** Column indices of the dispatch variables, per step (see `buildDispatchLp`). */
export interface DispatchVars {
  gridImport: number[];
  gridExport: number[] | undefined;
  pvUsed: number[];
  charge: number[] | undefined;
  discharge: number[] | undefined;
  /** State of charge at the end of each step. */
  soc: number[] | undefined;
  /** Per shiftable load: the steps of its window and their variables. */
  shiftable: { id: string; steps: number[]; vars: number[] }[];
  /** The month's peak demand after this plan (only with a demand charge). */
  peak: number | undefined;
}

/** A built dispatch LP. */
export interface DispatchLp extends LpText {
  vars: DispatchVars;
}

/** Which objective a build minimises: the scenario's own, or cost among plans that keep the first pass's optimum. */
export type DispatchPass =
  { kind: 'primary' } | { kind: 'cost_within'; primary: 'co2' | 'green_self_consumption'; bound: number };

/** Options of `buildDispatchLp`. */
export interface DispatchLpOptions {
  pass?: DispatchPass;
}

interface Prepared {
  steps: number;
  hours: number;
  importLimit: number;
  exportAllowed: boolean;
  exportLimit: number;
  exportPrice: number;
  storage: NonNullable<DispatchScenario['storage']> | undefined;
  demandCharge: number;
  monthPeak: number;
  /** Steps [0, demandSteps) count towards the month's peak. */
  demandSteps: number;
}

function prepare(scenario: DispatchScenario, prices: readonly number[]): Prepared {
  const steps = scenario.loadKw.length;
  const bad = (reason: string) => new AppError('BAD_INPUT', `dispatch scenario ${scenario.id}: ${reason}`);
  if (steps === 0) throw bad('the load has no steps');
  if (scenario.pvKw.length !== steps) throw bad(`pvKw has ${scenario.pvKw.length} steps, loadKw ${steps}`);
  if (prices.length !== steps) throw bad(`the price series has ${prices.length} steps, loadKw ${steps}`);
  for (let t = 0; t < steps; t++) {
    if (!(scenario.loadKw[t]! >= 0) || !Number.isFinite(scenario.loadKw[t]))
      throw bad(`loadKw[${t}] is not ≥ 0`);
    if (!(scenario.pvKw[t]! >= 0) || !Number.isFinite(scenario.pvKw[t])) throw bad(`pvKw[${t}] is not ≥ 0`);
    // Negative prices would give energy a negative value: the LP could then burn it by charging and discharging at
    // once (docs/methods.md), so they are refused rather than planned wrongly.
    if (!(prices[t]! >= 0) || !Number.isFinite(prices[t])) throw bad(`price[${t}] is not ≥ 0`);
  }
  const s = scenario.storage;
  if (s) {
    if (!(s.roundTripEfficiency > 0 && s.roundTripEfficiency <= 1))
      throw bad('roundTripEfficiency must be in (0, 1]');
    if (!(s.minSocShare >= 0 && s.minSocShare <= s.maxSocShare && s.maxSocShare <= 1)) {
      throw bad('state-of-charge shares must satisfy 0 ≤ min ≤ max ≤ 1');
    }
    if (!(s.energyKwh >= 0 && s.powerKw >= 0)) throw bad('storage energy and power must be ≥ 0');
  }
  const tariff = scenario.tariff;
  return {
    steps,
    hours: scenario.stepMinutes / 60,
    importLimit: scenario.gridImportLimitKw ?? Infinity,
    exportAllowed: tariff.exportPrice !== null,
    exportLimit: scenario.gridExportLimitKw ?? Infinity,
    exportPrice: tariff.exportPrice ?? 0,
    storage: s && s.energyKwh > 0 && s.powerKw > 0 ? s : undefined,
    demandCharge: tariff.demandChargePerKwMonth,
    monthPeak: scenario.monthPeakSoFarKw ?? 0,
    demandSteps: Math.max(0, Math.min(steps, scenario.demandChargeSteps ?? steps)),
  };
}

/**
 * Builds the dispatch LP: per step grid import and export, PV used, storage charge, discharge and state of charge,
 * each shiftable load's power; energy balance pv_used + import + discharge = load + shiftables + charge + export;
 * the month's peak when there is a demand charge. `prices` are the energy prices per step, CNY/kWh.
 */
export function buildDispatchLp(
  scenario: DispatchScenario,
  prices: readonly number[],
  options: DispatchLpOptions = {},
): DispatchLp {
  const built = build(
    scenario,
    prices,
    prepare(scenario, prices),
    options.pass ?? { kind: 'primary' },
    undefined,
  );
  return { ...built.lp, vars: built.vars };
}

/** The elastic version of the dispatch LP (infeasibility.ts): the given families relaxed, slack minimised. */
export function buildElasticDispatchLp(
  scenario: DispatchScenario,
  prices: readonly number[],
  families: ReadonlySet<RelaxableFamily>,
): ElasticLp {
  const built = build(scenario, prices, prepare(scenario, prices), { kind: 'primary' }, families);
  return { lp: built.lp, groups: built.groups };
}

function build(
  scenario: DispatchScenario,
  prices: readonly number[],
  p: Prepared,
  pass: DispatchPass,
  elastic: ReadonlySet<RelaxableFamily> | undefined,
): { lp: LpText; vars: DispatchVars; groups: SlackGroup[] } {
  const { steps: T, hours: h, storage } = p;
  const lp = new LpBuilder('min');
  const groups: SlackGroup[] = [];
  const relax = (family: RelaxableFamily) => elastic?.has(family) ?? false;
  const f = scenario.gridFactorTco2PerMwh / 1000; // tCO₂ per kWh
  const costPass = elastic === undefined && (pass.kind === 'cost_within' || scenario.objective === 'cost');
  const meanLoad = scenario.loadKw.reduce((a, b) => a + b, 0) / T;

  // Objective coefficients of import and export per step (per kW of the step's average power).
  const importCost = (t: number): number => {
    if (elastic) return 0;
    if (costPass) return prices[t]! * h;
    return scenario.objective === 'co2' ? f * h : h;
  };
  const exportCost = (t: number): number => {
    if (elastic) return 0;
    if (costPass) {
      // Export is valued at most at the step's import price: otherwise the LP would import and export at once
      // (a meter nets them); the plan's revenue uses the real price (docs/methods.md).
      return (-Math.min(p.exportPrice, prices[t]!) + EXPORT_TIE_PENALTY_CNY_PER_KWH) * h;
    }
    return scenario.objective === 'co2' ? -f * h : 0;
  };
  const cyclingCost = costPass ? CYCLING_PENALTY_CNY_PER_KWH * h : 0;

  const peak =
    p.demandCharge > 0 && costPass ? lp.addVar('peak', p.monthPeak, Infinity, p.demandCharge) : undefined;

  // Elastic limits: one slack for the limit as written (weight 1 / reference) and per-step detail slacks.
  const importGroup =
    relax('grid_import_limit') && p.importLimit < Infinity
      ? elasticGroup('imp', Math.max(p.importLimit, meanLoad, 1))
      : undefined;
  const exportGroup =
    relax('grid_export_limit') && p.exportAllowed && p.exportLimit < Infinity
      ? elasticGroup('xpt', Math.max(p.exportLimit, meanLoad, 1))
      : undefined;
  function elasticGroup(prefix: string, ref: number) {
    return {
      slack: lp.addVar(`sl_${prefix}`, 0, Infinity, 1 / ref),
      ref,
      detail: [] as number[],
      steps: [] as number[],
    };
  }

  const vars: DispatchVars = {
    gridImport: [],
    gridExport: p.exportAllowed ? [] : undefined,
    pvUsed: [],
    charge: storage ? [] : undefined,
    discharge: storage ? [] : undefined,
    soc: storage ? [] : undefined,
    shiftable: [],
    peak,
  };

  const etaC = storage ? Math.sqrt(storage.roundTripEfficiency) : 1;
  const etaD = etaC;
  const minSoc = storage ? storage.minSocShare * storage.energyKwh : 0;
  const maxSoc = storage ? storage.maxSocShare * storage.energyKwh : 0;
  const initialSoc = storage ? storage.initialSocShare * storage.energyKwh : 0;
  const finalSoc = storage ? (storage.finalSocShare ?? storage.initialSocShare) * storage.energyKwh : 0;
  const socRef = storage ? Math.max(storage.energyKwh, 1) : 1;
  const socMinGroup = storage && relax('soc_min') && minSoc > 0 ? elasticGroup('socmin', socRef) : undefined;
  const socMaxGroup = storage && relax('soc_max') ? elasticGroup('socmax', socRef) : undefined;

  // Shiftable loads: variables only inside their window.
  const shiftAt: { k: number; v: number }[][] = Array.from({ length: T }, () => []);
  (scenario.shiftable ?? []).forEach((load, k) => {
    const from = Math.max(0, Math.floor(load.window[0]));
    const to = Math.min(T, Math.ceil(load.window[1]));
    const entry = { id: load.id, steps: [] as number[], vars: [] as number[] };
    for (let t = from; t < to; t++) {
      const v = lp.addVar(`shf${k}_${t}`, 0, load.maxKw, 0);
      entry.steps.push(t);
      entry.vars.push(v);
      shiftAt[t]!.push({ k, v });
    }
    vars.shiftable.push(entry);
  });

  for (let t = 0; t < T; t++) {
    const imp = lp.addVar(`imp_${t}`, 0, importGroup ? Infinity : p.importLimit, importCost(t));
    vars.gridImport.push(imp);
    const pv = lp.addVar(`pv_${t}`, 0, scenario.pvKw[t], 0);
    vars.pvUsed.push(pv);
    const balVars = [pv, imp];
    const balCoefs = [1, 1];
    if (vars.gridExport) {
      const xpt = lp.addVar(`xpt_${t}`, 0, exportGroup ? Infinity : p.exportLimit, exportCost(t));
      vars.gridExport.push(xpt);
      balVars.push(xpt);
      balCoefs.push(-1);
      // Only own generation is exported (余电上网): storage does not sell grid energy back.
      lp.addRow(`xpv_${t}`, [xpt, pv], [1, -1], '<=', 0);
      if (exportGroup) limitDetail(exportGroup, 'xpt', xpt, p.exportLimit, t);
    }
    if (importGroup) limitDetail(importGroup, 'imp', imp, p.importLimit, t);
    if (storage) {
      const chg = lp.addVar(`chg_${t}`, 0, storage.powerKw, cyclingCost);
      const dis = lp.addVar(`dis_${t}`, 0, storage.powerKw, cyclingCost);
      const soc = lp.addVar(`soc_${t}`, socMinGroup ? 0 : minSoc, socMaxGroup ? Infinity : maxSoc, 0);
      vars.charge!.push(chg);
      vars.discharge!.push(dis);
      vars.soc!.push(soc);
      balVars.push(dis, chg);
      balCoefs.push(1, -1);
      const prev = vars.soc![t - 1];
      if (prev === undefined)
        lp.addRow(`soc_${t}_r`, [soc, chg, dis], [1, -etaC * h, h / etaD], '=', initialSoc);
      else lp.addRow(`soc_${t}_r`, [soc, prev, chg, dis], [1, -1, -etaC * h, h / etaD], '=', 0);
      if (socMinGroup) {
        const d = lp.addVar(`sd_socmin_${t}`, 0, Infinity, DETAIL_WEIGHT / socMinGroup.ref);
        lp.addRow(`socmin_${t}`, [soc, d], [1, 1], '>=', minSoc);
        lp.addRow(`socmin_${t}_s`, [d, socMinGroup.slack], [1, -1], '<=', 0);
        socMinGroup.detail.push(d);
        socMinGroup.steps.push(t);
      }
      if (socMaxGroup) {
        const d = lp.addVar(`sd_socmax_${t}`, 0, Infinity, DETAIL_WEIGHT / socMaxGroup.ref);
        lp.addRow(`socmax_${t}`, [soc, d], [1, -1], '<=', maxSoc);
        lp.addRow(`socmax_${t}_s`, [d, socMaxGroup.slack], [1, -1], '<=', 0);
        socMaxGroup.detail.push(d);
        socMaxGroup.steps.push(t);
      }
    }
    for (const { v } of shiftAt[t]!) {
      balVars.push(v);
      balCoefs.push(-1);
    }
    lp.addRow(`bal_${t}`, balVars, balCoefs, '=', scenario.loadKw[t]!);
    if (peak !== undefined && t < p.demandSteps) lp.addRow(`pk_${t}`, [imp, peak], [1, -1], '<=', 0);
  }

  function limitDetail(
    g: { slack: number; ref: number; detail: number[]; steps: number[] },
    prefix: string,
    x: number,
    limit: number,
    t: number,
  ) {
    const d = lp.addVar(`sd_${prefix}_${t}`, 0, Infinity, (DETAIL_WEIGHT / g.ref) * h);
    lp.addRow(`lim_${prefix}_${t}`, [x, d], [1, -1], '<=', limit);
    lp.addRow(`lim_${prefix}_${t}_s`, [d, g.slack], [1, -1], '<=', 0);
    g.detail.push(d);
    g.steps.push(t);
  }

  // Final state of charge: at least the required one (more is allowed; it is never free, so the LP keeps no more
  // than pays).
  if (storage) {
    const last = vars.soc![T - 1]!;
    if (relax('final_soc') && finalSoc > 0) {
      const ref = Math.max(storage.energyKwh, 1);
      const s = lp.addVar('sl_final', 0, Infinity, 1 / ref);
      lp.addRow('final_soc', [last, s], [1, 1], '>=', finalSoc);
      groups.push({
        family: 'final_soc',
        key: '',
        slackVar: s,
        scale: 1,
        unit: 'kWh',
        describe: (by) =>
          `the final state of charge ${amount(finalSoc, 'kWh')} cannot be reached: lower it by ${amount(by, 'kWh')} ` +
          `(to ${amount(finalSoc - by, 'kWh')})`,
      });
    } else {
      lp.addRow('final_soc', [last], [1], '>=', finalSoc);
    }
  }

  // Each shiftable load receives its energy within its window.
  vars.shiftable.forEach((entry, k) => {
    const load = scenario.shiftable![k]!;
    const coefs = entry.vars.map(() => h);
    // A range [min, energy] when the load may finish after this plan (a rolling window), else exactly its energy.
    const minEnergy = Math.min(load.energyKwh, Math.max(0, load.minEnergyKwh ?? load.energyKwh));
    const ranged = minEnergy < load.energyKwh;
    if (ranged) lp.addRow(`shf${k}_max`, entry.vars, coefs, '<=', load.energyKwh);
    if (relax('shiftable_energy') && minEnergy > 0) {
      const s = lp.addVar(`sl_shf${k}`, 0, Infinity, 1 / Math.max(minEnergy, 1));
      lp.addRow(`shf${k}_need`, [...entry.vars, s], [...coefs, 1], ranged ? '>=' : '=', minEnergy);
      const hoursIn = entry.steps.length * h;
      groups.push({
        family: 'shiftable_energy',
        key: load.id,
        slackVar: s,
        scale: 1,
        unit: 'kWh',
        describe: (by) =>
          `shiftable load ${load.id} needs ${amount(minEnergy, 'kWh')} within ` +
          `${entry.steps.length > 0 ? formatSteps(entry.steps) : 'an empty window'} but can take at most ${amount(load.maxKw, 'kW')} × ${amount(hoursIn, 'h')} = ` +
          `${amount(load.maxKw * hoursIn, 'kWh')} there: lower its energy by ${amount(by, 'kWh')}, or widen its window ` +
          `or raise its power limit`,
      });
    } else {
      lp.addRow(`shf${k}_need`, entry.vars, coefs, ranged ? '>=' : '=', minEnergy);
    }
  });

  // The second pass keeps the first pass's optimum (CO₂ or import) and minimises cost within it.
  if (pass.kind === 'cost_within' && elastic === undefined) {
    const bVars: number[] = [];
    const bCoefs: number[] = [];
    for (let t = 0; t < T; t++) {
      bVars.push(vars.gridImport[t]!);
      bCoefs.push(pass.primary === 'co2' ? f * h : h);
      if (vars.gridExport && pass.primary === 'co2') {
        bVars.push(vars.gridExport[t]!);
        bCoefs.push(-f * h);
      }
    }
    lp.addRow('primary_bound', bVars, bCoefs, '<=', pass.bound);
  }

  if (importGroup) {
    groups.push({
      family: 'grid_import_limit',
      key: 'grid',
      slackVar: importGroup.slack,
      detailVars: importGroup.detail,
      detailSteps: importGroup.steps,
      scale: 1,
      unit: 'kW',
      describe: (by, st) =>
        `grid import limit ${amount(p.importLimit, 'kW')} must rise by ${amount(by, 'kW')}` +
        `${st && st.length > 0 ? ` at ${formatSteps(st)}` : ''} (load up to ` +
        `${amount(Math.max(...scenario.loadKw), 'kW')})`,
    });
  }
  if (exportGroup) {
    groups.push({
      family: 'grid_export_limit',
      key: 'grid',
      slackVar: exportGroup.slack,
      detailVars: exportGroup.detail,
      detailSteps: exportGroup.steps,
      scale: 1,
      unit: 'kW',
      describe: (by, st) =>
        `grid export limit ${amount(p.exportLimit, 'kW')} must rise by ${amount(by, 'kW')}` +
        `${st && st.length > 0 ? ` at ${formatSteps(st)}` : ''}`,
    });
  }
  if (socMinGroup) {
    groups.push({
      family: 'soc_min',
      key: 'storage',
      slackVar: socMinGroup.slack,
      detailVars: socMinGroup.detail,
      detailSteps: socMinGroup.steps,
      scale: 1,
      unit: 'kWh',
      describe: (by, st) =>
        `the storage cannot stay above its minimum state of charge ${amount(minSoc, 'kWh')}` +
        `${st && st.length > 0 ? ` at ${formatSteps(st)}` : ''}: lower the minimum by ${amount(by, 'kWh')} ` +
        `(the initial state of charge is ${amount(initialSoc, 'kWh')})`,
    });
  }
  if (socMaxGroup) {
    groups.push({
      family: 'soc_max',
      key: 'storage',
      slackVar: socMaxGroup.slack,
      detailVars: socMaxGroup.detail,
      detailSteps: socMaxGroup.steps,
      scale: 1,
      unit: 'kWh',
      describe: (by, st) =>
        `the storage cannot stay below its maximum state of charge ${amount(maxSoc, 'kWh')}` +
        `${st && st.length > 0 ? ` at ${formatSteps(st)}` : ''}: raise the maximum by ${amount(by, 'kWh')} ` +
        `(the initial state of charge is ${amount(initialSoc, 'kWh')})`,
    });
  }
  return { lp: lp.toText(), vars, groups };
}

/** Families that can make a dispatch LP infeasible, for this scenario (relaxed one at a time first). */
function dispatchCandidates(scenario: DispatchScenario, p: Prepared): RelaxableFamily[] {
  const out: RelaxableFamily[] = [];
  if (scenario.gridImportLimitKw !== undefined) out.push('grid_import_limit');
  if (p.storage) out.push('final_soc', 'soc_min', 'soc_max');
  if (scenario.shiftable?.length) out.push('shiftable_energy');
  return out;
}

const ALL_DISPATCH_FAMILIES: RelaxableFamily[] = [
  'grid_import_limit',
  'grid_export_limit',
  'final_soc',
  'soc_min',
  'soc_max',
  'shiftable_energy',
];

/** Options of `solveDispatch`: solve options, and a solver to reuse (else one is started and closed). */
export interface DispatchSolveOptions extends LpSolveOptions {
  solver?: LpSolver;
}

/**
 * Solves a dispatch scenario: the plan, or — when no plan meets the constraints — which constraints conflict and by
 * how much. For the CO₂ and self-consumption objectives a second pass picks the cheapest of the optimal plans.
 */
export async function solveDispatch(
  scenario: DispatchScenario,
  prices: readonly number[],
  options: DispatchSolveOptions = {},
): Promise<DispatchPlan | Infeasibility | SolveFailure> {
  const own = options.solver ? undefined : createLpSolver();
  const solver = options.solver ?? own!;
  try {
    const prepared = prepare(scenario, prices);
    let t0 = performance.now();
    let built = build(scenario, prices, prepared, { kind: 'primary' }, undefined);
    let buildMs = performance.now() - t0;
    const first = await solver.solve(built.lp, options);
    const passes: SolveStats[] = [];
    if (first.status === 'error') return { status: 'error', reason: first.reason, message: first.message };
    passes.push(first.stats);
    if (first.status === 'infeasible') {
      return await explainInfeasibility(
        (families) => buildElasticDispatchLp(scenario, prices, families),
        dispatchCandidates(scenario, prepared),
        ALL_DISPATCH_FAMILIES,
        solver,
        options,
      );
    }
    let values = first.values;
    if (scenario.objective !== 'cost') {
      const bound = first.objective + 1e-7 * Math.max(1, Math.abs(first.objective));
      t0 = performance.now();
      const second = build(
        scenario,
        prices,
        prepared,
        { kind: 'cost_within', primary: scenario.objective, bound },
        undefined,
      );
      buildMs += performance.now() - t0;
      const outcome = await solver.solve(second.lp, options);
      if (outcome.status === 'error')
        return { status: 'error', reason: outcome.reason, message: outcome.message };
      if (outcome.status === 'optimal') {
        passes.push(outcome.stats);
        values = outcome.values;
        built = second;
      }
    }
    return planOf(scenario, prices, prepared, built.vars, values, { buildMs, passes });
  } finally {
    await own?.close();
  }
}

function planOf(
  scenario: DispatchScenario,
  prices: readonly number[],
  p: Prepared,
  vars: DispatchVars,
  values: Float64Array,
  solve: DispatchPlan['solve'],
): DispatchPlan {
  const T = p.steps;
  const h = p.hours;
  const at = (list: number[] | undefined, t: number) => (list ? values[list[t]!]! : 0);
  const zeros = () => new Array<number>(T).fill(0);
  const plan: DispatchPlan = {
    status: 'optimal',
    scenarioId: scenario.id,
    objective: scenario.objective,
    startMs: scenario.startMs,
    stepMinutes: scenario.stepMinutes,
    loadKw: [...scenario.loadKw],
    gridImportKw: zeros(),
    gridExportKw: zeros(),
    pvAvailableKw: [...scenario.pvKw],
    pvUsedKw: zeros(),
    pvCurtailedKw: zeros(),
    chargeKw: zeros(),
    dischargeKw: zeros(),
    socKwh: vars.soc ? zeros() : [],
    shiftableKw: {},
    priceCnyPerKwh: [...prices],
    totals: emptyTotals(),
    notes: [],
    solve,
  };
  const tot = plan.totals;
  for (let t = 0; t < T; t++) {
    const imp = at(vars.gridImport, t);
    const xpt = at(vars.gridExport, t);
    const pv = at(vars.pvUsed, t);
    plan.gridImportKw[t] = imp;
    plan.gridExportKw[t] = xpt;
    plan.pvUsedKw[t] = pv;
    const curtailed = scenario.pvKw[t]! - pv;
    const chg = at(vars.charge, t);
    const dis = at(vars.discharge, t);
    plan.pvCurtailedKw[t] = curtailed;
    plan.chargeKw[t] = chg;
    plan.dischargeKw[t] = dis;
    if (vars.soc) plan.socKwh[t] = at(vars.soc, t);
    tot.loadKwh += scenario.loadKw[t]! * h;
    tot.gridImportKwh += imp * h;
    tot.gridExportKwh += xpt * h;
    tot.pvUsedKwh += pv * h;
    tot.pvCurtailedKwh += curtailed * h;
    tot.chargeKwh += chg * h;
    tot.dischargeKwh += dis * h;
    tot.energyCostCny += prices[t]! * imp * h;
    tot.exportRevenueCny += p.exportPrice * xpt * h;
    tot.peakKw = Math.max(tot.peakKw, imp);
  }
  for (const entry of vars.shiftable) {
    const series = zeros();
    entry.steps.forEach((t, i) => {
      const kw = values[entry.vars[i]!]!;
      series[t] = kw;
      tot.shiftableKwh += kw * h;
    });
    plan.shiftableKw[entry.id] = series;
  }
  let billedPeak = 0;
  for (let t = 0; t < p.demandSteps; t++) billedPeak = Math.max(billedPeak, plan.gridImportKw[t]!);
  tot.demandChargeCny = p.demandCharge * Math.max(0, billedPeak - p.monthPeak);
  tot.costCny = tot.energyCostCny - tot.exportRevenueCny + tot.demandChargeCny;
  tot.co2Tco2 = ((tot.gridImportKwh - tot.gridExportKwh) * scenario.gridFactorTco2PerMwh) / 1000;
  const pricedDown = prices.filter((price) => p.exportAllowed && p.exportPrice > price).length;
  if (pricedDown > 0) {
    plan.notes.push(
      `export pays more than import in ${pricedDown} steps: the plan values export there at the import price ` +
        '(a meter nets import and export); revenue is counted at the export price',
    );
  }
  if (p.demandCharge > 0) {
    plan.notes.push(
      `demand charge: the plan pays ${p.demandCharge} CNY/kW for the whole month on any rise of the month's peak ` +
        `above ${p.monthPeak} kW`,
    );
  }
  return plan;
}

/** A plan's totals before anything is added up. */
export function emptyTotals(): DispatchPlan['totals'] {
  return {
    loadKwh: 0,
    shiftableKwh: 0,
    gridImportKwh: 0,
    gridExportKwh: 0,
    pvUsedKwh: 0,
    pvCurtailedKwh: 0,
    chargeKwh: 0,
    dischargeKwh: 0,
    energyCostCny: 0,
    exportRevenueCny: 0,
    demandChargeCny: 0,
    costCny: 0,
    peakKw: 0,
    co2Tco2: 0,
  };
}

/**
 * Sizing (以荷定源): how much PV, wind and storage to build for a target at the least annualised cost, as one LP over
 * a year of steps (or over representative days) on HiGHS. `buildSizingLp` is pure: plain arrays in, LP text out.
 * Formulation and definitions (green share, levelised cost …): docs/methods.md, "Source-grid-load-storage: LP
 * models".
 */
import { AppError } from '../../lib/errors.ts';
import { zoneOffsetMinutes } from '../../lib/time.ts';
import { CYCLING_PENALTY_CNY_PER_KWH, EXPORT_TIE_PENALTY_CNY_PER_KWH } from './dispatch-lp.ts';
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
import { representativeInput, type RepresentativeDay } from './representative-days.ts';
import { createLpSolver, type LpSolveOptions, type LpSolver, type WarmStart } from './solver.ts';
import type { Infeasibility, SizingResult, SizingScenario, Technology, TechnologyCost } from './types.ts';
export type { SizingResult, SizingComparison, Technology } from './types.ts';

/** The technologies a sizing can build. */
const TECHNOLOGIES: readonly Technology[] = ['pv', 'wind', 'storageEnergy', 'storagePower'];
const TECH_LABEL: Record<Technology, { name: string; unit: string }> = {
  pv: { name: 'PV', unit: 'kW' },
  wind: { name: 'wind', unit: 'kW' },
  storageEnergy: { name: 'storage energy', unit: 'kWh' },
  storagePower: { name: 'storage power', unit: 'kW' },
};

/** A run of steps standing for `weight` real ones; storage is cyclic within it (it ends as it started). */
export interface SizingSegment {
  from: number;
  to: number;
  weight: number;
  /** Months (0–11) whose demand peak its steps count in; default: each step's own `monthOfStep`. */
  months?: readonly number[];
}

/** The sizing LP's input: plain arrays per step and the scenario's numbers. Powers kW, energies kWh, CNY. */
export interface SizingLpInput {
  stepMinutes: 15 | 60;
  /** Start of the horizon, epoch ms (for the times of the result's dispatch; optional). */
  startMs?: number;
  loadKw: readonly number[];
  /** PV output per kW installed, per step. */
  pvPerKw?: readonly number[];
  windPerKw?: readonly number[];
  /** Energy price per step, CNY/kWh. */
  energyPrice: readonly number[];
  /** Park-local month (0–11) of each step, for the demand charge. */
  monthOfStep: readonly number[];
  /** Default: one segment, the whole horizon, weight 1 (a full year, storage cyclic over the year). */
  segments?: readonly SizingSegment[];
  exportPrice: number | null;
  demandChargePerKwMonth: number;
  existing?: { pvKw?: number; windKw?: number; storageKwh?: number; storageKw?: number };
  costs: Partial<Record<Technology, TechnologyCost>>;
  storage?: { roundTripEfficiency: number; minSocShare: number; maxSocShare: number };
  discountRate: number;
  gridImportLimitKw?: number;
  gridExportLimitKw?: number;
  gridFactorTco2PerMwh: number;
  target: NonNullable<SizingScenario['target']>;
}

/** Column indices of the sizing variables. */
export interface SizingVars {
  /** Added capacity per technology (absent: not buildable). */
  capacity: Partial<Record<Technology, number>>;
  gridImport: number[];
  gridExport: number[] | undefined;
  /** PV and wind output used on site (load and storage), per step. */
  renewableUsed: number[] | undefined;
  charge: number[] | undefined;
  discharge: number[] | undefined;
  soc: number[] | undefined;
  /** Monthly peak per month index (only with a demand charge). */
  peak: Map<number, number>;
}

/** A built sizing LP. */
export interface SizingLp extends LpText {
  vars: SizingVars;
}

/** Capital recovery factor: the annuity that repays 1 CNY over `years` at `rate` (1 / years when the rate is 0). */
export function capitalRecoveryFactor(rate: number, years: number): number {
  if (rate === 0) return 1 / years;
  const g = (1 + rate) ** years;
  return (rate * g) / (g - 1);
}

/** Annualised cost of one unit of a technology: capex × (CRF + O&M share), CNY per unit-year. */
export function annualCostPerUnit(cost: TechnologyCost, discountRate: number): number {
  return cost.capexPerUnit * (capitalRecoveryFactor(discountRate, cost.lifetimeYears) + cost.omShare);
}

/** Park-local month (0–11) of each of `steps` steps from `startMs`. */
export function monthsOfSteps(
  startMs: number,
  steps: number,
  stepMinutes: number,
  timeZone: string,
): number[] {
  const out = new Array<number>(steps);
  for (let t = 0; t < steps; t++) {
    const atMs = startMs + t * stepMinutes * 60_000;
    out[t] = new Date(atMs + zoneOffsetMinutes(timeZone, atMs) * 60_000).getUTCMonth();
  }
  return out;
}

/**
 * The sizing input of a scenario: its profiles, the energy price per step (tariff.ts `priceSeries`) and the month of
 * each step in the park's time zone.
 */
export function sizingInputFromScenario(
  scenario: SizingScenario,
  energyPrice: readonly number[],
  timeZone: string,
): SizingLpInput {
  const load = scenario.load;
  const steps = load.valuesKw.length;
  const monthOfStep = monthsOfSteps(load.startMs, steps, load.stepMinutes, timeZone);
  const shape = (p: SizingScenario['pvShape'], what: string) => {
    if (!p) return undefined;
    if (p.valuesKw.length !== steps || p.stepMinutes !== load.stepMinutes || p.startMs !== load.startMs) {
      throw new AppError(
        'BAD_INPUT',
        `sizing scenario ${scenario.id}: the ${what} profile does not match the load's steps`,
      );
    }
    if (!p.perKw)
      throw new AppError('BAD_INPUT', `sizing scenario ${scenario.id}: the ${what} profile must be per kW`);
    return p.valuesKw;
  };
  return {
    stepMinutes: load.stepMinutes,
    startMs: load.startMs,
    loadKw: load.valuesKw,
    pvPerKw: shape(scenario.pvShape, 'PV'),
    windPerKw: shape(scenario.windShape, 'wind'),
    energyPrice,
    monthOfStep,
    exportPrice: scenario.tariff.exportPrice,
    demandChargePerKwMonth: scenario.tariff.demandChargePerKwMonth,
    existing: scenario.existing,
    costs: scenario.costs,
    storage: scenario.storage,
    discountRate: scenario.discountRate,
    gridImportLimitKw: scenario.gridImportLimitKw,
    gridExportLimitKw: scenario.gridExportLimitKw,
    gridFactorTco2PerMwh: scenario.gridFactorTco2PerMwh,
    target: scenario.target ?? { kind: 'none' },
  };
}

interface Prepared {
  T: number;
  h: number;
  segments: readonly SizingSegment[];
  existing: Record<Technology, number>;
  /** Bounds of the added capacity, when buildable. */
  buildable: Partial<
    Record<Technology, { lower: number; upper: number; annualCost: number; maxTotal: number }>
  >;
  hasStorage: boolean;
  loadKwh: number;
}

function prepare(input: SizingLpInput): Prepared {
  const T = input.loadKw.length;
  const bad = (reason: string) => new AppError('BAD_INPUT', `sizing: ${reason}`);
  if (T === 0) throw bad('the load has no steps');
  for (const [name, series] of [
    ['energyPrice', input.energyPrice],
    ['monthOfStep', input.monthOfStep],
    ['pvPerKw', input.pvPerKw],
    ['windPerKw', input.windPerKw],
  ] as const) {
    if (series && series.length !== T) throw bad(`${name} has ${series.length} steps, the load ${T}`);
  }
  const h = input.stepMinutes / 60;
  const segments = input.segments ?? [{ from: 0, to: T, weight: 1 }];
  const existing: Record<Technology, number> = {
    pv: input.pvPerKw ? (input.existing?.pvKw ?? 0) : 0,
    wind: input.windPerKw ? (input.existing?.windKw ?? 0) : 0,
    storageEnergy: input.storage ? (input.existing?.storageKwh ?? 0) : 0,
    storagePower: input.storage ? (input.existing?.storageKw ?? 0) : 0,
  };
  const possible: Record<Technology, boolean> = {
    pv: input.pvPerKw !== undefined,
    wind: input.windPerKw !== undefined,
    storageEnergy: input.storage !== undefined,
    storagePower: input.storage !== undefined,
  };
  const buildable: Prepared['buildable'] = {};
  for (const tech of TECHNOLOGIES) {
    const cost = input.costs[tech];
    if (!cost || !possible[tech]) continue;
    const maxTotal = cost.maxUnits ?? Infinity;
    buildable[tech] = {
      lower: Math.max(0, (cost.minUnits ?? 0) - existing[tech]),
      upper: Math.max(0, maxTotal - existing[tech]),
      annualCost: annualCostPerUnit(cost, input.discountRate),
      maxTotal,
    };
  }
  const s = input.storage;
  if (
    s &&
    !(
      s.roundTripEfficiency > 0 &&
      s.roundTripEfficiency <= 1 &&
      0 <= s.minSocShare &&
      s.minSocShare <= s.maxSocShare &&
      s.maxSocShare <= 1
    )
  ) {
    throw bad('storage needs 0 < roundTripEfficiency ≤ 1 and 0 ≤ minSocShare ≤ maxSocShare ≤ 1');
  }
  const hasStorage =
    s !== undefined &&
    (existing.storageEnergy > 0 || buildable.storageEnergy !== undefined) &&
    (existing.storagePower > 0 || buildable.storagePower !== undefined);
  let loadKwh = 0;
  for (const seg of segments) {
    for (let t = seg.from; t < seg.to; t++) loadKwh += seg.weight * input.loadKw[t]! * h;
  }
  return { T, h, segments, existing, buildable, hasStorage, loadKwh };
}

/**
 * Builds the sizing LP: added capacities (annualised cost), hourly dispatch (import, export, PV and wind used,
 * storage), energy cost per step, a peak per month for the demand charge, export revenue and the target.
 */
export function buildSizingLp(input: SizingLpInput): SizingLp {
  const built = build(input, prepare(input), undefined);
  return { ...built.lp, vars: built.vars };
}

/** The elastic version of the sizing LP (infeasibility.ts): the given families relaxed, slack minimised. */
export function buildElasticSizingLp(
  input: SizingLpInput,
  families: ReadonlySet<RelaxableFamily>,
): ElasticLp {
  const built = build(input, prepare(input), families);
  return { lp: built.lp, groups: built.groups };
}

function build(
  input: SizingLpInput,
  p: Prepared,
  elastic: ReadonlySet<RelaxableFamily> | undefined,
): { lp: LpText; vars: SizingVars; groups: SlackGroup[] } {
  const { h } = p;
  const lp = new LpBuilder('min');
  const groups: SlackGroup[] = [];
  const relax = (family: RelaxableFamily) => elastic?.has(family) ?? false;
  const economic = elastic === undefined; // the elastic model minimises slack only
  const f = input.gridFactorTco2PerMwh / 1000;
  const target = input.target;
  const importLimit = input.gridImportLimitKw ?? Infinity;
  const exportAllowed = input.exportPrice !== null;
  const exportPrice = input.exportPrice ?? 0;
  const exportLimit = input.gridExportLimitKw ?? Infinity;
  const meanLoad = p.loadKwh / (h * p.segments.reduce((a, s) => a + s.weight * (s.to - s.from), 0));

  // Capacities: added kW (kWh) beyond the existing, annualised cost per unit.
  const vars: SizingVars = {
    capacity: {},
    gridImport: [],
    gridExport: exportAllowed && (input.pvPerKw || input.windPerKw) ? [] : undefined,
    renewableUsed: input.pvPerKw || input.windPerKw ? [] : undefined,
    charge: p.hasStorage ? [] : undefined,
    discharge: p.hasStorage ? [] : undefined,
    soc: p.hasStorage ? [] : undefined,
    peak: new Map(),
  };
  for (const tech of TECHNOLOGIES) {
    const b = p.buildable[tech];
    if (!b) continue;
    if (tech.startsWith('storage') && !p.hasStorage) continue;
    const capRelaxed = relax('capacity_max') && b.upper < Infinity;
    const v = lp.addVar(`cap_${tech}`, b.lower, capRelaxed ? Infinity : b.upper, economic ? b.annualCost : 0);
    vars.capacity[tech] = v;
    if (capRelaxed) {
      const s = lp.addVar(`sl_cap_${tech}`, 0, Infinity, 1 / Math.max(b.maxTotal, 1));
      lp.addRow(`capmax_${tech}`, [v, s], [1, -1], '<=', b.upper);
      const { name, unit } = TECH_LABEL[tech];
      groups.push({
        family: 'capacity_max',
        key: tech,
        slackVar: s,
        scale: 1,
        unit,
        describe: (by) =>
          `the ${name} capacity bound ${amount(b.maxTotal, unit)} must rise by ${amount(by, unit)} ` +
          `(to ${amount(b.maxTotal + by, unit)})`,
      });
    }
  }

  // Demand charge: one peak per month that the horizon touches.
  if (input.demandChargePerKwMonth > 0 && economic) {
    const months = new Set<number>();
    for (const seg of p.segments) {
      if (seg.months) seg.months.forEach((m) => months.add(m));
      else for (let t = seg.from; t < seg.to; t++) months.add(input.monthOfStep[t]!);
    }
    for (const m of [...months].sort((a, b) => a - b)) {
      vars.peak.set(m, lp.addVar(`peak_${m + 1}`, 0, Infinity, input.demandChargePerKwMonth));
    }
  }

  // Elastic import limit: one slack (weight 1 / reference) and per-step detail slacks.
  const importSlack =
    relax('grid_import_limit') && importLimit < Infinity
      ? {
          v: lp.addVar('sl_imp', 0, Infinity, 1 / Math.max(importLimit, meanLoad, 1)),
          detail: [] as number[],
          steps: [] as number[],
        }
      : undefined;
  const exportSlack =
    relax('grid_export_limit') && exportAllowed && exportLimit < Infinity
      ? {
          v: lp.addVar('sl_xpt', 0, Infinity, 1 / Math.max(exportLimit, 1)),
          detail: [] as number[],
          steps: [] as number[],
        }
      : undefined;
  const hourly = target.kind === 'green_share_hourly' ? target.share : undefined;
  const hourlySlack =
    hourly !== undefined && relax('target')
      ? { v: lp.addVar('sl_target', 0, Infinity, 1), detail: [] as number[], steps: [] as number[] }
      : undefined;

  const s = input.storage;
  const etaC = s ? Math.sqrt(s.roundTripEfficiency) : 1;
  const etaD = etaC;
  const capE = vars.capacity.storageEnergy;
  const capP = vars.capacity.storagePower;
  const capPv = vars.capacity.pv;
  const capWind = vars.capacity.wind;

  const annualImportVars: number[] = [];
  const annualImportCoefs: number[] = [];
  const co2Vars: number[] = [];
  const co2Coefs: number[] = [];

  for (const seg of p.segments) {
    const w = seg.weight;
    const first = vars.soc ? vars.soc.length : 0;
    for (let t = seg.from; t < seg.to; t++) {
      const load = input.loadKw[t]!;
      const price = input.energyPrice[t]!;
      if (!Number.isFinite(load) || load < 0)
        throw new AppError('BAD_INPUT', `sizing: load[${t}] is not ≥ 0`);
      if (!Number.isFinite(price) || price < 0) {
        throw new AppError(
          'BAD_INPUT',
          `sizing: energyPrice[${t}] is not ≥ 0 (negative prices are not supported)`,
        );
      }
      let impUpper = importSlack ? Infinity : importLimit;
      if (hourly !== undefined && !hourlySlack) impUpper = Math.min(impUpper, (1 - hourly) * load);
      const imp = lp.addVar(`imp_${t}`, 0, impUpper, economic ? w * price * h : 0);
      vars.gridImport.push(imp);
      const balVars = [imp];
      const balCoefs = [1];
      if (importSlack) detail(importSlack, 'imp', imp, importLimit, t, w);
      if (hourlySlack) {
        const d = lp.addVar(`sd_target_${t}`, 0, Infinity, (DETAIL_WEIGHT * w * h) / Math.max(p.loadKwh, 1));
        lp.addRow(`hourly_${t}`, [imp, d], [1, -1], '<=', (1 - hourly!) * load);
        lp.addRow(`hourly_${t}_s`, [d, hourlySlack.v], [1, -load], '<=', 0);
        hourlySlack.detail.push(d);
        hourlySlack.steps.push(t);
      }
      // Own generation (PV and wind together): used on site (load and storage) or exported, at most what the
      // capacities give; the rest is curtailed. One row per step (ADR 0009: rows cost simplex iterations).
      if (vars.renewableUsed) {
        const pvShape = clip(input.pvPerKw?.[t] ?? 0);
        const windShape = clip(input.windPerKw?.[t] ?? 0);
        if (!(pvShape >= 0 && windShape >= 0) || !Number.isFinite(pvShape + windShape)) {
          throw new AppError('BAD_INPUT', `sizing: the PV or wind shape at step ${t} is not ≥ 0`);
        }
        const fixedKw = pvShape * p.existing.pv + windShape * p.existing.wind;
        const capVars: number[] = [];
        const capCoefs: number[] = [];
        if (capPv !== undefined && pvShape > 0) {
          capVars.push(capPv);
          capCoefs.push(-pvShape);
        }
        if (capWind !== undefined && windShape > 0) {
          capVars.push(capWind);
          capCoefs.push(-windShape);
        }
        const bounded = capVars.length === 0; // nothing to build at this step: the output is a bound
        const use = lp.addVar(`ren_${t}`, 0, bounded ? fixedKw : Infinity, 0);
        vars.renewableUsed.push(use);
        balVars.push(use);
        balCoefs.push(1);
        const genVars = [use];
        const genCoefs = [1];
        if (vars.gridExport) {
          const cost = (-Math.min(exportPrice, price) + EXPORT_TIE_PENALTY_CNY_PER_KWH) * w * h;
          const upper = Math.min(exportSlack ? Infinity : exportLimit, bounded ? fixedKw : Infinity);
          const xpt = lp.addVar(`xpt_${t}`, 0, upper, economic ? cost : 0);
          vars.gridExport.push(xpt);
          genVars.push(xpt);
          genCoefs.push(1);
          if (exportSlack) detail(exportSlack, 'xpt', xpt, exportLimit, t, w);
          co2Vars.push(xpt);
          co2Coefs.push(-f * w * h);
        }
        if (!bounded || genVars.length > 1) {
          lp.addRow(`gen_${t}`, [...genVars, ...capVars], [...genCoefs, ...capCoefs], '<=', fixedKw);
        }
      }
      if (vars.soc) {
        const cyc = economic ? CYCLING_PENALTY_CNY_PER_KWH * w * h : 0;
        const powerFixed = capP === undefined ? p.existing.storagePower : Infinity;
        const chg = lp.addVar(`chg_${t}`, 0, powerFixed, cyc);
        const dis = lp.addVar(`dis_${t}`, 0, powerFixed, cyc);
        // Charge + discharge ≤ power: the same as each ≤ power wherever the two are not both positive, which never
        // pays (docs/methods.md) — one row instead of two.
        if (capP !== undefined)
          lp.addRow(`pw_${t}`, [chg, dis, capP], [1, 1, -1], '<=', p.existing.storagePower);
        // State of charge above the minimum: its lower bound is then 0, a bound rather than a row.
        const span = s!.maxSocShare - s!.minSocShare;
        const soc = lp.addVar(
          `soc_${t}`,
          0,
          capE === undefined ? span * p.existing.storageEnergy : Infinity,
          0,
        );
        if (capE !== undefined)
          lp.addRow(`sh_${t}`, [soc, capE], [1, -span], '<=', span * p.existing.storageEnergy);
        vars.charge!.push(chg);
        vars.discharge!.push(dis);
        vars.soc.push(soc);
        balVars.push(dis, chg);
        balCoefs.push(1, -1);
      }
      lp.addRow(`bal_${t}`, balVars, balCoefs, '=', load);
      // Demand: the step's import is at most the peak of each month it counts in.
      if (vars.peak.size > 0) {
        for (const m of seg.months ?? [input.monthOfStep[t]!]) {
          lp.addRow(`pk_${t}_${m + 1}`, [imp, vars.peak.get(m)!], [1, -1], '<=', 0);
        }
      }
      annualImportVars.push(imp);
      annualImportCoefs.push((w * h) / 1000); // MWh: keeps the row's bound near 1e4, not 1e7
      co2Vars.push(imp);
      co2Coefs.push(f * w * h);
    }
    // State of charge, cyclic within the segment: the step before the first is the last.
    if (vars.soc) {
      const last = vars.soc.length - 1;
      for (let i = first; i <= last; i++) {
        const prev = vars.soc[i === first ? last : i - 1]!;
        const t = seg.from + (i - first);
        lp.addRow(
          `soc_${t}_r`,
          [vars.soc[i]!, prev, vars.charge![i]!, vars.discharge![i]!],
          [1, -1, -etaC * h, h / etaD],
          '=',
          0,
        );
      }
    }
  }

  function detail(
    g: { v: number; detail: number[]; steps: number[] },
    prefix: string,
    x: number,
    limit: number,
    t: number,
    w: number,
  ) {
    const d = lp.addVar(
      `sd_${prefix}_${t}`,
      0,
      Infinity,
      (DETAIL_WEIGHT * w * h) / Math.max(limit, meanLoad, 1),
    );
    lp.addRow(`lim_${prefix}_${t}`, [x, d], [1, -1], '<=', limit);
    lp.addRow(`lim_${prefix}_${t}_s`, [d, g.v], [1, -1], '<=', 0);
    g.detail.push(d);
    g.steps.push(t);
  }

  // Targets over the horizon.
  if (target.kind === 'green_share_annual') {
    // Green share = 1 − Σ import ÷ Σ load: the load not served by the grid is served by own generation, directly
    // or through the storage (exports and storage losses are not counted; docs/methods.md).
    const rhs = ((1 - target.share) * p.loadKwh) / 1000;
    if (relax('target')) {
      const sv = lp.addVar('sl_target', 0, Infinity, 1000 / Math.max(p.loadKwh, 1)); // MWh
      lp.addRow('green_annual', [...annualImportVars, sv], [...annualImportCoefs, -1], '<=', rhs);
      groups.push({
        family: 'target',
        key: 'green_share_annual',
        slackVar: sv,
        scale: (1000 * 100) / Math.max(p.loadKwh, 1e-9),
        unit: 'percentage points',
        describe: (by) =>
          `the annual green share target ${pct(target.share)} must fall by ${by.toFixed(2)} points ` +
          `(to ${pct(target.share - by / 100)})`,
      });
    } else {
      lp.addRow('green_annual', annualImportVars, annualImportCoefs, '<=', rhs);
    }
  } else if (target.kind === 'co2_cap') {
    if (relax('target')) {
      const sv = lp.addVar('sl_target', 0, Infinity, 1 / Math.max(target.tco2, 1));
      lp.addRow('co2_cap', [...co2Vars, sv], [...co2Coefs, -1], '<=', target.tco2);
      groups.push({
        family: 'target',
        key: 'co2_cap',
        slackVar: sv,
        scale: 1,
        unit: 'tCO2',
        describe: (by) => `the CO₂ cap ${amount(target.tco2, 'tCO₂')} must rise by ${amount(by, 'tCO₂')}`,
      });
    } else {
      lp.addRow('co2_cap', co2Vars, co2Coefs, '<=', target.tco2);
    }
  } else if (hourlySlack && hourly !== undefined) {
    groups.push({
      family: 'target',
      key: 'green_share_hourly',
      slackVar: hourlySlack.v,
      detailVars: hourlySlack.detail,
      detailSteps: hourlySlack.steps,
      scale: 100,
      unit: 'percentage points',
      describe: (by, st) =>
        `the hour-by-hour green share target ${pct(hourly)} must fall by ${by.toFixed(2)} points ` +
        `(to ${pct(hourly - by / 100)})${st && st.length > 0 ? `; it bites at ${formatSteps(st)}` : ''}`,
    });
  }
  if (importSlack) {
    groups.push({
      family: 'grid_import_limit',
      key: 'grid',
      slackVar: importSlack.v,
      detailVars: importSlack.detail,
      detailSteps: importSlack.steps,
      scale: 1,
      unit: 'kW',
      describe: (by, st) =>
        `the grid import limit ${amount(importLimit, 'kW')} must rise by ${amount(by, 'kW')}` +
        `${st && st.length > 0 ? ` at ${formatSteps(st)}` : ''}`,
    });
  }
  if (exportSlack) {
    groups.push({
      family: 'grid_export_limit',
      key: 'grid',
      slackVar: exportSlack.v,
      detailVars: exportSlack.detail,
      detailSteps: exportSlack.steps,
      scale: 1,
      unit: 'kW',
      describe: (by) => `the grid export limit ${amount(exportLimit, 'kW')} must rise by ${amount(by, 'kW')}`,
    });
  }
  return { lp: lp.toText(), vars, groups };
}

/** Output below this share of capacity is noise (sunrise, cut-in): 0, keeping HiGHS's coefficients ≥ 1e-4. */
export const SHAPE_FLOOR = 1e-4;
const clip = (perKw: number) => (perKw < SHAPE_FLOOR ? 0 : perKw);

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Options of `solveSizing`. */
export interface SizingSolveOptions extends LpSolveOptions {
  solver?: LpSolver;
  /** Solve on k representative days (fast mode) instead of every step. */
  representativeDays?: number;
  /** With representative days: solve the full year too and report the error. */
  compareWithFullYear?: boolean;
  /** Seed of the clustering (default 1): the same input gives the same days. */
  seed?: number;
  /**
   * Full year: first solve 24 representative days, and start the full year from their capacities + 10 % (solved with
   * the capacities fixed, then freed; ADR 0009). Default true; the answer is the same, it only comes sooner.
   */
  hotStart?: boolean;
}

/** Representative days used to guess the capacities that start a full-year solve. */
export const HOT_START_DAYS = 24;
/** The guessed capacities are raised by this factor before they are fixed (see `solveFullYear`). */
export const HOT_START_MARGIN = 1.1;

/** Solves a sizing: capacities, costs and dispatch, or the constraints that conflict and by how much. */
export async function solveSizing(
  input: SizingLpInput,
  options: SizingSolveOptions = {},
): Promise<SizingResult | Infeasibility | SolveFailure> {
  const own = options.solver ? undefined : createLpSolver();
  const solver = options.solver ?? own!;
  try {
    const k = options.representativeDays;
    if (k === undefined) return await solveFullYear(input, solver, options);
    const t0 = performance.now();
    const rep = representativeInput(input, k, options.seed ?? 1);
    const repResult = await solveOnce(rep.input, 'representative_days', rep.days, solver, options, undefined);
    const representativeMs = performance.now() - t0;
    if (repResult.status !== 'optimal' || !options.compareWithFullYear) return repResult;
    const t1 = performance.now();
    const full = await solveFullYear(input, solver, options);
    const fullYearMs = performance.now() - t1;
    if (full.status !== 'optimal') return repResult;
    repResult.comparison = {
      fullYearTotalCny: full.cost.totalCny,
      representativeTotalCny: repResult.cost.totalCny,
      relativeError: (repResult.cost.totalCny - full.cost.totalCny) / Math.abs(full.cost.totalCny),
      fullYearCapacities: Object.fromEntries(
        TECHNOLOGIES.map((tech) => [tech, full.capacities[tech].total]),
      ) as Record<Technology, number>,
      fullYearMs,
      representativeMs,
    };
    return repResult;
  } finally {
    await own?.close();
  }
}

/** The full year, started from the capacities of a few representative days when it can be. */
async function solveFullYear(
  input: SizingLpInput,
  solver: LpSolver,
  options: SizingSolveOptions,
): Promise<SizingResult | Infeasibility | SolveFailure> {
  const stepsPerDay = (24 * 60) / input.stepMinutes;
  const days = input.loadKw.length / stepsPerDay;
  const buildable = TECHNOLOGIES.filter((tech) => input.costs[tech] !== undefined);
  if (
    options.hotStart === false ||
    input.segments ||
    !Number.isInteger(days) ||
    days <= 2 * HOT_START_DAYS ||
    buildable.length === 0
  ) {
    return await solveOnce(input, 'full_year', undefined, solver, options, undefined);
  }
  const t0 = performance.now();
  const rep = representativeInput(input, HOT_START_DAYS, options.seed ?? 1);
  const repP = prepare(rep.input);
  const repBuilt = build(rep.input, repP, undefined);
  const guess = await solver.solve(repBuilt.lp, { ...options, onProgress: undefined, warmStart: undefined });
  const guessMs = performance.now() - t0;
  if (guess.status !== 'optimal')
    return await solveOnce(input, 'full_year', undefined, solver, options, undefined);
  return await solveOnce(input, 'full_year', undefined, solver, options, {
    values: guess.values,
    vars: repBuilt.vars,
    guessMs,
  });
}

async function solveOnce(
  input: SizingLpInput,
  mode: SizingResult['mode'],
  days: RepresentativeDay[] | undefined,
  solver: LpSolver,
  options: LpSolveOptions,
  guess: { values: Float64Array; vars: SizingVars; guessMs: number } | undefined,
): Promise<SizingResult | Infeasibility | SolveFailure> {
  const p = prepare(input);
  const t0 = performance.now();
  const built = build(input, p, undefined);
  const buildMs = performance.now() - t0;
  let warmStart: WarmStart | undefined;
  if (guess) {
    warmStart = { fix: [] };
    for (const tech of TECHNOLOGIES) {
      const column = built.vars.capacity[tech];
      const guessed = guess.vars.capacity[tech];
      const b = p.buildable[tech];
      if (column === undefined || guessed === undefined || !b) continue;
      // Raised by a margin: representative days err on the optimistic side (docs/methods.md), and the first solve
      // with the capacities fixed must be feasible to be of use.
      const value = Math.min(b.upper, Math.max(b.lower, guess.values[guessed]! * HOT_START_MARGIN));
      warmStart.fix.push({ column, value, lower: b.lower, upper: b.upper });
    }
  }
  const outcome = await solver.solve(built.lp, { ...options, warmStart });
  if (outcome.status === 'error')
    return { status: 'error', reason: outcome.reason, message: outcome.message };
  if (outcome.status === 'infeasible') {
    const candidates: RelaxableFamily[] = [];
    if (input.gridImportLimitKw !== undefined) candidates.push('grid_import_limit');
    if (input.target.kind !== 'none') candidates.push('target');
    if (Object.values(p.buildable).some((b) => b.upper < Infinity)) candidates.push('capacity_max');
    return await explainInfeasibility(
      (families) => buildElasticSizingLp(input, families),
      candidates,
      ['grid_import_limit', 'grid_export_limit', 'target', 'capacity_max'],
      solver,
      options,
    );
  }
  return resultOf(input, p, built.vars, outcome.values, mode, days, {
    buildMs,
    ...(guess ? { guessMs: guess.guessMs } : {}),
    stats: outcome.stats,
    lpObjectiveCny: outcome.objective,
    variables: built.lp.numVars,
    rows: built.lp.numRows,
    lpTextChars: built.lp.text.length,
  });
}

function resultOf(
  input: SizingLpInput,
  p: Prepared,
  vars: SizingVars,
  values: Float64Array,
  mode: SizingResult['mode'],
  days: RepresentativeDay[] | undefined,
  solve: SizingResult['solve'],
): SizingResult {
  const { T, h } = p;
  const val = (v: number | undefined) => (v === undefined ? 0 : values[v]!);
  const series = (list: number[] | undefined) =>
    list ? list.map((v) => values[v]!) : new Array<number>(T).fill(0);
  const capacities = Object.fromEntries(
    TECHNOLOGIES.map((tech) => {
      const added = val(vars.capacity[tech]);
      return [tech, { existing: p.existing[tech], added, total: p.existing[tech] + added }];
    }),
  ) as SizingResult['capacities'];
  const weight = new Array<number>(T).fill(0);
  for (const seg of p.segments) for (let t = seg.from; t < seg.to; t++) weight[t] = seg.weight;
  const gridImportKw = series(vars.gridImport);
  const gridExportKw = series(vars.gridExport);
  // PV and wind are one pool in the LP; the output used (on site or exported) is split in proportion to what
  // each could give at the step, and so is the curtailment.
  const renewableUsed = series(vars.renewableUsed);
  const pvUsedKw = new Array<number>(T).fill(0);
  const windUsedKw = new Array<number>(T).fill(0);
  const pvCurtailedKw = new Array<number>(T).fill(0);
  const windCurtailedKw = new Array<number>(T).fill(0);
  for (let t = 0; t < T; t++) {
    const pvAvail = (input.pvPerKw?.[t] ?? 0) * capacities.pv.total;
    const windAvail = (input.windPerKw?.[t] ?? 0) * capacities.wind.total;
    const produced = renewableUsed[t]! + gridExportKw[t]!;
    const pvPart = pvAvail + windAvail > 0 ? pvAvail / (pvAvail + windAvail) : 0;
    const pvUsed = produced * pvPart;
    pvUsedKw[t] = pvUsed;
    windUsedKw[t] = produced - pvUsed;
    pvCurtailedKw[t] = pvAvail - pvUsed;
    windCurtailedKw[t] = windAvail - (produced - pvUsed);
  }
  const chargeKw = series(vars.charge);
  const dischargeKw = series(vars.discharge);
  // The LP's state of charge is counted above the minimum.
  const socFloor = (input.storage?.minSocShare ?? 0) * capacities.storageEnergy.total;
  const socKwh = vars.soc ? vars.soc.map((v) => values[v]! + socFloor) : [];
  const sum = (xs: readonly number[], scale = 1) => xs.reduce((a, x, t) => a + x * weight[t]! * h * scale, 0);
  const energyCny = gridImportKw.reduce((a, x, t) => a + x * input.energyPrice[t]! * weight[t]! * h, 0);
  const exportRevenueCny = sum(gridExportKw, input.exportPrice ?? 0);
  // Demand: each month's peak from the dispatch (not the LP's peak variable, which may sit above it when free).
  const monthPeak = new Map<number, number>();
  for (const seg of p.segments) {
    for (let t = seg.from; t < seg.to; t++) {
      for (const m of seg.months ?? [input.monthOfStep[t]!]) {
        monthPeak.set(m, Math.max(monthPeak.get(m) ?? 0, gridImportKw[t]!));
      }
    }
  }
  const demandCny = input.demandChargePerKwMonth * [...monthPeak.values()].reduce((a, b) => a + b, 0);
  const annualisedCapexCny = {} as Record<Technology, number>;
  const omCny = {} as Record<Technology, number>;
  for (const tech of TECHNOLOGIES) {
    const cost = input.costs[tech];
    const added = capacities[tech].added;
    annualisedCapexCny[tech] = cost
      ? added * cost.capexPerUnit * capitalRecoveryFactor(input.discountRate, cost.lifetimeYears)
      : 0;
    omCny[tech] = cost ? added * cost.capexPerUnit * cost.omShare : 0;
  }
  const capex = Object.values(annualisedCapexCny).reduce((a, b) => a + b, 0);
  const om = Object.values(omCny).reduce((a, b) => a + b, 0);
  const totalCny = capex + om + energyCny + demandCny - exportRevenueCny;
  const loadKwh = p.loadKwh;
  const gridImportKwh = sum(gridImportKw);
  const gridExportKwh = sum(gridExportKw);
  const pvAvailableKwh = input.pvPerKw ? sum(input.pvPerKw, capacities.pv.total) : 0;
  const windAvailableKwh = input.windPerKw ? sum(input.windPerKw, capacities.wind.total) : 0;
  const pvUsedKwh = sum(pvUsedKw);
  const windUsedKwh = sum(windUsedKw);
  const curtailedKwh = pvAvailableKwh - pvUsedKwh + windAvailableKwh - windUsedKwh;
  let minStepGreenShare = 1;
  for (let t = 0; t < T; t++) {
    const load = input.loadKw[t]!;
    if (load > 0) minStepGreenShare = Math.min(minStepGreenShare, 1 - gridImportKw[t]! / load);
  }
  return {
    status: 'optimal',
    mode,
    capacities,
    greenShare: loadKwh > 0 ? 1 - gridImportKwh / loadKwh : 1,
    minStepGreenShare,
    energy: {
      loadKwh,
      gridImportKwh,
      gridExportKwh,
      pvAvailableKwh,
      pvUsedKwh,
      windAvailableKwh,
      windUsedKwh,
      curtailedKwh,
      curtailmentShare:
        pvAvailableKwh + windAvailableKwh > 0 ? curtailedKwh / (pvAvailableKwh + windAvailableKwh) : 0,
      chargeKwh: sum(chargeKw),
      dischargeKwh: sum(dischargeKw),
    },
    cost: { annualisedCapexCny, omCny, energyCny, demandCny, exportRevenueCny, totalCny },
    levelisedCostCnyPerKwh: loadKwh > 0 ? totalCny / loadKwh : 0,
    co2Tco2: ((gridImportKwh - gridExportKwh) * input.gridFactorTco2PerMwh) / 1000,
    dispatch: {
      stepMinutes: input.stepMinutes,
      ...(input.startMs !== undefined ? { startMs: input.startMs } : {}),
      energyPriceCnyPerKwh: [...input.energyPrice],
      weight,
      loadKw: [...input.loadKw],
      gridImportKw,
      gridExportKw,
      pvUsedKw,
      pvCurtailedKw,
      windUsedKw,
      windCurtailedKw,
      chargeKw,
      dischargeKw,
      socKwh,
    },
    ...(days ? { representativeDays: days } : {}),
    solve,
  };
}

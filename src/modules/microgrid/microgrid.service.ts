/**
 * Scenarios of a park: saved as written, resolved into LP inputs (metered load, modelled PV, tariff prices), solved,
 * and their runs kept with results. The pure parts live in the files this one composes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { zoneOffsetMinutes } from '../../lib/time.ts';
import { getPark } from '../registry/index.ts';
import { parsePeriod } from '../telemetry/index.ts';
import { solveDispatch, type DispatchPlan } from './dispatch-lp.ts';
import type { SolveFailure } from './infeasibility.ts';
import { meteredLoadProfile } from './load-profile.service.ts';
import {
  parseScenarioFile,
  type DispatchScenarioFile,
  type ScenarioFile,
  type SizingScenarioFile,
} from './scenario-file.ts';
import {
  monthsOfSteps,
  sizingInputFromScenario,
  solveSizing,
  type SizingLpInput,
  type SizingResult,
} from './size-lp.ts';
import { solveRollingDispatch, type RollingOptions } from './rolling-dispatch.ts';
import { embedProfileFiles, profileOf, profileSeries, slice } from './scenario-profiles.ts';
import * as repo from './scenario.repo.ts';
import { pvShape } from './solar.ts';
import type { LpSolveOptions } from './solver.ts';
import { EXAMPLE_SEASONAL_TARIFF, priceSeries, YUNNAN_2025_DEMO_TARIFF } from './tariff.ts';
import type {
  DispatchScenario,
  Infeasibility,
  RollingDispatchPlan,
  SizingScenario,
  Tariff,
} from './types.ts';
import { airDensityKgPerM3, windShape } from './wind.ts';
import { resample } from './profiles.ts';

/** The tariffs a scenario can name. */
export const TARIFFS: ReadonlyMap<string, Tariff> = new Map(
  [YUNNAN_2025_DEMO_TARIFF, EXAMPLE_SEASONAL_TARIFF].map((t) => [t.id, t]),
);

/** Grid emission factor used when a scenario gives none: the national 2023 average (MEE/NBS 2025 No. 47). */
export const DEFAULT_GRID_FACTOR_TCO2_PER_MWH = 0.5306;

function tariffOf(id: string): Tariff {
  const t = TARIFFS.get(id);
  if (!t)
    throw new AppError('BAD_INPUT', `tariff: no tariff "${id}" (known: ${[...TARIFFS.keys()].join(', ')})`, {
      issues: [{ field: 'tariff', reason: `unknown tariff "${id}"` }],
    });
  return t;
}

/** Where a saved scenario's files are: the scenario file's directory (CLI); none over HTTP. */
export interface SaveScenarioOptions {
  /** Directory that file names in the scenario are relative to; without it no file is read (HTTP). */
  baseDir?: string;
}

/**
 * Parses, checks and saves a scenario file for a park (a new version replaces the old). Profile files it names are
 * read now (relative to `baseDir`) and stored inline with it, so that the saved scenario runs without them; without
 * `baseDir` a file is kept from the previous version when it named the same file (docs/adr/0009).
 */
export async function saveScenario(
  pool: pg.Pool,
  parkId: string,
  text: string,
  fileName: string,
  actor: string,
  options: SaveScenarioOptions = {},
): Promise<ScenarioFile> {
  const park = await getPark(pool, parkId);
  const parsed = parseScenarioFile(text, fileName);
  tariffOf(parsed.tariff);
  const previous = await repo.findScenario(pool, parkId, parsed.id);
  const baseDir = options.baseDir;
  const spec = embedProfileFiles(parsed, {
    fileName,
    timeZone: park.timezone,
    ...(baseDir !== undefined
      ? { readFile: (name: string) => fs.readFileSync(path.resolve(baseDir, name), 'utf8') }
      : {}),
    ...(previous ? { previous: previous.spec } : {}),
  });
  await repo.upsertScenario(pool, parkId, spec, text, actor);
  return spec;
}

export const listScenarios = repo.listScenarios;
export const lastRuns = repo.lastRuns;
export const listRuns = repo.listRuns;
export const findRunResult = repo.findRunResult;

/** A saved scenario, or NOT_FOUND. */
export async function getScenario(pool: pg.Pool, parkId: string, id: string): Promise<repo.ScenarioRow> {
  const s = await repo.findScenario(pool, parkId, id);
  if (!s) throw new AppError('NOT_FOUND', `no scenario "${id}" in park "${parkId}"`);
  return s;
}

interface ResolvedInputs {
  timeZone: string;
  startMs: number;
  stepMinutes: 15 | 60;
  loadKw: number[];
  /** The PV output per kW installed, over the same steps (undefined without `pv`). */
  pvPerKw: number[] | undefined;
  /** The wind output per kW installed (undefined without `wind`). */
  windPerKw: number[] | undefined;
  tariff: Tariff;
  prices: number[];
  notes: string[];
}

/**
 * What every scenario needs, over its period: the load (metered, gaps filled by the stated rule and reported; or the
 * scenario's profile), PV (the model for the park's site, or a profile) and wind (a profile, or wind speeds through
 * the power curve) on the same steps, and the tariff's price per step.
 */
async function resolveInputs(
  pool: pg.Pool,
  parkId: string,
  file: ScenarioFile,
  periodText: string,
  defaultStep: 15 | 60,
): Promise<ResolvedInputs> {
  const park = await getPark(pool, parkId);
  const timeZone = park.timezone;
  const stepMinutes = file.load.stepMinutes ?? defaultStep;
  const period = parsePeriod(periodText, timeZone);
  const steps = Math.round((period.toMs - period.fromMs) / (stepMinutes * 60_000));
  const span = { fromMs: period.fromMs, steps, stepMinutes };
  const notes: string[] = [];
  const scale = file.load.scale ?? 1;
  let loadKw: number[];
  if (file.load.source === 'csv') {
    loadKw = profileSeries(file.load, ['load'], timeZone, span).map((v) => v * scale);
  } else {
    const load = await meteredLoadProfile(pool, parkId, period, {
      stepMinutes,
      organisation: file.load.organisation,
    });
    if (load.filledSteps.length > 0)
      notes.push(`${load.filledSteps.length} load steps filled: ${load.fillRule}`);
    loadKw = load.profile.valuesKw.map((v) => Math.max(0, v * scale));
  }
  let pvPerKw: number[] | undefined;
  const pv = file.pv;
  if (pv?.profile) {
    pvPerKw = profileSeries(pv.profile, ['pv', 'profile'], timeZone, span, { perKw: true });
  } else if (pv && pv.tiltDeg !== undefined && pv.azimuthDeg !== undefined) {
    // One model year per calendar year the steps touch (a rolling plan may cross New Year).
    const shapes = new Map<number, ReturnType<typeof pvShape>>();
    pvPerKw = new Array<number>(steps);
    for (let t = 0; t < steps; t++) {
      const atMs = period.fromMs + t * stepMinutes * 60_000;
      const year = new Date(atMs + zoneOffsetMinutes(timeZone, atMs) * 60_000).getUTCFullYear();
      let shape = shapes.get(year);
      if (!shape) {
        shape = pvShape({
          timeZone,
          year,
          latitude: park.spec.location.latitude,
          longitude: park.spec.location.longitude,
          tiltDeg: pv.tiltDeg,
          azimuthDeg: pv.azimuthDeg,
          lossesShare: pv.lossesShare ?? 0.14,
          stepMinutes,
          ...(pv.monthlyClearness ? { monthlyClearness: pv.monthlyClearness } : {}),
        });
        shapes.set(year, shape);
      }
      pvPerKw[t] = shape.valuesKw[Math.round((atMs - shape.startMs) / (stepMinutes * 60_000))] ?? 0;
    }
    if (!pv.monthlyClearness)
      notes.push('PV without monthlyClearness: every day is clear-sky, an upper bound of the yield');
  }
  let windPerKw: number[] | undefined;
  const wind = file.wind;
  if (wind?.profile) {
    windPerKw = profileSeries(wind.profile, ['wind', 'profile'], timeZone, span, { perKw: true });
  } else if (wind?.speed) {
    // The curve is applied at the data's own step, then the output is resampled (power averages; speeds do not).
    const speeds = profileOf(wind.speed, ['wind', 'speed'], timeZone, false);
    const shape = windShape(speeds.valuesKw, {
      startMs: speeds.startMs,
      stepMinutes: speeds.stepMinutes,
      ...(wind.measurementHeightM !== undefined && wind.hubHeightM !== undefined
        ? { measurementHeightM: wind.measurementHeightM, hubHeightM: wind.hubHeightM }
        : {}),
      ...(wind.shearExponent !== undefined ? { shearExponent: wind.shearExponent } : {}),
      ...(wind.elevationM !== undefined ? { airDensityKgPerM3: airDensityKgPerM3(wind.elevationM) } : {}),
      ...(wind.powerCurve ? { powerCurve: wind.powerCurve } : {}),
      ...(wind.lossesShare !== undefined ? { lossesShare: wind.lossesShare } : {}),
    });
    windPerKw = slice(resample(shape, stepMinutes), ['wind', 'speed'], timeZone, span);
  }
  const tariff = tariffOf(file.tariff);
  const prices = priceSeries(tariff, period.fromMs, steps, stepMinutes, timeZone).energyPrice;
  return { timeZone, startMs: period.fromMs, stepMinutes, loadKw, pvPerKw, windPerKw, tariff, prices, notes };
}

/** The date `days` after a YYYY-MM-DD date (calendar arithmetic, no time zone). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A resolved dispatch scenario: the LP's input, and how to roll it when the scenario asks for a rolling plan. */
export interface ResolvedDispatch {
  scenario: DispatchScenario;
  prices: number[];
  notes: string[];
  /** Set when the scenario asks for a rolling plan. */
  rolling?: RollingOptions;
  /** Of the available renewable power per step, the part that is wind (when the scenario has wind). */
  windKw?: number[];
}

/**
 * The inputs of a dispatch scenario: the days' load, the PV and wind profiles scaled to `pvKw` and `windKw` (one
 * renewable pool in the LP), prices per step; with `rolling`, the window, the re-plan interval, the actual profiles
 * and the month of each step.
 */
export async function resolveDispatch(
  pool: pg.Pool,
  parkId: string,
  file: DispatchScenarioFile,
): Promise<ResolvedDispatch> {
  const days = file.days ?? 1;
  const periodText = days === 1 ? file.date : `${file.date}..${addDays(file.date, days)}`;
  const r = await resolveInputs(pool, parkId, file, periodText, 15);
  const stepMs = r.stepMinutes * 60_000;
  const stepsPerDay = Math.round(86_400_000 / stepMs);
  const stepOf = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return Math.round(((h! * 60 + m!) * 60_000) / stepMs);
  };
  const pvKw = r.pvPerKw && file.pvKw ? r.pvPerKw.map((v) => v * file.pvKw!) : r.loadKw.map(() => 0);
  const windKw = r.windPerKw && file.windKw ? r.windPerKw.map((v) => v * file.windKw!) : undefined;
  const renewableKw = windKw ? pvKw.map((v, t) => v + windKw[t]!) : pvKw;
  const st = file.storage;
  const shiftable = (file.shiftable ?? []).flatMap((s) =>
    Array.from({ length: days }, (_, d) => ({
      id: days === 1 ? s.id : `${s.id}@${addDays(file.date, d)}`,
      energyKwh: s.energyKwh,
      maxKw: s.maxKw,
      window: [d * stepsPerDay + stepOf(s.from), d * stepsPerDay + stepOf(s.to)] as [number, number],
    })),
  );
  const scenario: DispatchScenario = {
    id: file.id,
    name: file.name,
    stepMinutes: r.stepMinutes,
    startMs: r.startMs,
    loadKw: r.loadKw,
    pvKw: renewableKw,
    ...(st && st.existingKwh && st.existingKw
      ? {
          storage: {
            energyKwh: st.existingKwh,
            powerKw: st.existingKw,
            roundTripEfficiency: st.roundTripEfficiency,
            minSocShare: st.minSocShare,
            maxSocShare: st.maxSocShare,
            initialSocShare: st.initialSocShare ?? 0.5,
          },
        }
      : {}),
    shiftable,
    tariff: r.tariff,
    ...(file.gridImportLimitKw !== undefined ? { gridImportLimitKw: file.gridImportLimitKw } : {}),
    ...(file.gridExportLimitKw !== undefined ? { gridExportLimitKw: file.gridExportLimitKw } : {}),
    ...(file.monthPeakSoFarKw !== undefined ? { monthPeakSoFarKw: file.monthPeakSoFarKw } : {}),
    gridFactorTco2PerMwh: file.gridFactorTco2PerMwh ?? DEFAULT_GRID_FACTOR_TCO2_PER_MWH,
    objective: file.objective,
  };
  let rolling: RollingOptions | undefined;
  if (file.rolling) {
    const span = { fromMs: r.startMs, steps: r.loadKw.length, stepMinutes: r.stepMinutes };
    const actual = file.actual;
    rolling = {
      windowSteps: file.rolling.windowSteps,
      commitSteps: file.rolling.commitSteps,
      monthOfStep: monthsOfSteps(r.startMs, r.loadKw.length, r.stepMinutes, r.timeZone),
      actual: {
        ...(actual?.load ? { loadKw: profileSeries(actual.load, ['actual', 'load'], r.timeZone, span) } : {}),
        ...(actual?.pv ? { pvKw: profileSeries(actual.pv, ['actual', 'pv'], r.timeZone, span) } : {}),
      },
    };
  }
  return {
    scenario,
    prices: r.prices,
    notes: r.notes,
    ...(rolling ? { rolling } : {}),
    ...(windKw ? { windKw } : {}),
  };
}

/** The inputs of a sizing scenario: the year's metered load, the PV shape for the park's site, prices per step. */
export async function resolveSizing(
  pool: pg.Pool,
  parkId: string,
  file: SizingScenarioFile,
): Promise<{ input: SizingLpInput; notes: string[] }> {
  const r = await resolveInputs(pool, parkId, file, file.period, 60);
  const st = file.storage;
  const scenario: SizingScenario = {
    id: file.id,
    name: file.name,
    load: {
      startMs: r.startMs,
      stepMinutes: r.stepMinutes,
      valuesKw: r.loadKw,
      perKw: false,
      source: file.load.source,
    },
    ...(r.pvPerKw
      ? {
          pvShape: {
            startMs: r.startMs,
            stepMinutes: r.stepMinutes,
            valuesKw: r.pvPerKw,
            perKw: true,
            source: file.pv?.profile ? 'profile' : 'pv-model',
          },
        }
      : {}),
    ...(r.windPerKw
      ? {
          windShape: {
            startMs: r.startMs,
            stepMinutes: r.stepMinutes,
            valuesKw: r.windPerKw,
            perKw: true,
            source: file.wind?.speed ? 'wind-curve' : 'profile',
          },
        }
      : {}),
    existing: {
      pvKw: file.pv?.existingKw ?? 0,
      windKw: file.wind?.existingKw ?? 0,
      storageKwh: st?.existingKwh ?? 0,
      storageKw: st?.existingKw ?? 0,
    },
    costs: {
      ...(file.pv?.cost ? { pv: file.pv.cost } : {}),
      ...(file.wind?.cost ? { wind: file.wind.cost } : {}),
      ...(st?.energyCost ? { storageEnergy: st.energyCost } : {}),
      ...(st?.powerCost ? { storagePower: st.powerCost } : {}),
    },
    ...(st
      ? {
          storage: {
            roundTripEfficiency: st.roundTripEfficiency,
            minSocShare: st.minSocShare,
            maxSocShare: st.maxSocShare,
          },
        }
      : {}),
    discountRate: file.discountRate,
    tariff: r.tariff,
    ...(file.gridImportLimitKw !== undefined ? { gridImportLimitKw: file.gridImportLimitKw } : {}),
    ...(file.gridExportLimitKw !== undefined ? { gridExportLimitKw: file.gridExportLimitKw } : {}),
    gridFactorTco2PerMwh: file.gridFactorTco2PerMwh ?? DEFAULT_GRID_FACTOR_TCO2_PER_MWH,
    target: file.target,
  };
  return { input: sizingInputFromScenario(scenario, r.prices, r.timeZone), notes: r.notes };
}

type Outcome<T> = T | Infeasibility | SolveFailure;

/** Options of a run: the solver's, and a callback for when the run is recorded (before it is solved). */
export interface RunOptions extends LpSolveOptions {
  /**
   * Called once the run's row exists (status `running`), with its id — e.g. to answer an HTTP request at once and
   * solve in the background. An exception it throws ends the run as an error.
   */
  onRunStarted?: (runId: number) => void;
}

/** Records a run of a saved scenario around `solve`: running, then its outcome (or the error that stopped it). */
async function recordRun<T extends { status: 'optimal' }>(
  pool: pg.Pool,
  saved: repo.ScenarioRow,
  kind: 'sizing' | 'dispatch',
  actor: string,
  solve: (spec: ScenarioFile) => Promise<{ outcome: Outcome<T>; notes: string[] }>,
  summarise: (plan: T) => object,
  onRunStarted: ((runId: number) => void) | undefined,
): Promise<{ runId: number; outcome: Outcome<T>; notes: string[] }> {
  const { parkId, id: scenarioId } = saved;
  if (saved.spec.kind !== kind)
    throw new AppError('BAD_INPUT', `scenario "${scenarioId}" is a ${saved.spec.kind} scenario`);
  const runId = await repo.insertRun(pool, parkId, scenarioId, saved.spec, actor);
  try {
    onRunStarted?.(runId);
    const { outcome, notes } = await solve(saved.spec);
    const summary = outcome.status === 'optimal' ? { ...summarise(outcome), notes } : { ...outcome, notes };
    await repo.finishRun(pool, runId, outcome.status, summary, outcome);
    return { runId, outcome, notes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await repo.finishRun(pool, runId, 'error', { message }, null);
    throw error;
  }
}

/** Runs a saved dispatch scenario and keeps the run: the plan, or why there is none. */
export async function runDispatch(
  pool: pg.Pool,
  parkId: string,
  /** A saved scenario's id, or the scenario row already read. */
  scenario: string | repo.ScenarioRow,
  actor: string,
  runOptions: RunOptions = {},
): Promise<{ runId: number; outcome: Outcome<DispatchPlan | RollingDispatchPlan>; notes: string[] }> {
  const { onRunStarted, ...options } = runOptions;
  const saved = typeof scenario === 'string' ? await getScenario(pool, parkId, scenario) : scenario;
  return recordRun<DispatchPlan | RollingDispatchPlan>(
    pool,
    saved,
    'dispatch',
    actor,
    async (spec) => {
      const r = await resolveDispatch(pool, parkId, spec as DispatchScenarioFile);
      const outcome = r.rolling
        ? await solveRollingDispatch(r.scenario, r.prices, r.rolling, options)
        : await solveDispatch(r.scenario, r.prices, options);
      if (outcome.status === 'optimal' && r.windKw) outcome.windAvailableKw = r.windKw;
      return { outcome, notes: r.notes };
    },
    (plan) => ({
      totals: plan.totals,
      ...('rolling' in plan ? { replans: plan.rolling.replans, deviations: plan.rolling.deviations } : {}),
    }),
    onRunStarted,
  );
}

/** Runs a saved sizing scenario and keeps the run: capacities and costs, or why no plan meets the target. */
export async function runSizing(
  pool: pg.Pool,
  parkId: string,
  /** A saved scenario's id, or the scenario row already read. */
  scenario: string | repo.ScenarioRow,
  actor: string,
  runOptions: RunOptions & { representativeDays?: number; compareWithFullYear?: boolean } = {},
): Promise<{ runId: number; outcome: Outcome<SizingResult>; notes: string[] }> {
  const { onRunStarted, ...options } = runOptions;
  const saved = typeof scenario === 'string' ? await getScenario(pool, parkId, scenario) : scenario;
  return recordRun<SizingResult>(
    pool,
    saved,
    'sizing',
    actor,
    async (spec) => {
      const file = spec as SizingScenarioFile;
      const { input, notes } = await resolveSizing(pool, parkId, file);
      const k = options.representativeDays ?? file.representativeDays;
      const outcome = await solveSizing(input, {
        ...options,
        ...(k !== undefined ? { representativeDays: k } : {}),
      });
      return { outcome, notes };
    },
    (result) => ({
      mode: result.mode,
      capacities: result.capacities,
      greenShare: result.greenShare,
      cost: result.cost,
      levelisedCostCnyPerKwh: result.levelisedCostCnyPerKwh,
    }),
    onRunStarted,
  );
}

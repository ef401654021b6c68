/**
 * Scenarios of a park: saved as written, resolved into LP inputs (metered load, modelled PV, tariff prices), solved,
 * and their runs kept with results. The pure parts live in the files this one composes.
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
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
import { sizingInputFromScenario, solveSizing, type SizingLpInput, type SizingResult } from './size-lp.ts';
import * as repo from './scenario.repo.ts';
import { pvShape } from './solar.ts';
import type { LpSolveOptions } from './solver.ts';
import { EXAMPLE_SEASONAL_TARIFF, priceSeries, YUNNAN_2025_DEMO_TARIFF } from './tariff.ts';
import type { DispatchScenario, Infeasibility, SizingScenario, Tariff } from './types.ts';

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

/** Parses, checks and saves a scenario file for a park (a new version replaces the old). */
export async function saveScenario(
  pool: pg.Pool,
  parkId: string,
  text: string,
  fileName: string,
  actor: string,
): Promise<ScenarioFile> {
  await getPark(pool, parkId);
  const spec = parseScenarioFile(text, fileName);
  tariffOf(spec.tariff);
  await repo.upsertScenario(pool, parkId, spec, text, actor);
  return spec;
}

export const listScenarios = repo.listScenarios;
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
  /** The PV model's output per kW installed, over the same steps (undefined without `pv`). */
  pvPerKw: number[] | undefined;
  tariff: Tariff;
  prices: number[];
  notes: string[];
}

/**
 * What every scenario needs, over its period: the metered load (gaps filled by the stated rule and reported), the
 * PV model for the park's site on the same steps, and the tariff's price per step.
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
  const notes: string[] = [];
  if (file.load.source !== 'metered')
    throw new AppError('BAD_INPUT', `load: a ${file.kind} scenario reads the metered load (csv: not yet)`);
  const load = await meteredLoadProfile(pool, parkId, period, {
    stepMinutes,
    organisation: file.load.organisation,
  });
  if (load.filledSteps.length > 0)
    notes.push(`${load.filledSteps.length} load steps filled: ${load.fillRule}`);
  const scale = file.load.scale ?? 1;
  const loadKw = load.profile.valuesKw.map((v) => Math.max(0, v * scale));
  const steps = loadKw.length;
  let pvPerKw: number[] | undefined;
  if (file.pv) {
    const shape = pvShape({
      timeZone,
      year: Number(periodText.slice(0, 4)),
      latitude: park.spec.location.latitude,
      longitude: park.spec.location.longitude,
      tiltDeg: file.pv.tiltDeg,
      azimuthDeg: file.pv.azimuthDeg,
      lossesShare: file.pv.lossesShare ?? 0.14,
      stepMinutes,
      ...(file.pv.monthlyClearness ? { monthlyClearness: file.pv.monthlyClearness } : {}),
    });
    const first = Math.round((period.fromMs - shape.startMs) / (stepMinutes * 60_000));
    pvPerKw = shape.valuesKw.slice(first, first + steps);
    if (!file.pv.monthlyClearness)
      notes.push('PV without monthlyClearness: every day is clear-sky, an upper bound of the yield');
  }
  const tariff = tariffOf(file.tariff);
  const prices = priceSeries(tariff, period.fromMs, steps, stepMinutes, timeZone).energyPrice;
  return { timeZone, startMs: period.fromMs, stepMinutes, loadKw, pvPerKw, tariff, prices, notes };
}

/** The inputs of a dispatch scenario: the day's metered load, the PV profile scaled to `pvKw`, prices per step. */
export async function resolveDispatch(
  pool: pg.Pool,
  parkId: string,
  file: DispatchScenarioFile,
): Promise<{ scenario: DispatchScenario; prices: number[]; notes: string[] }> {
  const r = await resolveInputs(pool, parkId, file, file.date, 15);
  const stepMs = r.stepMinutes * 60_000;
  const stepOf = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return Math.round(((h! * 60 + m!) * 60_000) / stepMs);
  };
  const pvKw = r.pvPerKw && file.pvKw ? r.pvPerKw.map((v) => v * file.pvKw!) : r.loadKw.map(() => 0);
  const st = file.storage;
  const scenario: DispatchScenario = {
    id: file.id,
    name: file.name,
    stepMinutes: r.stepMinutes,
    startMs: r.startMs,
    loadKw: r.loadKw,
    pvKw,
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
    shiftable: (file.shiftable ?? []).map((s) => ({
      id: s.id,
      energyKwh: s.energyKwh,
      maxKw: s.maxKw,
      window: [stepOf(s.from), stepOf(s.to)] as [number, number],
    })),
    tariff: r.tariff,
    ...(file.gridImportLimitKw !== undefined ? { gridImportLimitKw: file.gridImportLimitKw } : {}),
    ...(file.gridExportLimitKw !== undefined ? { gridExportLimitKw: file.gridExportLimitKw } : {}),
    ...(file.monthPeakSoFarKw !== undefined ? { monthPeakSoFarKw: file.monthPeakSoFarKw } : {}),
    gridFactorTco2PerMwh: file.gridFactorTco2PerMwh ?? DEFAULT_GRID_FACTOR_TCO2_PER_MWH,
    objective: file.objective,
  };
  return { scenario, prices: r.prices, notes: r.notes };
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
      source: 'metered',
    },
    ...(r.pvPerKw
      ? {
          pvShape: {
            startMs: r.startMs,
            stepMinutes: r.stepMinutes,
            valuesKw: r.pvPerKw,
            perKw: true,
            source: 'pv-model',
          },
        }
      : {}),
    existing: {
      pvKw: file.pv?.existingKw ?? 0,
      storageKwh: st?.existingKwh ?? 0,
      storageKw: st?.existingKw ?? 0,
    },
    costs: {
      ...(file.pv?.cost ? { pv: file.pv.cost } : {}),
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

/** Records a run of a saved scenario around `solve`: running, then its outcome (or the error that stopped it). */
async function recordRun<T extends { status: 'optimal' }>(
  pool: pg.Pool,
  saved: repo.ScenarioRow,
  kind: 'sizing' | 'dispatch',
  actor: string,
  solve: (spec: ScenarioFile) => Promise<{ outcome: Outcome<T>; notes: string[] }>,
  summarise: (plan: T) => object,
): Promise<{ runId: number; outcome: Outcome<T>; notes: string[] }> {
  const { parkId, id: scenarioId } = saved;
  if (saved.spec.kind !== kind)
    throw new AppError('BAD_INPUT', `scenario "${scenarioId}" is a ${saved.spec.kind} scenario`);
  const runId = await repo.insertRun(pool, parkId, scenarioId, saved.spec, actor);
  try {
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
  options: LpSolveOptions = {},
): Promise<{ runId: number; outcome: Outcome<DispatchPlan>; notes: string[] }> {
  const saved = typeof scenario === 'string' ? await getScenario(pool, parkId, scenario) : scenario;
  return recordRun<DispatchPlan>(
    pool,
    saved,
    'dispatch',
    actor,
    async (spec) => {
      const { scenario, prices, notes } = await resolveDispatch(pool, parkId, spec as DispatchScenarioFile);
      return { outcome: await solveDispatch(scenario, prices, options), notes };
    },
    (plan) => ({ totals: plan.totals }),
  );
}

/** Runs a saved sizing scenario and keeps the run: capacities and costs, or why no plan meets the target. */
export async function runSizing(
  pool: pg.Pool,
  parkId: string,
  /** A saved scenario's id, or the scenario row already read. */
  scenario: string | repo.ScenarioRow,
  actor: string,
  options: LpSolveOptions & { representativeDays?: number; compareWithFullYear?: boolean } = {},
): Promise<{ runId: number; outcome: Outcome<SizingResult>; notes: string[] }> {
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
  );
}

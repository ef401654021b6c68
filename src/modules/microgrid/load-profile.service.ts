/**
 * The metered load: the park's (or an organisation's) net electricity consumption per 15 minutes or hour, from the
 * energy trend over the telemetry rollups. Missing steps are never zero: they are filled by one documented rule, and
 * counted, or the call fails naming them.
 */
import type pg from 'pg';
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { formatLocal } from '../../lib/time.ts';
import { convertAmount } from '../../lib/units.ts';
import { energyTrend, LOW_COVERAGE, MAX_15M_DAYS } from '../energy/index.ts';
import { parkSnapshot } from '../registry/index.ts';
import type { Period } from '../telemetry/index.ts';
import type { Profile } from './types.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How many days away the fill rule looks for the same time of day. */
export const MAX_FILL_DAYS = 7;
/** The gap-filling rule, as the result states it. */
export const FILL_RULE =
  `a step with no usable data takes the value of the same time of day (24 h steps) from the nearest day within ` +
  `${MAX_FILL_DAYS} days that has usable data of its own — the previous day before the next at equal distance`;

/** Options of the metered load. */
export interface MeteredLoadOptions {
  /** One organisation's load instead of the park's. */
  organisation?: string;
  stepMinutes: 15 | 60;
  /**
   * A step is usable when its measured share of expected meter slots is at least this (default 0.9, the data
   * completeness the online monitoring rules expect); 0 accepts any step with something known, estimates included.
   */
  minCoverage?: number;
  /** The clock (coverage counts slots up to now). */
  nowMs?: number;
}

/** The metered load and how complete it was. */
export interface MeteredLoadProfile {
  profile: Profile;
  /** Measured share of expected meter slots, per step (0…1), as the energy trend reports it. */
  coverage: number[];
  /** Steps whose own data was used. */
  usableSteps: number;
  /** Indices of the steps filled by `fillRule`. */
  filledSteps: number[];
  fillRule: string;
  /** Mean of `coverage` over the period. */
  meanCoverage: number;
}

/**
 * Net electricity consumption (kW, average per step) of the park or an organisation over a period: per bucket the
 * energy trend's net kWh (imports + own generation + storage discharge − exports − storage charge over boundary
 * meters) ÷ step hours. Steps with nothing known or a coverage below `minCoverage` are filled by `FILL_RULE`; when
 * some cannot be filled it throws BAD_INPUT naming them.
 */
export async function meteredLoadProfile(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  options: MeteredLoadOptions,
): Promise<MeteredLoadProfile> {
  const { stepMinutes } = options;
  if (stepMinutes !== 15 && stepMinutes !== 60)
    throw new AppError('BAD_INPUT', 'stepMinutes must be 15 or 60');
  const minCoverage = options.minCoverage ?? LOW_COVERAGE;
  if (!(minCoverage >= 0 && minCoverage <= 1))
    throw new AppError('BAD_INPUT', 'minCoverage must be within 0…1');
  const stepMs = stepMinutes * MINUTE_MS;
  const snapshot = await parkSnapshot(pool, parkId);
  const timeZone = snapshot.park.timezone;
  const scope = {
    organisation: options.organisation,
    nowMs: options.nowMs,
    definitionVersion: snapshot.definitionVersion,
  };

  // A 15-minute trend is summed from the readings and limited in length: ask for it in pieces.
  const pieceMs = stepMinutes === 15 ? MAX_15M_DAYS * DAY_MS : period.toMs - period.fromMs;
  const quantityKwh: (number | null)[] = [];
  const coverage: number[] = [];
  const startsMs: number[] = [];
  let electricityMeters = false;
  for (let fromMs = period.fromMs; fromMs < period.toMs; fromMs += pieceMs) {
    const toMs = Math.min(period.toMs, fromMs + pieceMs);
    const piece: Period =
      fromMs === period.fromMs && toMs === period.toMs ? period : { fromMs, toMs, label: period.label };
    const trend = await energyTrend(pool, parkId, piece, stepMinutes === 15 ? '15m' : 'hour', scope);
    const series = trend.series.filter((s) => s.carrier === 'electricity');
    if (series.length > 0) electricityMeters = true;
    const points = trend.series[0]?.points.length ?? 0;
    for (let i = 0; i < points; i++) {
      let sum: number | null = null;
      let cov = series.length === 0 ? 0 : 1;
      for (const s of series) {
        const p = s.points[i]!;
        cov = Math.min(cov, p.coverage);
        if (p.quantity === null) continue;
        const kwh = convertAmount(p.quantity, s.unit, 'kWh');
        if (kwh === undefined)
          throw new AppError('INTERNAL', `electricity in "${s.unit}" cannot be converted to kWh`);
        sum = (sum ?? 0) + kwh;
      }
      startsMs.push(trend.series[0]!.points[i]!.startMs);
      quantityKwh.push(sum);
      coverage.push(cov);
    }
  }

  const who = options.organisation === undefined ? parkId : `${parkId}/${options.organisation}`;
  if (!electricityMeters)
    throw new AppError('BAD_INPUT', `${who} has no electricity meters: no metered load`);
  const steps = Math.round((period.toMs - period.fromMs) / stepMs);
  if (startsMs.length !== steps || startsMs.some((t, i) => t !== period.fromMs + i * stepMs)) {
    // A calendar with hours of uneven length (a daylight-saving change) cannot make a regular profile.
    throw new AppError(
      'BAD_INPUT',
      `period "${period.label}" is not a whole number of regular ${stepMinutes}-minute steps`,
    );
  }

  const hours = stepMinutes / 60;
  const usable = quantityKwh.map((q, i) => q !== null && coverage[i]! >= minCoverage);
  const valuesKw = quantityKwh.map((q, i) => (usable[i] ? q! / hours : Number.NaN));
  const stepsPerDay = DAY_MS / stepMs;
  const filledSteps: number[] = [];
  const unfilled: number[] = [];
  for (let i = 0; i < steps; i++) {
    if (usable[i]) continue;
    let donor: number | undefined;
    for (let d = 1; d <= MAX_FILL_DAYS && donor === undefined; d++) {
      for (const j of [i - d * stepsPerDay, i + d * stepsPerDay]) {
        if (j >= 0 && j < steps && usable[j]) {
          donor = j;
          break;
        }
      }
    }
    if (donor === undefined) unfilled.push(i);
    else {
      valuesKw[i] = valuesKw[donor]!;
      filledSteps.push(i);
    }
  }
  if (unfilled.length > 0) {
    const runs = runsOf(unfilled);
    const where = (i: number) => formatLocal(period.fromMs + i * stepMs, timeZone);
    const issues: InputIssue[] = runs.slice(0, 20).map(([a, b]) => ({
      field: 'load',
      reason: `no usable data from ${where(a)} to ${where(b + 1)} and none the same time within ${MAX_FILL_DAYS} days`,
    }));
    throw new AppError(
      'BAD_INPUT',
      `metered load of ${who} for ${period.label}: ${unfilled.length} of ${steps} steps have no usable data ` +
        `(nothing known, or coverage below ${minCoverage}) and cannot be filled: ${issues[0]!.reason}`,
      { issues },
    );
  }
  return {
    profile: { startMs: period.fromMs, stepMinutes, valuesKw, perKw: false, source: `metered:${who}` },
    coverage,
    usableSteps: usable.filter(Boolean).length,
    filledSteps,
    fillRule: FILL_RULE,
    meanCoverage: coverage.reduce((a, b) => a + b, 0) / Math.max(1, steps),
  };
}

/** Consecutive runs [first, last] of sorted indices. */
function runsOf(indices: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs;
}

/**
 * Wind output from user wind-speed data: hub-height shear (power law), optional air-density correction and a turbine
 * power curve (piecewise linear between points; zero below cut-in and from cut-out). Pure: no I/O.
 */
import { AppError, type InputIssue } from '../../lib/errors.ts';
import type { Profile } from './types.ts';

/** Shear exponent of the one-seventh power law (Peterson & Hennessey 1978, J. Appl. Meteor. 17, 390–394). */
export const DEFAULT_SHEAR_EXPONENT = 1 / 7;
/** Standard air density, kg/m³ (ISA sea level, 15 °C), the reference of power curves (IEC 61400-12-1). */
export const STANDARD_AIR_DENSITY_KG_PER_M3 = 1.225;
/** Highest mean wind speed accepted in data, m/s (far above any turbine's cut-out; larger values are errors). */
export const MAX_WIND_SPEED_MS = 75;

/** A power curve: output as a share of rated power at wind speeds (m/s, increasing), and the cut-out speed. */
export interface PowerCurve {
  /** [speed m/s, output share of rated 0…1]; zero below the first point, the last point's share up to cut-out. */
  points: readonly (readonly [number, number])[];
  /** From this speed (m/s) the turbine stops: output 0. */
  cutOutMs: number;
}

/**
 * A generic pitch-regulated power curve: zero below cut-in, (v³ − v_in³)/(v_r³ − v_in³) up to rated, 1 up to
 * cut-out, sampled every 0.5 m/s. A shape for studies, not a given turbine's certified curve.
 */
export function genericPowerCurve(cutInMs = 3, ratedMs = 12, cutOutMs = 25): PowerCurve {
  if (!(cutInMs >= 0 && ratedMs > cutInMs && cutOutMs > ratedMs)) {
    throw new AppError(
      'BAD_INPUT',
      `power curve: need 0 ≤ cut-in < rated < cut-out (got ${cutInMs}, ${ratedMs}, ${cutOutMs})`,
    );
  }
  const points: [number, number][] = [];
  for (let v = cutInMs; v < ratedMs; v += 0.5) {
    points.push([v, (v ** 3 - cutInMs ** 3) / (ratedMs ** 3 - cutInMs ** 3)]);
  }
  points.push([ratedMs, 1]);
  return { points, cutOutMs };
}

/** The default curve: cut-in 3 m/s, rated 12 m/s, cut-out 25 m/s (typical of IEC class II/III onshore turbines). */
export const DEFAULT_POWER_CURVE: PowerCurve = genericPowerCurve();

/** Builds a curve from a manufacturer's table in kW, normalising by the rated power. */
export function powerCurveFromKw(
  points: readonly (readonly [number, number])[],
  ratedKw: number,
  cutOutMs: number,
): PowerCurve {
  return validatePowerCurve({ points: points.map(([v, kw]) => [v, kw / ratedKw] as const), cutOutMs });
}

function validatePowerCurve(curve: PowerCurve): PowerCurve {
  const issues: InputIssue[] = [];
  if (curve.points.length === 0)
    issues.push({ field: 'powerCurve.points', reason: 'needs at least one point' });
  curve.points.forEach(([v, share], i) => {
    const prev = curve.points[i - 1];
    if (!(Number.isFinite(v) && v >= 0)) {
      issues.push({ field: `powerCurve.points[${i}]`, reason: `speed ${v} is not a speed ≥ 0 m/s` });
    } else if (prev && !(v > prev[0])) {
      issues.push({
        field: `powerCurve.points[${i}]`,
        reason: `speeds must increase (${prev[0]} then ${v})`,
      });
    }
    if (!(Number.isFinite(share) && share >= 0 && share <= 1.05)) {
      issues.push({
        field: `powerCurve.points[${i}]`,
        reason: `output ${share} is not a share of rated 0…1`,
      });
    }
  });
  const last = curve.points[curve.points.length - 1];
  if (!(Number.isFinite(curve.cutOutMs) && (last === undefined || curve.cutOutMs > last[0]))) {
    issues.push({ field: 'powerCurve.cutOutMs', reason: 'must be above the last point of the curve' });
  }
  if (issues.length > 0) throw invalid('power curve', issues);
  return curve;
}

/** Output share of rated power at a hub-height wind speed: linear between the curve's points. */
export function powerShareAt(curve: PowerCurve, speedMs: number): number {
  const pts = curve.points;
  const first = pts[0];
  if (first === undefined || speedMs < first[0] || speedMs >= curve.cutOutMs) return 0;
  // Binary search for the last point at or below the speed.
  let lo = 0;
  let hi = pts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pts[mid]![0] <= speedMs) lo = mid;
    else hi = mid - 1;
  }
  const [v0, p0] = pts[lo]!;
  const next = pts[lo + 1];
  if (next === undefined) return p0;
  const [v1, p1] = next;
  return p0 + ((p1 - p0) * (speedMs - v0)) / (v1 - v0);
}

/** Wind speed at hub height by the power law v_hub = v_ref · (h_hub / h_ref)^α. */
export function hubHeightSpeedMs(
  speedMs: number,
  measurementHeightM: number,
  hubHeightM: number,
  alpha: number,
): number {
  return speedMs * (hubHeightM / measurementHeightM) ** alpha;
}

/**
 * Air density at an elevation (ISA troposphere: p = 101,325 Pa · (1 − 2.25577·10⁻⁵ h)^5.25588, ρ = p / (287.05 T)).
 * Kunming (1,890 m, 15 °C) ≈ 0.974 kg/m³: a fifth less than at sea level.
 */
export function airDensityKgPerM3(elevationM: number, temperatureC = 15): number {
  const pressurePa = 101_325 * (1 - 2.25577e-5 * elevationM) ** 5.25588;
  return pressurePa / (287.05 * (temperatureC + 273.15));
}

/** How the wind-speed data and the turbine relate. */
export interface WindOptions {
  /** Start of the data (epoch ms) and its step. */
  startMs: number;
  stepMinutes: 15 | 60;
  /** Height of the measurement and of the hub, m; the speeds are taken at hub height when both are absent. */
  measurementHeightM?: number;
  hubHeightM?: number;
  /** Power-law shear exponent α (default 1/7). */
  shearExponent?: number;
  /** Per unit of rated power (default `DEFAULT_POWER_CURVE`). */
  powerCurve?: PowerCurve;
  /**
   * Site air density, kg/m³: speeds are scaled by (ρ/1.225)^(1/3) before the curve (the IEC 61400-12-1 density
   * normalisation of pitch-regulated turbines). Default: standard density, no correction.
   */
  airDensityKgPerM3?: number;
  /** Losses as a share (wake, availability, electrical; default 0). */
  lossesShare?: number;
}

/**
 * The wind output shape, kW per kW rated, from mean wind speeds (m/s) per step. The curve is applied to each step's
 * mean speed: with hourly means this understates output a little where speeds vary within the hour.
 *
 * @example windShape(speeds, { startMs, stepMinutes: 60, measurementHeightM: 10, hubHeightM: 100 })
 */
export function windShape(speedsMs: readonly number[], options: WindOptions): Profile {
  const issues: InputIssue[] = [];
  const check = (ok: boolean, field: string, reason: string) => {
    if (!ok) issues.push({ field, reason });
  };
  const positive = (v: number | undefined) => v !== undefined && Number.isFinite(v) && v > 0;
  check(Number.isFinite(options.startMs), 'startMs', 'must be an instant (epoch ms)');
  check(options.stepMinutes === 15 || options.stepMinutes === 60, 'stepMinutes', 'must be 15 or 60');
  const { measurementHeightM, hubHeightM } = options;
  if (measurementHeightM !== undefined || hubHeightM !== undefined) {
    check(positive(measurementHeightM), 'measurementHeightM', 'must be a height > 0 m (give both heights)');
    check(positive(hubHeightM), 'hubHeightM', 'must be a height > 0 m (give both heights)');
  }
  const alpha = options.shearExponent ?? DEFAULT_SHEAR_EXPONENT;
  check(Number.isFinite(alpha) && alpha >= 0 && alpha <= 0.6, 'shearExponent', 'must be within 0…0.6');
  const density = options.airDensityKgPerM3 ?? STANDARD_AIR_DENSITY_KG_PER_M3;
  check(density > 0.5 && density < 1.5, 'airDensityKgPerM3', 'must be within 0.5…1.5 kg/m³');
  const losses = options.lossesShare ?? 0;
  check(Number.isFinite(losses) && losses >= 0 && losses < 1, 'lossesShare', 'must be within 0…1');
  if (speedsMs.length === 0) issues.push({ field: 'speedsMs', reason: 'no wind speeds' });
  let bad = 0;
  speedsMs.forEach((v, i) => {
    if (!(Number.isFinite(v) && v >= 0 && v <= MAX_WIND_SPEED_MS)) {
      if (bad++ < 20)
        issues.push({
          field: `speedsMs[${i}]`,
          reason: `${v} is not a wind speed within 0…${MAX_WIND_SPEED_MS} m/s`,
        });
    }
  });
  if (bad > 20) issues.push({ field: 'speedsMs', reason: `${bad - 20} more bad wind speeds` });
  if (issues.length > 0) throw invalid('wind', issues);
  const curve = validatePowerCurve(options.powerCurve ?? DEFAULT_POWER_CURVE);
  const shear =
    measurementHeightM !== undefined && hubHeightM !== undefined
      ? (hubHeightM / measurementHeightM) ** alpha
      : 1;
  const densityFactor = (density / STANDARD_AIR_DENSITY_KG_PER_M3) ** (1 / 3);
  return {
    startMs: options.startMs,
    stepMinutes: options.stepMinutes,
    valuesKw: speedsMs.map((v) => powerShareAt(curve, v * shear * densityFactor) * (1 - losses)),
    perKw: true,
    source: 'wind-curve',
  };
}

function invalid(what: string, issues: InputIssue[]): AppError {
  return new AppError(
    'BAD_INPUT',
    `${what}: ${issues.map((i) => `${i.field ?? ''}: ${i.reason}`).join('; ')}`,
    {
      issues,
    },
  );
}

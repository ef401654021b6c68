/**
 * The built-in PV model: solar position (the NOAA solar calculator, after Meeus), extraterrestrial irradiance, the
 * Haurwitz clear-sky model scaled by monthly clearness (or user GHI data), the Erbs diffuse split, isotropic-sky
 * (Liu–Jordan) plane-of-array irradiance with ground albedo, NOCT cell temperature and a power temperature coefficient.
 * Pure: no I/O. Formulas and sources: docs/methods.md, "Source-grid-load-storage: profiles and tariffs".
 */
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { parseDateOrInstant, zoneOffsetMinutes } from '../../lib/time.ts';
import type { Profile } from './types.ts';

const DEG = Math.PI / 180;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Total solar irradiance at 1 AU, W/m² (Kopp & Lean 2011, GRL 38 L01706). */
export const SOLAR_CONSTANT_W_PER_M2 = 1361;
/** Beyond this zenith the beam is taken as zero and all of GHI as diffuse (the cos z of the split is unstable). */
export const MAX_BEAM_ZENITH_DEG = 87;
/** Length of the sub-steps a step is averaged over, minutes (sunrise and sunset hours are partly lit). */
export const SUB_STEP_MINUTES = 5;
/** Highest monthly-mean clearness index accepted (PVsyst's plausibility limit for monthly Kt is about 0.82). */
export const MAX_MONTHLY_CLEARNESS = 0.85;
/** Highest GHI accepted in user data, W/m² (the record ground measurements are about 1,500 W/m²). */
export const MAX_GHI_W_PER_M2 = 1500;
/** Share of user GHI energy allowed at times the sun is below the horizon before the data is called misaligned. */
export const MAX_NIGHT_GHI_SHARE = 0.02;

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** The sun seen from a place at an instant (NOAA solar calculator; apparent = with atmospheric refraction). */
export interface SolarPosition {
  julianDay: number;
  declinationDeg: number;
  /** Apparent solar time minus mean solar time, minutes. */
  equationOfTimeMinutes: number;
  /** Negative before solar noon, positive after, degrees. */
  hourAngleDeg: number;
  /** Apparent zenith (refraction included), degrees. */
  zenithDeg: number;
  /** Apparent elevation = 90° − zenith. */
  elevationDeg: number;
  /** Clockwise from north (90 = east, 180 = south), degrees. */
  azimuthDeg: number;
  earthSunDistanceAu: number;
}

/**
 * Atmospheric refraction (degrees) at a geometric elevation, as the NOAA solar calculator approximates it for a
 * standard atmosphere (after Meeus ch. 16 and Bennett's formula near the horizon).
 */
export function refractionDeg(elevationDeg: number): number {
  const h = elevationDeg;
  if (h > 85) return 0;
  const t = Math.tan(h * DEG);
  let arcsec: number;
  if (h > 5) arcsec = 58.1 / t - 0.07 / t ** 3 + 0.000086 / t ** 5;
  else if (h > -0.575) arcsec = 1735 + h * (-518.2 + h * (103.4 + h * (-12.79 + h * 0.711)));
  else arcsec = -20.774 / t;
  return arcsec / 3600;
}

/**
 * Solar position by the NOAA solar calculator (NOAA Global Monitoring Laboratory, "Solar Calculation Details", after
 * Meeus, Astronomical Algorithms): accurate to about 1′ for 1800–2100 between ±72° latitude.
 *
 * @example solarPosition(Date.parse('2003-10-17T19:30:30Z'), 39.742476, -105.1786).zenithDeg // ≈ 50.11
 */
export function solarPosition(atMs: number, latitudeDeg: number, longitudeDeg: number): SolarPosition {
  const julianDay = atMs / DAY_MS + 2_440_587.5;
  const t = (julianDay - 2_451_545) / 36_525; // Julian centuries since J2000.0
  const meanLongDeg = mod(280.46646 + t * (36000.76983 + t * 0.0003032), 360);
  const meanAnomDeg = 357.52911 + t * (35999.05029 - 0.0001537 * t);
  const ecc = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
  const m = meanAnomDeg * DEG;
  const centreDeg =
    Math.sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    Math.sin(2 * m) * (0.019993 - 0.000101 * t) +
    Math.sin(3 * m) * 0.000289;
  const trueLongDeg = meanLongDeg + centreDeg;
  const trueAnom = (meanAnomDeg + centreDeg) * DEG;
  const earthSunDistanceAu = (1.000001018 * (1 - ecc * ecc)) / (1 + ecc * Math.cos(trueAnom));
  const omega = (125.04 - 1934.136 * t) * DEG;
  const apparentLong = (trueLongDeg - 0.00569 - 0.00478 * Math.sin(omega)) * DEG;
  const meanObliqDeg = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliq = (meanObliqDeg + 0.00256 * Math.cos(omega)) * DEG;
  const decl = Math.asin(Math.sin(obliq) * Math.sin(apparentLong));
  const y = Math.tan(obliq / 2) ** 2;
  const l0 = meanLongDeg * DEG;
  const equationOfTimeMinutes =
    (4 / DEG) *
    (y * Math.sin(2 * l0) -
      2 * ecc * Math.sin(m) +
      4 * ecc * y * Math.sin(m) * Math.cos(2 * l0) -
      0.5 * y * y * Math.sin(4 * l0) -
      1.25 * ecc * ecc * Math.sin(2 * m));
  const utcMinutes = mod(atMs, DAY_MS) / MINUTE_MS;
  const trueSolarMinutes = mod(utcMinutes + equationOfTimeMinutes + 4 * longitudeDeg, 1440);
  const hourAngleDeg = trueSolarMinutes / 4 - 180;
  const lat = latitudeDeg * DEG;
  const ha = hourAngleDeg * DEG;
  const cosZenith = Math.min(
    1,
    Math.max(-1, Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(ha)),
  );
  const geometricElevationDeg = 90 - Math.acos(cosZenith) / DEG;
  const elevationDeg = geometricElevationDeg + refractionDeg(geometricElevationDeg);
  // Azimuth from the hour angle (Reda & Andreas 2008, eq. 44–45): defined at the poles too.
  const azimuthDeg = mod(
    Math.atan2(Math.sin(ha), Math.cos(ha) * Math.sin(lat) - Math.tan(decl) * Math.cos(lat)) / DEG + 180,
    360,
  );
  return {
    julianDay,
    declinationDeg: decl / DEG,
    equationOfTimeMinutes,
    hourAngleDeg,
    zenithDeg: 90 - elevationDeg,
    elevationDeg,
    azimuthDeg,
    earthSunDistanceAu,
  };
}

/** Extraterrestrial irradiance normal to the sun's rays, W/m²: the solar constant × (1 AU / r)². */
export function extraterrestrialNormalWPerM2(earthSunDistanceAu: number): number {
  return SOLAR_CONSTANT_W_PER_M2 / (earthSunDistanceAu * earthSunDistanceAu);
}

/**
 * Clear-sky GHI by Haurwitz (1945): 1098 · cos z · exp(−0.059 / cos z) W/m², zero with the sun below the horizon
 * (Reno, Hansen & Stein 2012, SAND2012-2389, rank it among the best of the models that need only the zenith).
 */
export function haurwitzGhiWPerM2(zenithDeg: number): number {
  const cosZ = Math.cos(zenithDeg * DEG);
  return cosZ > 0 ? 1098 * cosZ * Math.exp(-0.059 / cosZ) : 0;
}

/**
 * Diffuse fraction DHI/GHI of an hourly clearness index kt = GHI / (extraterrestrial horizontal), by Erbs, Klein &
 * Duffie (1982), Solar Energy 28(4) 293–302.
 */
export function erbsDiffuseFraction(clearnessIndex: number): number {
  const kt = Math.max(0, clearnessIndex);
  if (kt <= 0.22) return 1 - 0.09 * kt;
  if (kt <= 0.8) return 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4;
  return 0.165;
}

/** Irradiance on a tilted plane, W/m², by component. */
export interface PlaneOfArray {
  poaWPerM2: number;
  beamWPerM2: number;
  skyDiffuseWPerM2: number;
  groundWPerM2: number;
}

/**
 * Plane-of-array irradiance with the isotropic sky (Liu & Jordan 1963): beam · cos θ + DHI (1 + cos β)/2 +
 * GHI · ρ (1 − cos β)/2, θ the angle of incidence, β the tilt, ρ the ground albedo. Azimuths clockwise from north.
 */
export function planeOfArray(input: {
  ghiWPerM2: number;
  dhiWPerM2: number;
  dniWPerM2: number;
  zenithDeg: number;
  sunAzimuthDeg: number;
  tiltDeg: number;
  surfaceAzimuthDeg: number;
  albedo: number;
}): PlaneOfArray {
  const z = input.zenithDeg * DEG;
  const tilt = input.tiltDeg * DEG;
  const cosIncidence =
    Math.cos(z) * Math.cos(tilt) +
    Math.sin(z) * Math.sin(tilt) * Math.cos((input.sunAzimuthDeg - input.surfaceAzimuthDeg) * DEG);
  const beamWPerM2 = input.zenithDeg < 90 ? input.dniWPerM2 * Math.max(0, cosIncidence) : 0;
  const skyDiffuseWPerM2 = (input.dhiWPerM2 * (1 + Math.cos(tilt))) / 2;
  const groundWPerM2 = (input.ghiWPerM2 * input.albedo * (1 - Math.cos(tilt))) / 2;
  return {
    poaWPerM2: beamWPerM2 + skyDiffuseWPerM2 + groundWPerM2,
    beamWPerM2,
    skyDiffuseWPerM2,
    groundWPerM2,
  };
}

/** Cell temperature by the NOCT model: T_air + (NOCT − 20 °C) · POA / 800 W/m² (Duffie & Beckman, ch. 23). */
export function cellTemperatureC(airTemperatureC: number, poaWPerM2: number, noctC: number): number {
  return airTemperatureC + ((noctC - 20) * poaWPerM2) / 800;
}

/** Where and how the PV array is built, and the weather it sees. */
export interface PvOptions {
  /** IANA zone of the park: the year runs from local 1 January 00:00. */
  timeZone: string;
  year: number;
  latitude: number;
  longitude: number;
  tiltDeg: number;
  /** Clockwise from north: 180 = south. */
  azimuthDeg: number;
  /** System losses as a share (soiling, mismatch, wiring, inverter, availability …; PVWatts' default is 0.14). */
  lossesShare: number;
  /** 15 or 60 (default). */
  stepMinutes?: 15 | 60;
  /** Monthly-mean clearness index Kt (Jan … Dec) = monthly GHI ÷ monthly extraterrestrial horizontal irradiation. */
  monthlyClearness?: readonly number[];
  /**
   * User GHI data, W/m², the mean over each step from local 1 January 00:00: one value per output step, or one per
   * hour (repeated over its quarters when `stepMinutes` is 15).
   */
  ghiWPerM2?: readonly number[];
  /** Air temperature, °C: one value, or 12 monthly means (default 20 °C, the NOCT reference ambient). */
  airTemperatureC?: number | readonly number[];
  /** Ground albedo (default 0.2, the customary value for grass and soil). */
  albedo?: number;
  /** Nominal operating cell temperature, °C (default 45, typical of crystalline-silicon modules). */
  noctC?: number;
  /** Relative power change per °C of cell temperature above 25 °C (default −0.0035, PVWatts v5 "premium"). */
  powerTempCoeffPerC?: number;
}

/** The PV model's series, one value per step (means over the step). */
export interface PvSeries {
  startMs: number;
  stepMinutes: 15 | 60;
  ghiWPerM2: number[];
  dhiWPerM2: number[];
  poaWPerM2: number[];
  /** Output per kWp (STC rating), kW. */
  powerKwPerKwp: number[];
  /** Clear-sky index applied per month (GHI ÷ Haurwitz clear-sky GHI); null with user GHI data. */
  clearSkyIndexByMonth: number[] | null;
  /** User GHI energy at times the sun was below the horizon, which was left out, Wh/m². */
  ignoredNightGhiWhPerM2: number;
}

function validatePvOptions(o: PvOptions): InputIssue[] {
  const issues: InputIssue[] = [];
  const check = (ok: boolean, field: string, reason: string) => {
    if (!ok) issues.push({ field, reason });
  };
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  check(Number.isInteger(o.year) && o.year >= 1901 && o.year <= 2099, 'year', 'must be a year in 1901–2099');
  check(finite(o.latitude) && Math.abs(o.latitude) <= 90, 'latitude', 'must be within −90…90°');
  check(finite(o.longitude) && Math.abs(o.longitude) <= 180, 'longitude', 'must be within −180…180°');
  check(finite(o.tiltDeg) && o.tiltDeg >= 0 && o.tiltDeg <= 90, 'tiltDeg', 'must be within 0…90°');
  check(
    finite(o.azimuthDeg) && o.azimuthDeg >= 0 && o.azimuthDeg <= 360,
    'azimuthDeg',
    'must be within 0…360° (180 = south)',
  );
  check(
    finite(o.lossesShare) && o.lossesShare >= 0 && o.lossesShare < 1,
    'lossesShare',
    'must be within 0…1',
  );
  check(
    o.stepMinutes === undefined || o.stepMinutes === 15 || o.stepMinutes === 60,
    'stepMinutes',
    'must be 15 or 60',
  );
  if (o.albedo !== undefined)
    check(finite(o.albedo) && o.albedo >= 0 && o.albedo <= 1, 'albedo', 'must be 0…1');
  if (o.noctC !== undefined)
    check(finite(o.noctC) && o.noctC >= 20 && o.noctC <= 80, 'noctC', 'must be 20…80 °C');
  if (o.powerTempCoeffPerC !== undefined) {
    check(
      finite(o.powerTempCoeffPerC) && Math.abs(o.powerTempCoeffPerC) <= 0.01,
      'powerTempCoeffPerC',
      'must be a share per °C within −0.01…0.01 (e.g. −0.0035)',
    );
  }
  if (o.monthlyClearness !== undefined && o.ghiWPerM2 !== undefined) {
    issues.push({ field: 'monthlyClearness', reason: 'give monthly clearness or GHI data, not both' });
  }
  if (o.monthlyClearness !== undefined) {
    check(o.monthlyClearness.length === 12, 'monthlyClearness', 'needs 12 values, January to December');
    o.monthlyClearness.forEach((kt, i) =>
      check(
        finite(kt) && kt >= 0 && kt <= MAX_MONTHLY_CLEARNESS,
        `monthlyClearness[${i}]`,
        `clearness index must be within 0…${MAX_MONTHLY_CLEARNESS}`,
      ),
    );
  }
  const temps = o.airTemperatureC;
  if (Array.isArray(temps)) {
    check(temps.length === 12, 'airTemperatureC', 'needs one value or 12 monthly means');
    temps.forEach((tC, i) =>
      check(finite(tC) && Math.abs(tC) < 60, `airTemperatureC[${i}]`, 'must be −60…60 °C'),
    );
  } else if (temps !== undefined) {
    check(finite(temps) && Math.abs(temps) < 60, 'airTemperatureC', 'must be −60…60 °C');
  }
  return issues;
}

/**
 * Runs the PV model over the park-local year: per step the mean GHI, DHI, plane-of-array irradiance and output per kWp.
 * Each step is averaged over 5-minute sub-steps, so the partly lit sunrise and sunset steps come out right. With
 * monthly clearness, each month's Haurwitz clear-sky GHI is scaled so that the month's GHI equals Kt × its
 * extraterrestrial horizontal irradiation; with neither clearness nor GHI data every day is clear (an upper bound).
 */
export function pvSeries(options: PvOptions): PvSeries {
  const issues = validatePvOptions(options);
  const start = parseDateOrInstant(`${options.year}-01-01`, options.timeZone);
  const end = parseDateOrInstant(`${options.year + 1}-01-01`, options.timeZone);
  if (!start.ok || !end.ok) {
    issues.push({ field: 'timeZone', reason: start.ok ? 'not a time zone' : start.reason });
  }
  if (issues.length > 0 || !start.ok || !end.ok) throw invalid(issues);
  const stepMinutes = options.stepMinutes ?? 60;
  const stepMs = stepMinutes * MINUTE_MS;
  const steps = Math.round((end.atMs - start.atMs) / stepMs);
  const subSteps = stepMinutes / SUB_STEP_MINUTES;
  const subMs = SUB_STEP_MINUTES * MINUTE_MS;

  if (options.ghiWPerM2 !== undefined) checkGhi(options.ghiWPerM2, steps, stepMinutes);

  // Pass 1: geometry, clear-sky and extraterrestrial irradiance at each sub-step (at its midpoint).
  const n = steps * subSteps;
  const cosZ = new Float64Array(n);
  const zenith = new Float64Array(n);
  const sunAzimuth = new Float64Array(n);
  const extraNormal = new Float64Array(n);
  const clearGhi = new Float64Array(n);
  const monthOf = new Uint8Array(steps);
  const monthClear = new Float64Array(12);
  const monthExtraHorizontal = new Float64Array(12);
  for (let s = 0; s < steps; s++) {
    const stepStartMs = start.atMs + s * stepMs;
    const localMs = stepStartMs + zoneOffsetMinutes(options.timeZone, stepStartMs) * MINUTE_MS;
    const month = new Date(localMs).getUTCMonth();
    monthOf[s] = month;
    for (let k = 0; k < subSteps; k++) {
      const i = s * subSteps + k;
      const p = solarPosition(stepStartMs + (k + 0.5) * subMs, options.latitude, options.longitude);
      zenith[i] = p.zenithDeg;
      sunAzimuth[i] = p.azimuthDeg;
      cosZ[i] = Math.max(0, Math.cos(p.zenithDeg * DEG));
      const extra = extraterrestrialNormalWPerM2(p.earthSunDistanceAu);
      const clear = haurwitzGhiWPerM2(p.zenithDeg);
      extraNormal[i] = extra;
      clearGhi[i] = clear;
      monthClear[month] = monthClear[month]! + clear;
      monthExtraHorizontal[month] = monthExtraHorizontal[month]! + extra * cosZ[i];
    }
  }
  const stepClearGhi = new Float64Array(steps);
  for (let i = 0; i < n; i++) stepClearGhi[Math.floor(i / subSteps)]! += clearGhi[i]! / subSteps;
  const ghiData =
    options.ghiWPerM2 === undefined
      ? undefined
      : spreadGhi(options.ghiWPerM2, steps, stepMinutes, stepClearGhi);
  let clearSkyIndexByMonth: number[] | null = null;
  if (ghiData === undefined) {
    const kt = options.monthlyClearness;
    clearSkyIndexByMonth = Array.from({ length: 12 }, (_, m) =>
      kt === undefined || monthClear[m]! <= 0 ? 1 : (kt[m]! * monthExtraHorizontal[m]!) / monthClear[m]!,
    );
  }

  const albedo = options.albedo ?? 0.2;
  const noctC = options.noctC ?? 45;
  const gamma = options.powerTempCoeffPerC ?? -0.0035;
  const derate = 1 - options.lossesShare;
  const temps = options.airTemperatureC;
  const airC = (month: number) => (typeof temps === 'number' ? temps : (temps?.[month] ?? 20));

  const out: PvSeries = {
    startMs: start.atMs,
    stepMinutes,
    ghiWPerM2: new Array<number>(steps),
    dhiWPerM2: new Array<number>(steps),
    poaWPerM2: new Array<number>(steps),
    powerKwPerKwp: new Array<number>(steps),
    clearSkyIndexByMonth,
    ignoredNightGhiWhPerM2: 0,
  };
  let dataGhiWh = 0;
  // Pass 2: per step, the step's GHI spread over its sub-steps in proportion to clear-sky GHI; Erbs on the step's
  // clearness index (Erbs is an hourly correlation); plane of array, cell temperature and power per sub-step.
  for (let s = 0; s < steps; s++) {
    const month = monthOf[s]!;
    const stepClear = stepClearGhi[s]!;
    let stepExtraHorizontal = 0;
    for (let k = 0; k < subSteps; k++) {
      const i = s * subSteps + k;
      stepExtraHorizontal += extraNormal[i]! * cosZ[i]!;
    }
    stepExtraHorizontal /= subSteps;
    let stepGhi: number;
    if (ghiData !== undefined) {
      stepGhi = ghiData[s]!;
      dataGhiWh += (stepGhi * stepMinutes) / 60;
      if (stepClear <= 0 && stepGhi > 0) {
        out.ignoredNightGhiWhPerM2 += (stepGhi * stepMinutes) / 60;
        stepGhi = 0;
      }
    } else stepGhi = stepClear * clearSkyIndexByMonth![month]!;
    const diffuseFraction = stepExtraHorizontal > 0 ? erbsDiffuseFraction(stepGhi / stepExtraHorizontal) : 1;
    let ghiSum = 0;
    let dhiSum = 0;
    let poaSum = 0;
    let powerSum = 0;
    for (let k = 0; k < subSteps; k++) {
      const i = s * subSteps + k;
      if (stepClear <= 0 || clearGhi[i]! <= 0) continue;
      const ghi = (stepGhi * clearGhi[i]!) / stepClear;
      // The beam on the horizontal can be at most the extraterrestrial one; anything more is taken as diffuse.
      let beamHorizontal = zenith[i]! < MAX_BEAM_ZENITH_DEG ? ghi * (1 - diffuseFraction) : 0;
      beamHorizontal = Math.min(beamHorizontal, extraNormal[i]! * cosZ[i]!);
      const dhi = ghi - beamHorizontal;
      const dni = beamHorizontal > 0 ? beamHorizontal / cosZ[i]! : 0;
      const { poaWPerM2 } = planeOfArray({
        ghiWPerM2: ghi,
        dhiWPerM2: dhi,
        dniWPerM2: dni,
        zenithDeg: zenith[i]!,
        sunAzimuthDeg: sunAzimuth[i]!,
        tiltDeg: options.tiltDeg,
        surfaceAzimuthDeg: options.azimuthDeg,
        albedo,
      });
      const cellC = cellTemperatureC(airC(month), poaWPerM2, noctC);
      ghiSum += ghi;
      dhiSum += dhi;
      poaSum += poaWPerM2;
      powerSum += Math.max(0, (poaWPerM2 / 1000) * (1 + gamma * (cellC - 25)) * derate);
    }
    out.ghiWPerM2[s] = ghiSum / subSteps;
    out.dhiWPerM2[s] = dhiSum / subSteps;
    out.poaWPerM2[s] = poaSum / subSteps;
    out.powerKwPerKwp[s] = powerSum / subSteps;
  }
  if (ghiData !== undefined && out.ignoredNightGhiWhPerM2 > MAX_NIGHT_GHI_SHARE * dataGhiWh) {
    const share = ((100 * out.ignoredNightGhiWhPerM2) / dataGhiWh).toFixed(1);
    throw invalid([
      {
        field: 'ghiWPerM2',
        reason:
          `${share} % of the GHI falls at times the sun is below the horizon: are the values in park-local time ` +
          `(${options.timeZone}) from ${options.year}-01-01 00:00, each the mean of the step that starts there?`,
      },
    ]);
  }
  return out;
}

function checkGhi(values: readonly number[], steps: number, stepMinutes: 15 | 60): void {
  const hours = (steps * stepMinutes) / 60;
  const issues: InputIssue[] = [];
  if (values.length !== steps && values.length !== hours) {
    issues.push({
      field: 'ghiWPerM2',
      reason: `has ${values.length} values; the year has ${steps} steps of ${stepMinutes} min${
        stepMinutes === 15 ? ` (or give ${hours} hourly values)` : ''
      }`,
    });
  }
  values.forEach((v, i) => {
    if (issues.length < 20 && !(Number.isFinite(v) && v >= 0 && v <= MAX_GHI_W_PER_M2)) {
      issues.push({
        field: `ghiWPerM2[${i}]`,
        reason: `${v} is not a GHI within 0…${MAX_GHI_W_PER_M2} W/m²`,
      });
    }
  });
  if (issues.length > 0) throw invalid(issues);
}

/** User GHI per output step: as given, or each hourly mean spread over its quarters in proportion to clear-sky GHI. */
function spreadGhi(
  values: readonly number[],
  steps: number,
  stepMinutes: 15 | 60,
  stepClearGhi: Float64Array,
): number[] {
  if (values.length === steps) return [...values];
  const perHour = 60 / stepMinutes;
  const out = new Array<number>(steps);
  for (let h = 0; h < values.length; h++) {
    let clear = 0;
    for (let q = 0; q < perHour; q++) clear += stepClearGhi[h * perHour + q]!;
    for (let q = 0; q < perHour; q++) {
      // With the sun down the whole hour, an even spread: the night check below then sees it.
      out[h * perHour + q] =
        clear > 0 ? (values[h]! * perHour * stepClearGhi[h * perHour + q]!) / clear : values[h]!;
    }
  }
  return out;
}

function invalid(issues: InputIssue[]): AppError {
  return new AppError(
    'BAD_INPUT',
    `PV model: ${issues.map((i) => `${i.field ?? ''}: ${i.reason}`).join('; ')}`,
    { issues },
  );
}

/**
 * The PV output shape of the park-local year, kW per kWp (STC), hourly or 15-minute.
 *
 * @example pvShape({ timeZone: 'Asia/Shanghai', year: 2025, latitude: 25.04, longitude: 102.71, tiltDeg: 25,
 *   azimuthDeg: 180, lossesShare: 0.14, monthlyClearness: [0.6, …] })
 */
export function pvShape(options: PvOptions): Profile {
  const s = pvSeries(options);
  return {
    startMs: s.startMs,
    stepMinutes: s.stepMinutes,
    valuesKw: s.powerKwPerKwp,
    perKw: true,
    source: 'pv-model',
  };
}

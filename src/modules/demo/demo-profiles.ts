/**
 * Load and weather shapes of the demo park: normalised daily, weekly and seasonal patterns (peak ≈ 1) per kind of
 * load, and clear-sky solar geometry for the PV plants.
 */
import type { DayType } from './demo-time.ts';

/** The kinds of load the demo knows; an organisation's industry code or a site picks one. */
export const PROFILE_KINDS = [
  'flat',
  'aluminium',
  'silicon',
  'carbon',
  'rolling',
  'two_shift',
  'one_shift',
  'bakery',
  'dairy',
  'tea',
  'data_centre',
  'cold_chain',
  'office',
  'canteen',
  'wastewater',
  'street_lighting',
  'cooling',
  'air_station',
] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];
export const profileIndex = (kind: ProfileKind): number => PROFILE_KINDS.indexOf(kind);

/** GB/T 4754-2017 industry codes of the demo organisations and the load shape each follows. */
export const INDUSTRY_PROFILES: Readonly<Record<string, ProfileKind>> = {
  C3216: 'aluminium',
  C3218: 'silicon',
  C3091: 'carbon',
  C3252: 'rolling',
  C3985: 'two_shift',
  C3841: 'two_shift',
  C3825: 'two_shift',
  C3670: 'two_shift',
  C2231: 'one_shift',
  C2730: 'one_shift',
  C1411: 'bakery',
  C1440: 'dairy',
  C1530: 'tea',
  I6450: 'data_centre',
  G5930: 'cold_chain',
  K7020: 'office',
  L7221: 'office',
  M7452: 'office',
  S9225: 'office',
  H6210: 'canteen',
  C2619: 'air_station',
};

/** Load shape for an industry code: exact code, else by GB/T 4754 section letter. */
export function profileForIndustry(code: string | undefined): ProfileKind {
  if (!code) return 'flat';
  const exact = INDUSTRY_PROFILES[code];
  if (exact) return exact;
  switch (code.charAt(0)) {
    case 'C':
      return 'two_shift';
    case 'I':
      return 'data_centre';
    case 'G':
      return 'cold_chain';
    case 'H':
      return 'canteen';
    case 'K':
    case 'L':
    case 'M':
    case 'S':
      return 'office';
    default:
      return 'flat';
  }
}

/** Day-level facts every shape reads. */
export interface DayFacts {
  type: DayType;
  /** 1–12 */
  month: number;
  /** Yunnan's dry season (Nov–Apr) = 1, core wet season (Jun–Sep) = 0, May and Oct = 0.5. */
  dryness: number;
  /** 0 in mid-January … 1 in mid-July. */
  summer: number;
}

/** Yunnan's seasons: the dry season brings sun and hydropower scarcity, the wet season cloud and cheap hydropower. */
export function drynessOf(month: number): number {
  if (month >= 6 && month <= 9) return 0;
  if (month === 5 || month === 10) return 0.5;
  return 1;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** 1 inside [a, b] hours, 0 outside, with linear ramps of `ramp` hours before a and after b. */
export const within = (h: number, a: number, b: number, ramp = 0.5): number =>
  clamp01((h - a + ramp) / ramp) * clamp01((b + ramp - h) / ramp);

/** Silicon furnaces cut load in the dry season, when Yunnan's hydropower is scarce and dear. */
const siliconSeason = (d: DayFacts) => 1 - 0.45 * d.dryness;
const teaSeason = (d: DayFacts) =>
  d.month >= 3 && d.month <= 5 ? 1 : d.month >= 6 && d.month <= 10 ? 0.65 : 0.4;
/** Flower cakes (鲜花饼) peak with the rose harvest, April–June. */
const bakerySeason = (d: DayFacts) => (d.month >= 4 && d.month <= 6 ? 1 : 0.8);

function twoShift(h: number, d: DayFacts): number {
  switch (d.type) {
    case 'workday':
      return (
        0.35 +
        0.65 *
          within(h, 8, 23.75, 0.25) *
          (1 - 0.15 * within(h, 12, 12.75, 0.1) - 0.15 * within(h, 18, 18.5, 0.1))
      );
    case 'saturday':
      return 0.35 + 0.5 * within(h, 8, 16);
    case 'rest':
      return 0.35;
  }
}

function office(h: number, d: DayFacts): number {
  switch (d.type) {
    case 'workday':
      return 0.15 + 0.85 * within(h, 8, 18) * (1 - 0.25 * within(h, 12, 13.5, 0.25));
    case 'saturday':
      return 0.15 + 0.2 * within(h, 9, 17);
    case 'rest':
      return 0.12;
  }
}

/**
 * Fills `out[profileIndex(kind)]` with each shape's value at park-local hour `h` (0–24) of a day; `isDark` is whether the
 * sun is down (street lighting). Values stay within [0, 1].
 */
export function fillShapes(out: Float64Array, h: number, d: DayFacts, isDark: boolean): void {
  const work = d.type === 'workday';
  const rest = d.type === 'rest';
  const shift2 = twoShift(h, d);
  const officeNow = office(h, d);
  let i = 0;
  out[i++] = 0.9; // flat
  out[i++] = 1 - 0.08 * d.dryness; // aluminium: pots run flat out; dry-season curtailment
  out[i++] = siliconSeason(d) * (0.97 - 0.05 * (h % 2 < 0.34 ? 1 : 0)); // silicon: dip while tapping every 2 h
  out[i++] = 0.92 + (work ? 0.06 * within(h, 8, 17) : 0); // carbon anodes: baking furnaces never stop
  out[i++] = work ? 0.88 + 0.1 * within(h, 8, 20) : rest ? 0.35 + 0.2 * within(h, 9, 16) : 0.8; // rolling mill
  out[i++] = shift2; // two_shift
  out[i++] = work // one_shift
    ? 0.15 + 0.85 * within(h, 8, 17.5) * (1 - 0.3 * within(h, 12, 13, 0.1))
    : rest
      ? 0.15
      : 0.15 + 0.5 * within(h, 8, 12);
  out[i++] = // bakery
    bakerySeason(d) * (work ? 0.25 + 0.75 * within(h, 6.5, 19) : rest ? 0.22 : 0.25 + 0.4 * within(h, 7, 15));
  out[i++] = 0.55 + 0.4 * within(h, 5, 21) * (rest ? 0.85 : 1); // dairy: processing after the morning milk run
  out[i++] = teaSeason(d) * (0.15 + 0.85 * within(h, 8, 20) * (rest ? 0.6 : 1)); // tea
  out[i++] = 0.84 + 0.05 * Math.cos((2 * Math.PI * (h - 15)) / 24) + 0.06 * d.summer; // data centre: cooling wave
  out[i++] = // cold chain: refrigeration base, daytime handling, evening loading and truck charging
    0.45 + 0.08 * d.summer + 0.12 * within(h, 8, 17) + 0.35 * within(h, 17.5, 23) * (rest ? 0.7 : 1);
  out[i++] = officeNow; // office
  const meals = Math.max(within(h, 6.5, 8.5), within(h, 11, 13), within(h, 17, 19));
  out[i++] = work ? 0.15 + 0.85 * meals : 0.12 + 0.35 * meals; // canteen
  out[i++] = 0.6 + 0.2 * within(h, 8, 12, 1) + 0.18 * within(h, 18, 22, 1); // wastewater: diurnal inflow
  out[i++] = isDark ? (h >= 0.5 && h < 6 ? 0.6 : 1) : 0.02; // street lighting, dimmed after 00:30
  out[i++] = officeNow * (0.35 + 0.65 * d.summer) * (0.8 + 0.2 * within(h, 13, 17)); // cooling
  out[i] = 0.45 + (0.5 * (shift2 - 0.35)) / 0.65; // air_station follows the two-shift factories
}

/** Seasonal production level for fuel deliveries and the like. */
export function seasonLevel(kind: ProfileKind, d: DayFacts): number {
  if (kind === 'silicon') return siliconSeason(d);
  if (kind === 'tea') return teaSeason(d);
  if (kind === 'bakery') return bakerySeason(d);
  if (kind === 'aluminium') return 1 - 0.08 * d.dryness;
  return 1;
}

/** Day-to-day production variation (± fraction) by kind: continuous processes vary least. */
export const DAILY_VARIATION: Readonly<Record<ProfileKind, number>> = {
  flat: 0.04,
  aluminium: 0.004,
  silicon: 0.02,
  carbon: 0.02,
  rolling: 0.04,
  two_shift: 0.04,
  one_shift: 0.04,
  bakery: 0.04,
  dairy: 0.04,
  tea: 0.04,
  data_centre: 0.01,
  cold_chain: 0.04,
  office: 0.04,
  canteen: 0.04,
  wastewater: 0.04,
  street_lighting: 0.005,
  cooling: 0.04,
  air_station: 0.04,
};

/** Reading-to-reading noise (± fraction) by kind. */
export const READING_NOISE: Readonly<Record<ProfileKind, number>> = {
  flat: 0.03,
  aluminium: 0.004,
  silicon: 0.012,
  carbon: 0.03,
  rolling: 0.03,
  two_shift: 0.03,
  one_shift: 0.03,
  bakery: 0.03,
  dairy: 0.03,
  tea: 0.03,
  data_centre: 0.01,
  cold_chain: 0.03,
  office: 0.03,
  canteen: 0.03,
  wastewater: 0.03,
  street_lighting: 0.01,
  cooling: 0.03,
  air_station: 0.03,
};

const DEG = Math.PI / 180;
const SOLAR_CONSTANT = 1361;

/** Sun and plane-of-array geometry for one instant. */
export interface SolarState {
  cosZenith: number;
  /** Clear-sky irradiance on a south-facing plane tilted `tiltDeg`, W/m². */
  clearSkyPoaWm2: number;
}

/**
 * Sun position (Cooper's declination, Spencer-style equation of time) and a Meinel clear-sky beam with a high-plateau
 * pressure correction (Kunming ≈ 1,900 m: 0.8 atm), plus 12 % diffuse, on a south-facing tilted plane.
 */
export function solarState(
  dayOfYear: number,
  localHour: number,
  utcOffsetHours: number,
  latitudeDeg: number,
  longitudeDeg: number,
  tiltDeg: number,
  out: SolarState,
): void {
  const n = dayOfYear + 1;
  const declination = 23.44 * DEG * Math.sin((2 * Math.PI * (284 + n)) / 365);
  const b = (2 * Math.PI * (n - 81)) / 364;
  const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const solarHour = localHour + (4 * (longitudeDeg - 15 * utcOffsetHours) + equationOfTimeMin) / 60;
  const hourAngle = 15 * DEG * (solarHour - 12);
  const lat = latitudeDeg * DEG;
  const cosZenith =
    Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
  out.cosZenith = cosZenith;
  if (cosZenith <= 0.005) {
    out.clearSkyPoaWm2 = 0;
    return;
  }
  const tilted = lat - tiltDeg * DEG;
  const cosIncidence =
    Math.sin(declination) * Math.sin(tilted) + Math.cos(declination) * Math.cos(tilted) * Math.cos(hourAngle);
  const airMass = 0.8 / cosZenith;
  const beam = SOLAR_CONSTANT * Math.pow(0.7, Math.pow(airMass, 0.678));
  out.clearSkyPoaWm2 = beam * (Math.max(0, cosIncidence) + 0.12 * cosZenith);
}

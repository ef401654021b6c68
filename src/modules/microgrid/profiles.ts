/**
 * Profiles: reading one from CSV (errors by file, line and field), resampling between 15 and 60 minutes, scaling,
 * energy, and the days × steps matrix that representative days are picked from. Pure: no I/O.
 */
import { splitCsvLine } from '../../lib/csv.ts';
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { formatLocal, parseTimestamp, zoneOffsetMinutes } from '../../lib/time.ts';
import type { Profile } from './types.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Most problems one CSV error lists (the count of the rest is given). */
export const MAX_CSV_ISSUES = 50;

const COLUMN_ALIASES: Record<string, 'at' | 'kw' | 'kwh'> = {
  at: 'at',
  time: 'at',
  timestamp: 'at',
  datetime: 'at',
  kw: 'kw',
  value: 'kw',
  power_kw: 'kw',
  kwh: 'kwh',
  energy_kwh: 'kwh',
};

/** What a profile CSV holds beyond its values. */
export interface ProfileCsvOptions {
  /** The values are per kW installed (a PV or wind shape). Default false (an absolute load). */
  perKw?: boolean;
  /** Accept negative values (a net load that exports). Default false: a negative load is taken as a data error. */
  allowNegative?: boolean;
  /**
   * What the value column holds: power (`kw`, `value`, `power_kw`, or `kwh` per step; the default) or wind speed in
   * m/s (`speed`, `speed_ms`, `wind_speed`, `ws`), which is read as it is into `valuesKw` for `windShape`.
   */
  quantity?: 'power' | 'wind_speed';
}

const SPEED_ALIASES: Record<string, 'at' | 'kw'> = {
  at: 'at',
  time: 'at',
  timestamp: 'at',
  datetime: 'at',
  speed: 'kw',
  speed_ms: 'kw',
  wind_speed: 'kw',
  wind_speed_ms: 'kw',
  ws: 'kw',
};

/**
 * Reads a profile from CSV: a header with a time column (`at`, `time`, `timestamp`) and a value column (`kw`,
 * `value`: average kW over the step; or `kwh`: energy of the step), one row per step, 15-minute or hourly, without
 * gaps. Each time is the START of its step, with an offset ("2025-03-01T08:00+08:00") or park-local
 * ("2025-03-01 08:00"). Every problem is reported as a BAD_INPUT issue naming the file, line and field.
 *
 * @example parseProfileCsv('at,kw\n2025-01-01 00:00,120\n2025-01-01 01:00,118\n', 'load.csv', 'Asia/Shanghai')
 */
export function parseProfileCsv(
  text: string,
  fileName: string,
  timeZone: string,
  options: ProfileCsvOptions = {},
): Profile {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const issues: InputIssue[] = [];
  let more = 0;
  const issue = (line: number, field: string, reason: string) => {
    if (issues.length < MAX_CSV_ISSUES) issues.push({ file: fileName, line, field, reason });
    else more++;
  };
  const fail = (): never => {
    const first = issues[0]!;
    const total = issues.length + more;
    throw new AppError(
      'BAD_INPUT',
      `${fileName}:${first.line}: ${first.field}: ${first.reason}${total > 1 ? ` (and ${total - 1} more problems)` : ''}`,
      { issues },
    );
  };
  const header = splitCsvLine((lines[0] ?? '').replace(/\r$/, '')).map((h) => h.trim().toLowerCase());
  const speed = options.quantity === 'wind_speed';
  const role = header.map((h) => (speed ? SPEED_ALIASES : COLUMN_ALIASES)[h]);
  const atCol = role.indexOf('at');
  const kwCol = role.indexOf('kw');
  const kwhCol = role.indexOf('kwh');
  if (atCol < 0) issue(1, 'at', 'the header has no time column (at, time or timestamp)');
  if (kwCol < 0 && kwhCol < 0) {
    if (speed) issue(1, 'speed', 'the header has no wind speed column (speed, speed_ms or wind_speed, m/s)');
    else issue(1, 'kw', 'the header has no value column (kw, value or kwh)');
  }
  if (kwCol >= 0 && kwhCol >= 0) issue(1, 'kw', 'give either kw or kwh, not both');
  if (issues.length > 0) fail();
  const valueCol = kwCol >= 0 ? kwCol : kwhCol;
  const valueField = header[valueCol]!;

  const rows: { line: number; atMs: number; value: number }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    const f = splitCsvLine(raw);
    if (f.length !== header.length) {
      issue(lineNo, 'line', `expected ${header.length} fields, found ${f.length}`);
      continue;
    }
    const at = parseTimestamp(f[atCol]!, timeZone);
    const valueText = f[valueCol]!.trim();
    const value = valueText === '' ? Number.NaN : Number(valueText);
    if (!at.ok) issue(lineNo, header[atCol]!, at.reason);
    if (!Number.isFinite(value)) issue(lineNo, valueField, `not a number: ${JSON.stringify(valueText)}`);
    else if (value < 0 && !options.allowNegative) {
      issue(
        lineNo,
        valueField,
        speed
          ? `negative wind speed ${value}`
          : `negative value ${value} (a load or output cannot be negative here)`,
      );
    }
    if (at.ok) rows.push({ line: lineNo, atMs: at.atMs, value });
  }
  if (rows.length + issues.length === 0) issue(2, 'line', 'no data rows');
  else if (rows.length === 1 && issues.length === 0)
    issue(rows[0]!.line, 'line', 'one row: the step is unknown');
  if (issues.length > 0) fail();

  const stepMs = rows[1]!.atMs - rows[0]!.atMs;
  if (stepMs !== 15 * MINUTE_MS && stepMs !== 60 * MINUTE_MS) {
    issue(
      rows[1]!.line,
      header[atCol]!,
      `the first two rows are ${stepMs / MINUTE_MS} minutes apart; a profile is 15-minute or hourly`,
    );
    fail();
  }
  const stepMinutes = (stepMs / MINUTE_MS) as 15 | 60;
  const localOffsetMs = (atMs: number) => atMs + zoneOffsetMinutes(timeZone, atMs) * MINUTE_MS;
  if (((localOffsetMs(rows[0]!.atMs) % stepMs) + stepMs) % stepMs !== 0) {
    issue(
      rows[0]!.line,
      header[atCol]!,
      `a ${stepMinutes}-minute profile must start on a park-local ${stepMinutes === 60 ? 'hour' : 'quarter hour'}`,
    );
  }
  for (let r = 1; r < rows.length; r++) {
    const expectedMs = rows[r - 1]!.atMs + stepMs;
    const got = rows[r]!;
    if (got.atMs !== expectedMs) {
      const what =
        got.atMs < expectedMs
          ? got.atMs <= rows[r - 1]!.atMs
            ? 'out of order or repeated'
            : 'off the step'
          : `a gap of ${(got.atMs - expectedMs) / stepMs} step(s)`;
      issue(
        got.line,
        header[atCol]!,
        `expected ${formatLocal(expectedMs, timeZone)} (${stepMinutes}-minute steps), found ${formatLocal(got.atMs, timeZone)}: ${what}`,
      );
    }
  }
  if (issues.length > 0) fail();
  const hours = stepMinutes / 60;
  return {
    startMs: rows[0]!.atMs,
    stepMinutes,
    valuesKw: rows.map((r) => (kwCol >= 0 ? r.value : r.value / hours)),
    perKw: options.perKw ?? false,
    source: `csv:${fileName}`,
  };
}

/**
 * The profile at another step: hourly values repeated over their quarters, or 15-minute values averaged in groups of
 * four from `startMs` (the average power, so energy is conserved both ways).
 */
export function resample(profile: Profile, stepMinutes: 15 | 60): Profile {
  if (profile.stepMinutes === stepMinutes) return { ...profile, valuesKw: [...profile.valuesKw] };
  if (stepMinutes === 15) {
    return { ...profile, stepMinutes, valuesKw: profile.valuesKw.flatMap((v) => [v, v, v, v]) };
  }
  if (profile.valuesKw.length % 4 !== 0) {
    throw new AppError(
      'BAD_INPUT',
      `a 15-minute profile of ${profile.valuesKw.length} steps is not whole hours: cannot make it hourly`,
    );
  }
  const valuesKw = new Array<number>(profile.valuesKw.length / 4);
  for (let h = 0; h < valuesKw.length; h++) {
    const v = profile.valuesKw;
    valuesKw[h] = (v[4 * h]! + v[4 * h + 1]! + v[4 * h + 2]! + v[4 * h + 3]!) / 4;
  }
  return { ...profile, stepMinutes, valuesKw };
}

/**
 * The profile times a factor: a load grown by 10 % (1.1), or a per-kW shape times the capacity in kW (with
 * `perKw: false`, an absolute profile).
 */
export function scaleProfile(profile: Profile, factor: number, options: { perKw?: boolean } = {}): Profile {
  if (!Number.isFinite(factor)) throw new AppError('BAD_INPUT', `scale factor ${factor} is not a number`);
  return {
    ...profile,
    valuesKw: profile.valuesKw.map((v) => v * factor),
    perKw: options.perKw ?? profile.perKw,
  };
}

/** Energy of the profile, kWh: Σ kW × step hours (per kW installed for a shape: kWh/kW). */
export function profileEnergyKwh(profile: Profile): number {
  let sumKw = 0;
  for (const v of profile.valuesKw) sumKw += v;
  return (sumKw * profile.stepMinutes) / 60;
}

/** The profile scaled so that its energy is `energyKwh` (a load shape to a known annual consumption). */
export function scaleToEnergy(profile: Profile, energyKwh: number): Profile {
  const current = profileEnergyKwh(profile);
  if (!(current > 0)) throw new AppError('BAD_INPUT', 'the profile has no positive energy to scale');
  return scaleProfile(profile, energyKwh / current);
}

/** A profile as park-local days × steps of the day. */
export interface DailyMatrix {
  /** Park-local dates YYYY-MM-DD, one per row. */
  dates: string[];
  stepsPerDay: number;
  /** valuesKw[day][step], kW. */
  valuesKw: number[][];
}

/**
 * The profile as park-local days × steps (for picking representative days). It must start at local midnight and
 * cover whole days of 24 hours: a day with a daylight-saving change has no place in the matrix and is an error.
 */
export function dailyMatrix(profile: Profile, timeZone: string): DailyMatrix {
  const stepMs = profile.stepMinutes * MINUTE_MS;
  const stepsPerDay = DAY_MS / stepMs;
  const localStart = formatLocal(profile.startMs, timeZone);
  if (localStart.slice(11, 19) !== '00:00:00') {
    throw new AppError('BAD_INPUT', `the profile starts at ${localStart}, not at park-local midnight`);
  }
  if (profile.valuesKw.length % stepsPerDay !== 0) {
    throw new AppError(
      'BAD_INPUT',
      `the profile has ${profile.valuesKw.length} steps: not whole days of ${stepsPerDay} steps`,
    );
  }
  const days = profile.valuesKw.length / stepsPerDay;
  const dates: string[] = [];
  const valuesKw: number[][] = [];
  // Every day boundary, the end included, must fall on a local midnight.
  for (let d = 0; d <= days; d++) {
    const local = formatLocal(profile.startMs + d * DAY_MS, timeZone);
    if (local.slice(11, 19) !== '00:00:00') {
      throw new AppError(
        'BAD_INPUT',
        `the park-local day before ${local} is not 24 hours long (a daylight-saving change): no days × steps matrix`,
      );
    }
    if (d === days) break;
    dates.push(local.slice(0, 10));
    valuesKw.push(profile.valuesKw.slice(d * stepsPerDay, (d + 1) * stepsPerDay));
  }
  return { dates, stepsPerDay, valuesKw };
}

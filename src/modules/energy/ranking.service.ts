/** Organisations ranked by energy use in tce, with the previous period (环比) and the same period a year earlier (同比). */
import type pg from 'pg';
import type { PeriodView, RankingResponse, RankingRow } from '../../server/api-types.ts';
import { AppError } from '../../lib/errors.ts';
import { formatLocal, localBucketStart, parseDateOrInstant } from '../../lib/time.ts';
import { convertAmount } from '../../lib/units.ts';
import { parkSnapshot, type MeterRow } from '../registry/index.ts';
import {
  energyByCarrierOver,
  expectedSlots,
  parsePeriod,
  type CarrierEnergy,
  type Period,
} from '../telemetry/index.ts';
import { DISPLAY_METHOD, tceOf } from './tce.ts';

/** Why `intensity` is null until the accounting issue brings output data. */
export const INTENSITY_NOTE = 'needs output data (accounting issue)';

/** The park-local date (YYYY-MM-DD) of a park-local midnight, or the local date-time with offset of any other instant. */
function localText(atMs: number, timeZone: string): string {
  const text = formatLocal(atMs, timeZone);
  return localBucketStart(atMs, 'day', timeZone) === atMs ? text.slice(0, 10) : text;
}

/** The same local wall-clock time one year earlier (29 February becomes 28 February). */
function yearEarlier(atMs: number, timeZone: string): number {
  const local = formatLocal(atMs, timeZone).slice(0, 19); // YYYY-MM-DDTHH:mm:ss, no offset
  let shifted = `${String(Number(local.slice(0, 4)) - 1).padStart(4, '0')}${local.slice(4)}`;
  if (shifted.slice(5, 10) === '02-29') shifted = `${shifted.slice(0, 8)}28${shifted.slice(10)}`;
  const parsed = parseDateOrInstant(shifted, timeZone);
  // A wall-clock time the zone skipped a year earlier: keep the same length of a year in milliseconds.
  return parsed.ok ? parsed.atMs : atMs - 365 * 86_400_000;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Whether `label` is a calendar period that parsePeriod turns into exactly this period. */
function isCalendar(period: Period, timeZone: string): boolean {
  try {
    const p = parsePeriod(period.label, timeZone);
    return p.fromMs === period.fromMs && p.toMs === period.toMs;
  } catch {
    return false;
  }
}

/**
 * The periods a period is compared with: the previous one (a day, month, quarter or year before, or for a custom range
 * the same length just before) and the same period a year earlier.
 * @example comparisonPeriods(parsePeriod('2025-01', tz), tz) // previous 2024-12, lastYear 2024-01
 */
export function comparisonPeriods(period: Period, timeZone: string): { previous: Period; lastYear: Period } {
  const label = period.label;
  if (isCalendar(period, timeZone)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})$/.exec(label))) {
      const previous = parsePeriod(String(Number(m[1]) - 1), timeZone);
      return { previous, lastYear: previous };
    }
    if ((m = /^(\d{4})-Q([1-4])$/.exec(label))) {
      const year = Number(m[1]);
      const quarter = Number(m[2]);
      return {
        previous: parsePeriod(quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`, timeZone),
        lastYear: parsePeriod(`${year - 1}-Q${quarter}`, timeZone),
      };
    }
    if ((m = /^(\d{4})-(\d{2})$/.exec(label))) {
      const year = Number(m[1]);
      const month = Number(m[2]);
      return {
        previous: parsePeriod(month === 1 ? `${year - 1}-12` : `${year}-${pad2(month - 1)}`, timeZone),
        lastYear: parsePeriod(`${year - 1}-${pad2(month)}`, timeZone),
      };
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(label)) {
      const dayBefore = localBucketStart(period.fromMs - 1, 'day', timeZone);
      return {
        previous: parsePeriod(localText(dayBefore, timeZone), timeZone),
        lastYear: parsePeriod(localText(yearEarlier(period.fromMs, timeZone), timeZone), timeZone),
      };
    }
  }
  const lengthMs = period.toMs - period.fromMs;
  const range = (fromMs: number, toMs: number): Period => ({
    fromMs,
    toMs,
    label: `${localText(fromMs, timeZone)}..${localText(toMs, timeZone)}`,
  });
  return {
    previous: range(period.fromMs - lengthMs, period.fromMs),
    lastYear: range(yearEarlier(period.fromMs, timeZone), yearEarlier(period.toMs, timeZone)),
  };
}

interface OrganisationFigures {
  tce: number;
  electricityKwh: number;
  coverage: number;
  /** False when none of the organisation's boundary meters measured or estimated anything in the period. */
  hasData: boolean;
}

/** Per organisation figures of one period, from energyByCarrier's rows and the boundary meters' expected slots. */
function figuresByOrganisation(
  rows: readonly CarrierEnergy[],
  boundary: readonly MeterRow[],
  period: Period,
  nowMs: number,
): Map<string, OrganisationFigures> {
  const expectedByGroup = new Map<string, number>();
  for (const m of boundary) {
    const key = `${m.spec.organisation}\u0000${m.spec.carrier}\u0000${m.quantityUnit}`;
    expectedByGroup.set(
      key,
      (expectedByGroup.get(key) ?? 0) + expectedSlots(m, period.fromMs, period.toMs, nowMs),
    );
  }
  const acc = new Map<
    string,
    { tce: number; kwh: number; measured: number; expected: number; estimated: number }
  >();
  for (const g of rows) {
    if (g.organisation === null) continue;
    let a = acc.get(g.organisation);
    if (!a) acc.set(g.organisation, (a = { tce: 0, kwh: 0, measured: 0, expected: 0, estimated: 0 }));
    a.tce += tceOf(g.carrier, g.unit, g.net) ?? 0;
    if (g.carrier === 'electricity') a.kwh += convertAmount(g.net, g.unit, 'kWh') ?? 0;
    const expected = expectedByGroup.get(`${g.organisation}\u0000${g.carrier}\u0000${g.unit}`) ?? 0;
    // coverage = measured ÷ expected slots, so measured slots = coverage × expected.
    a.measured += g.coverage * expected;
    a.expected += expected;
    a.estimated += g.estimated;
  }
  return new Map(
    [...acc].map(([org, a]) => [
      org,
      {
        tce: a.tce,
        electricityKwh: a.kwh,
        coverage: a.expected > 0 ? Math.min(1, a.measured / a.expected) : 0,
        hasData: a.measured > 0 || a.estimated > 0,
      },
    ]),
  );
}

const change = (current: number, before: number | null) =>
  before !== null && before > 0 ? (current - before) / before : null;

const periodView = (p: Period): PeriodView => ({ label: p.label, fromMs: p.fromMs, toMs: p.toMs });

/**
 * Organisations ranked by tce (Σ over carriers with a coefficient of their net), with electricity in kWh, coverage,
 * the previous period and the same period a year earlier; `organisations` limits the rows (an enterprise user's view).
 * The park-wide energyByCarrier of the three periods, in one query; no query per organisation.
 */
export async function organisationRanking(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  options: { organisations?: readonly string[]; nowMs?: number; definitionVersion?: number } = {},
): Promise<RankingResponse> {
  const nowMs = options.nowMs ?? Date.now();
  const { park, organisations, meters, definitionVersion } = await parkSnapshot(
    pool,
    parkId,
    options.definitionVersion,
  );
  const { previous, lastYear } = comparisonPeriods(period, park.timezone);
  const [current, before, yearBefore] = await energyByCarrierOver(
    pool,
    parkId,
    [period, previous, lastYear],
    nowMs,
    definitionVersion,
  );
  let listed = organisations;
  if (options.organisations) {
    const wanted = new Set(options.organisations);
    listed = organisations.filter((o) => wanted.has(o.id));
    const missing = [...wanted].filter((id) => !listed.some((o) => o.id === id));
    if (missing.length > 0) {
      throw new AppError(
        'NOT_FOUND',
        `no organisation ${missing.map((id) => `"${id}"`).join(', ')} in park "${parkId}"`,
      );
    }
  }
  const boundary = meters.filter((m) => !m.spec.parent);
  const now = figuresByOrganisation(current!.organisations, boundary, period, nowMs);
  const prev = figuresByOrganisation(before!.organisations, boundary, previous, nowMs);
  const last = figuresByOrganisation(yearBefore!.organisations, boundary, lastYear, nowMs);
  const rows: RankingRow[] = listed.map((o) => {
    const f = now.get(o.id);
    const p = prev.get(o.id);
    const l = last.get(o.id);
    const tce = f?.tce ?? 0;
    const previousTce = p?.hasData ? p.tce : null;
    const lastYearTce = l?.hasData ? l.tce : null;
    return {
      organisation: o.id,
      name: o.name,
      tce,
      electricityKwh: f?.electricityKwh ?? 0,
      coverage: f?.coverage ?? 0,
      previousTce,
      lastYearTce,
      periodChange: change(tce, previousTce),
      yearChange: change(tce, lastYearTce),
      intensity: null,
      intensityUnit: null,
      intensityNote: INTENSITY_NOTE,
    };
  });
  rows.sort((a, b) => b.tce - a.tce || a.organisation.localeCompare(b.organisation));
  return {
    period: periodView(period),
    previousPeriod: periodView(previous),
    lastYearPeriod: periodView(lastYear),
    rows,
    method: DISPLAY_METHOD,
  };
}

/**
 * Periods as the API spells them, in the park's calendar: `2025`, `2025-Q1`, `2025-03`, `2025-03-14` and
 * `FROM..TO` (dates, TO exclusive). The picker shows a custom range with an inclusive end date, so it adds a day
 * when it builds the API string. Pure date arithmetic on YYYY-MM-DD strings: no time zone is involved.
 */
import type { Locale } from './format.ts';

export type PeriodKind = 'day' | 'month' | 'quarter' | 'year' | 'range';

/** A parsed period: its kind and the days it covers, `[fromDay, toDay)`. */
export interface PeriodParts {
  kind: PeriodKind;
  text: string;
  fromDay: string;
  /** Exclusive end day. */
  toDay: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY_MS = 86_400_000;

function dayToUtc(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}
function utcToDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `day` plus `n` days. */
export function addDays(day: string, n: number): string {
  return utcToDay(dayToUtc(day) + n * DAY_MS);
}

/** First day of the month `n` months after the month of `day`. */
function addMonths(day: string, n: number): string {
  const d = new Date(dayToUtc(day));
  return utcToDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

/** Days from `fromDay` to `toDay` (exclusive). */
export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((dayToUtc(toDay) - dayToUtc(fromDay)) / DAY_MS);
}

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && utcToDay(dayToUtc(s)) === s;

/** Parses an API period string, or undefined when it is not one. */
export function parsePeriod(text: string): PeriodParts | undefined {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if (/^\d{4}$/.test(t))
    return { kind: 'year', text: t, fromDay: `${t}-01-01`, toDay: `${Number(t) + 1}-01-01` };
  if ((m = /^(\d{4})-Q([1-4])$/.exec(t))) {
    const from = `${m[1]}-${pad((Number(m[2]) - 1) * 3 + 1)}-01`;
    return { kind: 'quarter', text: t, fromDay: from, toDay: addMonths(from, 3) };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(t)) && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    return { kind: 'month', text: t, fromDay: `${t}-01`, toDay: addMonths(`${t}-01`, 1) };
  }
  if (isDay(t)) return { kind: 'day', text: t, fromDay: t, toDay: addDays(t, 1) };
  const parts = t.split('..');
  if (
    parts.length === 2 &&
    isDay(parts[0] ?? '') &&
    isDay(parts[1] ?? '') &&
    (parts[0] ?? '') < (parts[1] ?? '')
  ) {
    return { kind: 'range', text: t, fromDay: parts[0] ?? '', toDay: parts[1] ?? '' };
  }
  return undefined;
}

/** The API string for a period of `kind` that contains `day`. */
export function periodOf(kind: Exclude<PeriodKind, 'range'>, day: string): string {
  switch (kind) {
    case 'day':
      return day;
    case 'month':
      return day.slice(0, 7);
    case 'quarter':
      return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return day.slice(0, 4);
  }
}

/** A custom range from `fromDay` to `lastDay`, both inclusive. */
export function rangePeriod(fromDay: string, lastDay: string): string {
  if (fromDay === lastDay) return fromDay;
  return `${fromDay}..${addDays(lastDay, 1)}`;
}

/** The default period: the month of the last data day ("this month" of the demo), else the current month. */
export function defaultPeriod(latestDay: string | null): string {
  return periodOf('month', latestDay ?? utcToDay(Date.now()));
}

/** The period before (−1) or after (+1): same kind, a range moves by its own length. */
export function shiftPeriod(text: string, direction: -1 | 1): string {
  const p = parsePeriod(text);
  if (!p) return text;
  switch (p.kind) {
    case 'day':
      return addDays(p.fromDay, direction);
    case 'month':
      return periodOf('month', addMonths(p.fromDay, direction));
    case 'quarter':
      return periodOf('quarter', addMonths(p.fromDay, 3 * direction));
    case 'year':
      return String(Number(p.text) + direction);
    case 'range': {
      const n = daysBetween(p.fromDay, p.toDay) * direction;
      return `${addDays(p.fromDay, n)}..${addDays(p.toDay, n)}`;
    }
  }
}

/** Switches to another kind, keeping the day in view: the last data day when it lies inside, else the first day. */
export function switchKind(
  text: string,
  kind: Exclude<PeriodKind, 'range'>,
  latestDay: string | null,
): string {
  const p = parsePeriod(text);
  if (!p) return defaultPeriod(latestDay);
  const anchor = latestDay && latestDay >= p.fromDay && latestDay < p.toDay ? latestDay : p.fromDay;
  return periodOf(kind, anchor);
}

/** The inclusive last day of a period. */
export function lastDayOf(p: PeriodParts): string {
  return addDays(p.toDay, -1);
}

export type TrendResolution = 'hour' | 'day' | 'month';

/** A sensible chart resolution: a day by hour, up to two months by day, longer by month. */
export function trendResolution(text: string): TrendResolution {
  const p = parsePeriod(text);
  if (!p) return 'day';
  const days = daysBetween(p.fromDay, p.toDay);
  if (days <= 2) return 'hour';
  if (days <= 62) return 'day';
  return 'month';
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A day for people: "2025年3月14日" / "14 Mar 2025". */
export function formatDay(day: string, locale: Locale): string {
  const [y, m, d] = day.split('-').map(Number);
  return locale === 'zh-CN' ? `${y}年${m}月${d}日` : `${d} ${MONTHS_EN[(m ?? 1) - 1]} ${y}`;
}

/** A period for people: "2025年3月", "Q1 2025", "2025年3月1日 – 2025年3月14日" (inclusive end). */
export function formatPeriod(text: string, locale: Locale): string {
  const p = parsePeriod(text);
  if (!p) return text;
  const zh = locale === 'zh-CN';
  const y = p.fromDay.slice(0, 4);
  const m = Number(p.fromDay.slice(5, 7));
  switch (p.kind) {
    case 'year':
      return zh ? `${y}年` : y;
    case 'quarter':
      return zh ? `${y}年第${p.text.slice(-1)}季度` : `Q${p.text.slice(-1)} ${y}`;
    case 'month':
      return zh ? `${y}年${m}月` : `${MONTHS_EN[m - 1]} ${y}`;
    case 'day':
      return formatDay(p.fromDay, locale);
    case 'range':
      return `${formatDay(p.fromDay, locale)} – ${formatDay(lastDayOf(p), locale)}`;
  }
}

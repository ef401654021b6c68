/**
 * Pure helpers of the green-electricity page: serial spans typed by people, certificate validity, the monthly means
 * of a grid green share data set, and the event summaries of the ledger. No DOM, no React.
 */
import type { LedgerEventBody, SerialSpan } from '../../api/green.ts';
import { localDay } from '../../format.ts';

/** The spans typed in a form, or the first item that is not `SERIES:FIRST-LAST` (or `SERIES:N`). */
export type ParsedSpans = { ok: true; spans: SerialSpan[] } | { ok: false; item: string };

/**
 * Reads spans separated by new lines, commas or semicolons: `GEC-YN-HYD-202501:1-12000`. The series is everything
 * before the last colon (series names may hold colons of their own); serials are whole numbers, first ≤ last.
 * @example parseSpans('GEC-A:1-100\nGEC-B:7') → ok, [{GEC-A 1..100}, {GEC-B 7..7}]
 */
export function parseSpans(text: string): ParsedSpans {
  const spans: SerialSpan[] = [];
  for (const raw of text.split(/[\n,;，；]/)) {
    const item = raw.trim();
    if (!item) continue;
    const colon = item.lastIndexOf(':');
    const series = item.slice(0, colon).trim();
    const m = /^\s*(\d+)\s*(?:[-–~]\s*(\d+))?\s*$/.exec(item.slice(colon + 1));
    if (colon <= 0 || !series || !m) return { ok: false, item };
    const firstSerial = Number(m[1]);
    const lastSerial = m[2] === undefined ? firstSerial : Number(m[2]);
    if (!Number.isSafeInteger(firstSerial) || !Number.isSafeInteger(lastSerial) || lastSerial < firstSerial)
      return { ok: false, item };
    spans.push({ series, firstSerial, lastSerial });
  }
  return { ok: true, spans };
}

/** Spans for people: `GEC-A #1–100, GEC-B #7`. */
export function spansLabel(spans: readonly SerialSpan[]): string {
  return spans
    .map((s) =>
      s.firstSerial === s.lastSerial
        ? `${s.series} #${s.firstSerial}`
        : `${s.series} #${s.firstSerial}–${s.lastSerial}`,
    )
    .join(', ');
}

/** Certificates in a span (1 certificate = 1 MWh). */
export const spanMwh = (spans: readonly SerialSpan[]) =>
  spans.reduce((sum, s) => sum + s.lastSerial - s.firstSerial + 1, 0);

/** The month before `YYYY-MM`: the last month in which a certificate whose validity ends at `expiresIn` is valid. */
export function monthBefore(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The spans an event touched (an import: its ranges). */
export function eventSpans(body: LedgerEventBody): SerialSpan[] {
  if (body.kind === 'import')
    return body.ranges.map((r) => ({
      series: r.series,
      firstSerial: r.firstSerial,
      lastSerial: r.lastSerial,
    }));
  return body.spans;
}

/** The park-local month of a grid share value: `at` is a month already, or an hour's UTC start. */
export function shareMonth(at: string, timeZone: string): string {
  return /^\d{4}-\d{2}$/.test(at) ? at : localDay(Date.parse(at), timeZone).slice(0, 7);
}

/** One mean per park-local month of a data set's values (hourly sets: the plain mean of the month's hours). */
export function monthlyMeans(
  values: readonly { at: string; share: number }[],
  timeZone: string,
): { month: string; mean: number; count: number }[] {
  const sums = new Map<string, { sum: number; count: number }>();
  for (const v of values) {
    const month = shareMonth(v.at, timeZone);
    const s = sums.get(month) ?? { sum: 0, count: 0 };
    s.sum += v.share;
    s.count += 1;
    sums.set(month, s);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, s]) => ({ month, mean: s.sum / s.count, count: s.count }));
}

/** Technologies of a set of mixes in a stable order: by total share, largest first. */
export function technologyOrder(mixes: readonly Readonly<Record<string, number>>[]): string[] {
  const totals = new Map<string, number>();
  for (const mix of mixes)
    for (const [tech, share] of Object.entries(mix)) totals.set(tech, (totals.get(tech) ?? 0) + share);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([tech]) => tech);
}

/** Chart colours of generation technologies: greens for the renewables, greys and browns for the rest. */
const TECH_COLOURS: Readonly<Record<string, string>> = {
  hydro: '#3aa6c4',
  wind: '#6aa88a',
  pv: '#e2b534',
  solar_thermal: '#e69a3a',
  biomass: '#8aa35a',
  geothermal: '#c77f6b',
  ocean: '#4a7fb8',
  other_renewable: '#9cc9a8',
  nuclear: '#8c7bb8',
  gas: '#d0a06e',
  coal: '#59605c',
  oil: '#7d5a43',
  pumped_storage: '#7e8fd6',
  storage: '#93a4ad',
  other: '#b9c2bd',
};

export function technologyColour(tech: string): string {
  return TECH_COLOURS[tech] ?? '#b9c2bd';
}

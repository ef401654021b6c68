/**
 * Every number, unit and date the web app shows goes through this module, so one rule holds everywhere (and the
 * browser tests can format an API figure exactly as the page does). Pure: no DOM, no React.
 *
 * Rules:
 * - thousands separators (zh-CN grouping, the same as en), about four significant digits: ≥ 1,000 → no decimals,
 *   ≥ 10 → 1, ≥ 1 → 2, below 1 → 3; whole numbers have no decimals (500 kW, 0 kWh);
 * - missing (null, NaN) is "—", never 0;
 * - electric energy is scaled kWh → MWh → GWh once the figure has five integer digits (10,000 kWh → 10.0 MWh), the
 *   same in both languages; other units are shown as metered (m3 → m³);
 * - tonnes of standard coal equivalent are "tce"; shares are "98.7%"; changes are signed ("+3.2%", "−1.5%");
 * - dates and times are in the park's time zone (Intl), never the browser's.
 */

export type Locale = 'zh-CN' | 'en';

/** Grouping locale for numbers: identical in zh-CN and en (1,234,567.8). */
const NUMBER_LOCALE = 'zh-CN';
const MISSING = '—';
const MINUS = '−';

const numberFormats = new Map<number, Intl.NumberFormat>();
function numberFormat(fraction: number): Intl.NumberFormat {
  let f = numberFormats.get(fraction);
  if (!f) {
    f = new Intl.NumberFormat(NUMBER_LOCALE, {
      minimumFractionDigits: fraction,
      maximumFractionDigits: fraction,
      useGrouping: true,
    });
    numberFormats.set(fraction, f);
  }
  return f;
}

const isNumber = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Fraction digits for about four significant digits. */
export function fractionDigits(value: number): number {
  const a = Math.abs(value);
  if (Number.isInteger(value) || a >= 1000) return 0;
  if (a >= 10) return 1;
  if (a >= 1) return 2;
  return 3;
}

/** A number with thousands separators; `fraction` fixes the decimals, otherwise about four significant digits. */
export function formatNumber(value: number | null | undefined, fraction?: number): string {
  if (!isNumber(value)) return MISSING;
  const digits = fraction ?? fractionDigits(value);
  const text = numberFormat(digits).format(Math.abs(value));
  // A value that rounds to zero is shown without a sign ("0.000", not "−0.000").
  return value < 0 && Number(Math.abs(value).toFixed(digits)) !== 0 ? `${MINUS}${text}` : text;
}

/** A whole number with thousands separators (counts: meters, records, rows). */
export function formatCount(value: number | null | undefined): string {
  return formatNumber(value, 0);
}

const UNIT_DISPLAY: Readonly<Record<string, string>> = {
  m3: 'm³',
  Nm3: 'Nm³',
  '10^4m3': '万m³',
  'm3/h': 'm³/h',
  'Nm3/h': 'Nm³/h',
  kWh_th: 'kWh(热)',
  MWh_th: 'MWh(热)',
  kW_th: 'kW(热)',
  MW_th: 'MW(热)',
};

/** How a unit symbol is printed (m3 → m³, tCO2 → tCO₂, 10^4 CNY → 万元). */
export function displayUnit(unit: string): string {
  return UNIT_DISPLAY[unit] ?? unit.replace(/CO2/g, 'CO₂').replace('10^4 CNY', '万元');
}

const ELECTRIC_LADDER = ['Wh', 'kWh', 'MWh', 'GWh', 'TWh'] as const;

/**
 * A quantity in the unit it is shown in: electric energy climbs kWh → MWh → GWh while the value has five or more
 * integer digits; every other unit is left as it is.
 */
export function scaleQuantity(value: number, unit: string): { value: number; unit: string } {
  let i = (ELECTRIC_LADDER as readonly string[]).indexOf(unit);
  if (i < 0) return { value, unit };
  let v = value;
  while (Math.abs(v) >= 10_000 && i < ELECTRIC_LADDER.length - 1) {
    v /= 1000;
    i += 1;
  }
  return { value: v, unit: ELECTRIC_LADDER[i] ?? unit };
}

/** The unit a set of values would be shown in (the largest value decides), for chart axes and table columns. */
export function commonScale(
  values: readonly (number | null)[],
  unit: string,
): { factor: number; unit: string } {
  let max = 0;
  for (const v of values) if (isNumber(v)) max = Math.max(max, Math.abs(v));
  const scaled = scaleQuantity(max, unit);
  return { factor: max === 0 ? 1 : scaled.value / max, unit: scaled.unit };
}

/** "12.35 MWh", "3,456 m³"; missing → "—". */
export function formatQuantity(value: number | null | undefined, unit: string): string {
  if (!isNumber(value)) return MISSING;
  const s = scaleQuantity(value, unit);
  return `${formatNumber(s.value)} ${displayUnit(s.unit)}`;
}

/** Tonnes of standard coal equivalent: "1,234 tce". */
export function formatTce(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  return `${formatNumber(value)} tce`;
}

/** Tonnes of CO₂: "1,234 tCO₂" (signed when negative: deductions and credits). */
export function formatTco2(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  return `${formatNumber(value)} tCO₂`;
}

/** The core indicator, CO₂ per tonne of standard coal: "2.345 tCO₂/tce". */
export function formatTco2PerTce(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  return `${formatNumber(value)} tCO₂/tce`;
}

/**
 * A conversion factor "tce/<unit>" with four significant digits and the unit printed (m3 → m³). Factors below 0.01
 * tce per unit read as kgce, as GB/T 2589 tabulates them: 0.0001229 tce/kWh → "0.1229 kgce/kWh".
 */
export function formatFactor(value: number | null | undefined, unit: string): string {
  if (!isNumber(value)) return MISSING;
  // Dimensionless factors (oxidation rates, shares) carry the unit "1": the number alone.
  if (unit === '1') return formatNumber(value, significantFraction(value));
  const [numerator = '', ...rest] = unit.split('/');
  const per = rest.length > 0 ? `/${displayUnit(rest.join('/'))}` : '';
  const kg = numerator === 'tce' && value !== 0 && Math.abs(value) < 0.01;
  const v = kg ? value * 1000 : value;
  return `${formatNumber(v, significantFraction(v))} ${kg ? 'kgce' : displayUnit(numerator)}${per}`;
}

/** Fraction digits that keep four significant digits however small the value is (0.1229, 0.0001229). */
function significantFraction(v: number): number {
  if (v === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  return Math.max(0, Math.min(8, 3 - magnitude));
}

/** A share 0..1 as "98.7%". */
export function formatPercent(share: number | null | undefined, fraction = 1): string {
  if (!isNumber(share)) return MISSING;
  return `${formatNumber(share * 100, fraction)}%`;
}

export type ChangeDirection = 'up' | 'down' | 'flat';

/** A relative change (−0.015 → "−1.5%") and its direction; changes below 0.05 % count as flat. */
export function formatChange(change: number | null | undefined): {
  text: string;
  direction: ChangeDirection | null;
} {
  if (!isNumber(change)) return { text: MISSING, direction: null };
  const pct = change * 100;
  if (Math.abs(pct) < 0.05) return { text: '0.0%', direction: 'flat' };
  const text = `${pct > 0 ? '+' : MINUS}${formatNumber(Math.abs(pct), Math.abs(pct) >= 1000 ? 0 : 1)}%`;
  return { text, direction: pct > 0 ? 'up' : 'down' };
}

export type DateStyle =
  'year' | 'month' | 'monthShort' | 'day' | 'shortDay' | 'hour' | 'minute' | 'dateTime' | 'time';

const DATE_OPTIONS: Readonly<Record<DateStyle, Intl.DateTimeFormatOptions>> = {
  year: { year: 'numeric' },
  month: { year: 'numeric', month: 'short' },
  monthShort: { month: 'short' },
  day: { year: 'numeric', month: 'short', day: 'numeric' },
  shortDay: { month: 'numeric', day: 'numeric' },
  hour: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  minute: { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  dateTime: {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  },
};

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant in the park's time zone: "2025年3月14日", "14 Mar 2025", "2025/03/14 08:15" … */
export function formatDate(
  ms: number | null | undefined,
  timeZone: string,
  locale: Locale,
  style: DateStyle,
): string {
  if (!isNumber(ms)) return MISSING;
  const key = `${locale}|${timeZone}|${style}`;
  let f = dateFormats.get(key);
  if (!f) {
    const opts = { ...DATE_OPTIONS[style], timeZone };
    if (locale === 'zh-CN' && style === 'month') opts.month = 'long';
    f = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', opts);
    dateFormats.set(key, f);
  }
  return f.format(ms);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The park-local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(ms: number, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(ms);
}

/**
 * Money in yuan: "¥12,345", "¥0.412", "−¥1,200" (the same in both languages, like the energy units). `fraction`
 * fixes the decimals (prices per kWh), otherwise about four significant digits.
 */
export function formatCny(value: number | null | undefined, fraction?: number): string {
  if (!isNumber(value)) return MISSING;
  const text = formatNumber(Math.abs(value), fraction);
  const digits = fraction ?? fractionDigits(value);
  return value < 0 && Number(Math.abs(value).toFixed(digits)) !== 0 ? `${MINUS}¥${text}` : `¥${text}`;
}

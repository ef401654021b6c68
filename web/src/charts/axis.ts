/** Labels of time buckets on chart axes and in tooltips, in the park's zone. */
import { formatDate, type Locale } from '../format.ts';

export type BucketResolution = '15m' | 'hour' | 'day' | 'month';

/** Short axis label: "08:00", "3/14", "3月"; multi-day hourly data gets the day too. */
export function axisLabel(
  ms: number,
  resolution: BucketResolution,
  timeZone: string,
  locale: Locale,
  multiDay: boolean,
): string {
  switch (resolution) {
    case '15m':
    case 'hour':
      return multiDay ? formatDate(ms, timeZone, locale, 'minute') : formatDate(ms, timeZone, locale, 'time');
    case 'day':
      return formatDate(ms, timeZone, locale, 'shortDay');
    case 'month':
      return formatDate(ms, timeZone, locale, 'monthShort');
  }
}

/** Tooltip title of a bucket: the full date (and time for sub-daily buckets). */
export function bucketTitle(
  ms: number,
  resolution: BucketResolution,
  timeZone: string,
  locale: Locale,
): string {
  switch (resolution) {
    case '15m':
    case 'hour':
      return formatDate(ms, timeZone, locale, 'dateTime');
    case 'day':
      return formatDate(ms, timeZone, locale, 'day');
    case 'month':
      return formatDate(ms, timeZone, locale, 'month');
  }
}

/** Escapes text for ECharts' HTML tooltips. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The account is kept in whole months: the app's period (which may be a day or a range of days) becomes the months
 * that contain it, spelt as the account API reads it ('2025', '2025-Q2', '2025-03', '2025-01..2025-06'). Pure.
 */
import type { Locale } from '../../format.ts';
import { formatPeriod, lastDayOf, parsePeriod } from '../../period.ts';

/** The account period of an app period: years, quarters and months as they are; days and ranges → their months. */
export function accountPeriod(period: string): string {
  const p = parsePeriod(period);
  if (!p) return period;
  switch (p.kind) {
    case 'year':
    case 'quarter':
    case 'month':
      return p.text;
    case 'day':
      return p.fromDay.slice(0, 7);
    case 'range': {
      const from = p.fromDay.slice(0, 7);
      const to = lastDayOf(p).slice(0, 7);
      return from === to ? from : `${from}..${to}`;
    }
  }
}

/** The kinds of account period a page offers over the app's period. */
export const ACCOUNT_PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
export type AccountPeriodKind = (typeof ACCOUNT_PERIOD_KINDS)[number];

/** The kind of an account period: '2025' a year, '2025-Q2' a quarter, a month or a range of months 'month'. */
export function accountPeriodKind(period: string): AccountPeriodKind {
  return /^\d{4}$/.test(period) ? 'year' : /Q\d$/.test(period) ? 'quarter' : 'month';
}

/** An account period for people: "2025年第2季度", "2025年1月 – 2025年6月". */
export function formatAccountPeriod(period: string, locale: Locale): string {
  const [from, to] = period.split('..');
  if (from && to) return `${formatPeriod(from, locale)} – ${formatPeriod(to, locale)}`;
  return formatPeriod(period, locale);
}

/** A month's short axis label: "3月" / "Mar". */
export function monthLabel(month: string, locale: Locale): string {
  const m = Number(month.slice(5, 7));
  if (locale === 'zh-CN') return `${m}月`;
  return ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1] ?? month;
}

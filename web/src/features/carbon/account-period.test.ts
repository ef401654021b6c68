import { describe, expect, test } from 'vitest';
import { accountPeriod, accountPeriodKind, formatAccountPeriod, monthLabel } from './account-period.ts';

describe('accountPeriod', () => {
  test('years, quarters and months stay as they are', () => {
    expect(accountPeriod('2025')).toBe('2025');
    expect(accountPeriod('2025-Q2')).toBe('2025-Q2');
    expect(accountPeriod('2025-03')).toBe('2025-03');
  });
  test('a day becomes its month; a range the months it touches', () => {
    expect(accountPeriod('2025-03-14')).toBe('2025-03');
    expect(accountPeriod('2025-01-10..2025-01-20')).toBe('2025-01');
    // The range's end is exclusive: 2025-07-01 means up to 30 June.
    expect(accountPeriod('2025-01-10..2025-07-01')).toBe('2025-01..2025-06');
  });
  test('its kind: a year, a quarter, else months', () => {
    expect(accountPeriodKind('2025')).toBe('year');
    expect(accountPeriodKind('2025-Q2')).toBe('quarter');
    expect(accountPeriodKind('2025-03')).toBe('month');
    expect(accountPeriodKind('2025-01..2025-06')).toBe('month');
  });
  test('shown for people', () => {
    expect(formatAccountPeriod('2025-01..2025-06', 'zh-CN')).toBe('2025年1月 – 2025年6月');
    expect(formatAccountPeriod('2025-Q2', 'en')).toBe('Q2 2025');
    expect(monthLabel('2025-03', 'zh-CN')).toBe('3月');
    expect(monthLabel('2025-03', 'en')).toBe('Mar');
  });
});

import { describe, expect, test } from 'vitest';
import {
  defaultPeriod,
  formatPeriod,
  parsePeriod,
  rangePeriod,
  shiftPeriod,
  switchKind,
  trendResolution,
} from './period.ts';

describe('periods as the API spells them', () => {
  test('parse', () => {
    expect(parsePeriod('2025')).toMatchObject({ kind: 'year', fromDay: '2025-01-01', toDay: '2026-01-01' });
    expect(parsePeriod('2025-Q4')).toMatchObject({
      kind: 'quarter',
      fromDay: '2025-10-01',
      toDay: '2026-01-01',
    });
    expect(parsePeriod('2025-02')).toMatchObject({ kind: 'month', toDay: '2025-03-01' });
    expect(parsePeriod('2025-12-31')).toMatchObject({ kind: 'day', toDay: '2026-01-01' });
    expect(parsePeriod('2025-03-01..2025-03-16')).toMatchObject({ kind: 'range', toDay: '2025-03-16' });
    expect(parsePeriod('2025-02-30')).toBeUndefined();
    expect(parsePeriod('2025-03-16..2025-03-01')).toBeUndefined();
    expect(parsePeriod('2025-13')).toBeUndefined();
  });

  test('previous and next keep the kind; a range moves by its length', () => {
    expect(shiftPeriod('2025-01-01', -1)).toBe('2024-12-31');
    expect(shiftPeriod('2025-12', 1)).toBe('2026-01');
    expect(shiftPeriod('2025-Q1', -1)).toBe('2024-Q4');
    expect(shiftPeriod('2025', 1)).toBe('2026');
    expect(shiftPeriod('2025-03-01..2025-03-16', 1)).toBe('2025-03-16..2025-03-31');
  });

  test('switching kind keeps the last data day when it is inside', () => {
    expect(switchKind('2025-12', 'day', '2025-12-31')).toBe('2025-12-31');
    expect(switchKind('2025-11', 'day', '2025-12-31')).toBe('2025-11-01');
    expect(switchKind('2025-12-31', 'year', '2025-12-31')).toBe('2025');
    expect(defaultPeriod('2025-12-31')).toBe('2025-12');
  });

  test('a custom range has an inclusive end in the picker and an exclusive one in the API', () => {
    expect(rangePeriod('2025-03-01', '2025-03-15')).toBe('2025-03-01..2025-03-16');
    expect(rangePeriod('2025-03-01', '2025-03-01')).toBe('2025-03-01');
    expect(formatPeriod('2025-03-01..2025-03-16', 'zh-CN')).toBe('2025年3月1日 – 2025年3月15日');
  });

  test('labels and chart resolution', () => {
    expect(formatPeriod('2025-03', 'zh-CN')).toBe('2025年3月');
    expect(formatPeriod('2025-03', 'en')).toBe('Mar 2025');
    expect(formatPeriod('2025-Q2', 'zh-CN')).toBe('2025年第2季度');
    expect(trendResolution('2025-03-14')).toBe('hour');
    expect(trendResolution('2025-03')).toBe('day');
    expect(trendResolution('2025')).toBe('month');
  });
});

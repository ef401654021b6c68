import { describe, expect, test } from 'vitest';
import {
  commonScale,
  formatChange,
  formatDate,
  formatFactor,
  formatNumber,
  formatPercent,
  formatQuantity,
  formatTce,
  localDay,
  scaleQuantity,
} from './format.ts';

describe('numbers', () => {
  test('conversion factors keep four significant digits; small ones read as kgce', () => {
    expect(formatFactor(0.0001229, 'tce/kWh')).toBe('0.1229 kgce/kWh');
    expect(formatFactor(0.00133, 'tce/m3')).toBe('1.330 kgce/m³');
    expect(formatFactor(0.7143, 'tce/t')).toBe('0.7143 tce/t');
    expect(formatFactor(0.03412, 'tce/GJ')).toBe('0.03412 tce/GJ');
    expect(formatFactor(1.429, 'tce/t')).toBe('1.429 tce/t');
    expect(formatFactor(null, 'tce/t')).toBe('—');
  });

  test('about four significant digits, thousands separators, missing is a dash', () => {
    expect(formatNumber(12_345.67)).toBe('12,346');
    expect(formatNumber(123.456)).toBe('123.5');
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(0.012345)).toBe('0.012');
    expect(formatNumber(500)).toBe('500');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-80.33)).toBe('−80.3');
    expect(formatNumber(-0.0001)).toBe('0.000');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  test('electric energy climbs kWh → MWh → GWh from five integer digits; other units stay', () => {
    expect(formatQuantity(9_999, 'kWh')).toBe('9,999 kWh');
    expect(formatQuantity(10_000, 'kWh')).toBe('10 MWh');
    expect(formatQuantity(12_345, 'kWh')).toBe('12.3 MWh');
    expect(formatQuantity(103_817_772.39, 'kWh')).toBe('103.8 GWh');
    expect(formatQuantity(1_360_040, 'm3')).toBe('1,360,040 m³');
    expect(formatQuantity(null, 'kWh')).toBe('—');
    expect(scaleQuantity(-25_000, 'kWh')).toEqual({ value: -25, unit: 'MWh' });
    expect(commonScale([1_000, 50_000, null], 'kWh')).toEqual({ factor: 0.001, unit: 'MWh' });
  });

  test('tce, shares and changes', () => {
    expect(formatTce(15_793.2)).toBe('15,793 tce');
    expect(formatTce(4.74)).toBe('4.74 tce');
    expect(formatPercent(0.452)).toBe('45.2%');
    expect(formatChange(0.034)).toEqual({ text: '+3.4%', direction: 'up' });
    expect(formatChange(-0.005)).toEqual({ text: '−0.5%', direction: 'down' });
    expect(formatChange(0.0001)).toEqual({ text: '0.0%', direction: 'flat' });
    expect(formatChange(null)).toEqual({ text: '—', direction: null });
  });
});

describe('dates in the park zone, whatever the browser zone', () => {
  // 2025-03-14T16:30:00Z is 2025-03-15 00:30 in Shanghai.
  const ms = Date.UTC(2025, 2, 14, 16, 30);
  test('day and time', () => {
    expect(localDay(ms, 'Asia/Shanghai')).toBe('2025-03-15');
    expect(localDay(ms, 'UTC')).toBe('2025-03-14');
    expect(formatDate(ms, 'Asia/Shanghai', 'zh-CN', 'day')).toBe('2025年3月15日');
    expect(formatDate(ms, 'Asia/Shanghai', 'en', 'day')).toBe('15 Mar 2025');
    expect(formatDate(ms, 'Asia/Shanghai', 'zh-CN', 'time')).toBe('00:30');
    expect(formatDate(ms, 'Asia/Shanghai', 'zh-CN', 'month')).toBe('2025年3月');
    expect(formatDate(null, 'Asia/Shanghai', 'zh-CN', 'day')).toBe('—');
  });
});

import { describe, expect, test } from 'vitest';
import { formatGap, formatIndicatorValue, formatThreshold } from './indicator-format.ts';

describe('indicator formatting', () => {
  test('values by unit', () => {
    expect(formatIndicatorValue(0.925, 'share')).toBe('92.5%');
    expect(formatIndicatorValue(2.3456, 'tCO2/tce')).toBe('2.35 tCO₂/tce');
    expect(formatIndicatorValue(0.94, 'ratio to norm')).toBe('0.940');
    expect(formatIndicatorValue(null, 'share')).toBe('—');
  });
  test('thresholds carry their direction', () => {
    expect(formatThreshold(0.9, 'share', 'at_least')).toBe('≥ 90.0%');
    expect(formatThreshold(2.5, 'tCO2/tce', 'at_most')).toBe('≤ 2.50 tCO₂/tce');
    expect(formatThreshold(null, 'share', 'at_least')).toBe('—');
  });
  test('gaps are signed; shares in percentage points', () => {
    expect(formatGap(0.025, 'share', 'zh-CN')).toBe('+2.5 个百分点');
    expect(formatGap(-0.025, 'share', 'en')).toBe('−2.5 pp');
    expect(formatGap(-0.12, 'tCO2/tce', 'en')).toBe('−0.120 tCO₂/tce');
  });
});

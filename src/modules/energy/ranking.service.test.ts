import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../telemetry/index.ts';
import { comparisonPeriods } from './ranking.service.ts';

const TZ = 'Asia/Shanghai';
const at = (text: string) => Date.parse(text);
const labels = (text: string) => {
  const { previous, lastYear } = comparisonPeriods(parsePeriod(text, TZ), TZ);
  return [previous.label, lastYear.label];
};

describe('comparisonPeriods', () => {
  it('compares calendar periods with the one before and the same one a year earlier', () => {
    expect(labels('2025')).toEqual(['2024', '2024']);
    expect(labels('2025-Q1')).toEqual(['2024-Q4', '2024-Q1']);
    expect(labels('2025-Q3')).toEqual(['2025-Q2', '2024-Q3']);
    expect(labels('2025-01')).toEqual(['2024-12', '2024-01']);
    expect(labels('2025-03')).toEqual(['2025-02', '2024-03']);
    expect(labels('2025-03-01')).toEqual(['2025-02-28', '2024-03-01']);
    expect(labels('2025-01-01')).toEqual(['2024-12-31', '2024-01-01']);
    // 29 February has no twin a year earlier: the 28th stands in.
    expect(labels('2024-02-29')).toEqual(['2024-02-28', '2023-02-28']);
  });

  it('gives calendar periods their real lengths', () => {
    const { previous, lastYear } = comparisonPeriods(parsePeriod('2024-03', TZ), TZ);
    // February 2024 has 29 days; March 2023 has 31.
    expect(previous).toEqual({
      label: '2024-02',
      fromMs: at('2024-02-01T00:00:00+08:00'),
      toMs: at('2024-03-01T00:00:00+08:00'),
    });
    expect(lastYear.toMs - lastYear.fromMs).toBe(31 * 86_400_000);
  });

  it('takes the same length just before a custom range, and shifts it a calendar year for the year before', () => {
    // 10 days from 5 March: the 10 days before are 23 February – 5 March (2025 is no leap year).
    const { previous, lastYear } = comparisonPeriods(parsePeriod('2025-03-05..2025-03-15', TZ), TZ);
    expect(previous).toEqual({
      label: '2025-02-23..2025-03-05',
      fromMs: at('2025-02-23T00:00:00+08:00'),
      toMs: at('2025-03-05T00:00:00+08:00'),
    });
    expect(lastYear).toEqual({
      label: '2024-03-05..2024-03-15',
      fromMs: at('2024-03-05T00:00:00+08:00'),
      toMs: at('2024-03-15T00:00:00+08:00'),
    });
    // Instants that are not midnights keep their time of day.
    const hours = comparisonPeriods(parsePeriod('2025-03-05T08:00..2025-03-05T20:00', TZ), TZ);
    expect(hours.previous.label).toBe('2025-03-04T20:00:00+08:00..2025-03-05T08:00:00+08:00');
    expect(hours.lastYear.fromMs).toBe(at('2024-03-05T08:00:00+08:00'));
  });

  it('treats a period whose label does not match its bounds as a custom range', () => {
    const odd = {
      label: '2025-01',
      fromMs: at('2025-01-10T00:00:00+08:00'),
      toMs: at('2025-01-20T00:00:00+08:00'),
    };
    expect(comparisonPeriods(odd, TZ).previous.label).toBe('2024-12-31..2025-01-10');
  });
});

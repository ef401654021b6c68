import { describe, expect, test } from 'vitest';
import { heatMapCells, heatMapOption, NO_LOAD_COLOUR } from './heat-map.ts';

const heatMap = {
  days: ['2025-01-01', '2025-01-02'],
  values: [
    Array.from({ length: 24 }, (_, h) => (h === 3 ? null : h / 23)),
    Array.from({ length: 24 }, (_, h) => (h === 0 ? 1.0000001 : null)),
  ],
};

describe('heat map', () => {
  test('every hour of every day is a cell: values clamped to 0..1, hours without load apart', () => {
    const { values, missing } = heatMapCells(heatMap);
    expect(values.length + missing.length).toBe(48);
    expect(missing).toContainEqual([0, 3, 0]);
    expect(missing.filter(([d]) => d === 1)).toHaveLength(23);
    expect(values).toContainEqual([0, 23, 1]);
    expect(values).toContainEqual([1, 0, 1]);
  });

  test('the visual map colours the values only; hours without load are grey; midnight is on top', () => {
    const option = heatMapOption(heatMap, {
      dayLabel: (d) => d.slice(5),
      tooltip: (day, hour, v) => `${day} ${hour} ${v ?? 'none'}`,
      percent: (s) => `${s * 100}%`,
    });
    const series = option.series as { data: unknown[]; itemStyle?: { color?: string } }[];
    expect(series).toHaveLength(2);
    expect(series[1]?.itemStyle?.color).toBe(NO_LOAD_COLOUR);
    expect(option.visualMap).toMatchObject({ seriesIndex: 0, min: 0, max: 1 });
    expect(option.xAxis).toMatchObject({ data: ['01-01', '01-02'] });
    expect(option.yAxis).toMatchObject({ inverse: true });
    expect((option.yAxis as { data: string[] }).data).toHaveLength(24);
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(tooltip({ seriesIndex: 1, value: [0, 3, 0] })).toBe('2025-01-01 3 none');
    expect(tooltip({ seriesIndex: 0, value: [1, 0, 1] })).toBe('2025-01-02 0 1');
  });
});

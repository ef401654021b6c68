/**
 * The 24 × days heat map of hourly carbon-free coverage (CFE_h ÷ L_h, 0..1) as an ECharts option: x = park-local day,
 * y = hour of day 0–23 (midnight on top), a green visual map over 0..1; hours without load (null) are grey cells of
 * a second series that the visual map leaves alone. Pure: the page registers the heat map chart (HeatMap.tsx).
 */
import type { HeatmapSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { HeatMapJson } from '../../api/green.ts';

export type HeatMapOption = ComposeOption<
  HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

/** [dayIndex, hour, value] */
export type HeatCell = [number, number, number];

/** The cells with a value (clamped to 0..1) and the hours without load. */
export function heatMapCells(heatMap: HeatMapJson): { values: HeatCell[]; missing: HeatCell[] } {
  const values: HeatCell[] = [];
  const missing: HeatCell[] = [];
  heatMap.values.forEach((hours, d) => {
    for (let h = 0; h < 24; h++) {
      const v = hours[h];
      if (v === null || v === undefined || !Number.isFinite(v)) missing.push([d, h, 0]);
      else values.push([d, h, Math.max(0, Math.min(1, v))]);
    }
  });
  return { values, missing };
}

export const HEAT_COLOURS = ['#f4faf6', '#bfe3cf', '#6cc295', '#1f8a5b', '#0f3d28'];
export const NO_LOAD_COLOUR = '#dde3df';
const AXIS = '#8a9a92';

/** Texts the option needs, in the page's language. */
export interface HeatMapTexts {
  dayLabel: (day: string) => string;
  /** Tooltip HTML of a cell (value null: no load in that hour). */
  tooltip: (day: string, hour: number, value: number | null) => string;
  percent: (share: number) => string;
}

export function heatMapOption(heatMap: HeatMapJson, texts: HeatMapTexts): HeatMapOption {
  const { values, missing } = heatMapCells(heatMap);
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
    tooltip: {
      formatter: (raw: unknown) => {
        const p = raw as { seriesIndex: number; value: HeatCell };
        const [d, h, v] = p.value;
        return texts.tooltip(heatMap.days[d] ?? '', h, p.seriesIndex === 0 ? v : null);
      },
    },
    xAxis: {
      type: 'category',
      data: heatMap.days.map(texts.dayLabel),
      splitArea: { show: false },
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: AXIS, hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      data: hours,
      inverse: true,
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: AXIS, interval: 2 },
    },
    visualMap: {
      type: 'continuous',
      seriesIndex: 0,
      min: 0,
      max: 1,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 180,
      itemWidth: 12,
      calculable: false,
      inRange: { color: HEAT_COLOURS },
      text: [texts.percent(1), texts.percent(0)],
      textStyle: { color: AXIS },
    },
    series: [
      {
        type: 'heatmap',
        data: values,
        itemStyle: { borderColor: '#fff', borderWidth: 0.5 },
        emphasis: { itemStyle: { borderColor: '#17603a', borderWidth: 1 } },
        progressive: 0,
      },
      {
        type: 'heatmap',
        data: missing,
        itemStyle: { color: NO_LOAD_COLOUR, borderColor: '#fff', borderWidth: 0.5 },
        progressive: 0,
      },
    ],
  };
}

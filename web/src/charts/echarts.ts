/**
 * ECharts, modular: only the charts and components the app uses, drawn on canvas (keeps the bundle small). The Sankey
 * registers itself in `sankey.ts`, so only the energy-flow page loads it.
 */
import {
  BarChart,
  LineChart,
  type BarSeriesOption,
  type LineSeriesOption,
  type SankeySeriesOption,
} from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkPointComponent,
  TooltipComponent,
  type DataZoomComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkAreaComponentOption,
  type MarkPointComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkAreaComponent,
  MarkPointComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | SankeySeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | MarkAreaComponentOption
  | MarkPointComponentOption
>;

export { echarts };

/** Shared look: the app's font, muted axes, the green theme. */
export const CHART_FONT =
  '-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif';
export const AXIS_COLOUR = '#8a9a92';
/** Legend texts and the names beside horizontal bars: darker than axis labels. */
export const LABEL_COLOUR = '#4b5a52';
export const GRID_COLOUR = '#e6ece8';

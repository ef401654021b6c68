/**
 * Pieces of chart options the pages share, so that their charts look alike: the legend, the category axis of a time
 * or month series, the names beside horizontal bars, a 0–100 % axis, and the HTML of an axis tooltip.
 */
import type { LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { formatPercent } from '../format.ts';
import { esc } from './axis.ts';
import { AXIS_COLOUR, GRID_COLOUR, LABEL_COLOUR } from './echarts.ts';

/** The legend at the top, right (or left) aligned, with small rounded squares. */
export function chartLegend(side: 'left' | 'right' = 'right'): LegendComponentOption {
  return {
    top: 0,
    ...(side === 'left' ? { left: 0 } : { right: 0 }),
    icon: 'roundRect',
    itemWidth: 10,
    itemHeight: 10,
    textStyle: { color: LABEL_COLOUR },
  };
}

/** The x axis of a series over time or months: muted labels (`hideOverlap` for many of them), no ticks. */
export function categoryAxis(data: string[], label: { hideOverlap?: boolean } = {}) {
  return {
    type: 'category' as const,
    data,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: GRID_COLOUR } },
    axisLabel: { color: AXIS_COLOUR, ...label },
  };
}

/** The y axis of horizontal bars: their names, the first on top. */
export function namesAxis(data: string[]) {
  return {
    type: 'category' as const,
    data,
    inverse: true,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: GRID_COLOUR } },
    axisLabel: { color: LABEL_COLOUR },
  };
}

/** A value axis of shares from 0 to 100 %. */
export function shareAxis() {
  return {
    type: 'value' as const,
    min: 0,
    max: 1,
    splitLine: { lineStyle: { color: GRID_COLOUR } },
    axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatPercent(v, 0) },
  };
}

/** The data index an axis tooltip (one param or an array of them) points at. */
export function tooltipIndex(raw: unknown): number {
  const params = (Array.isArray(raw) ? raw : [raw]) as { dataIndex?: number }[];
  return params[0]?.dataIndex ?? 0;
}

/**
 * The tooltip of a chart over a list (months, hours, loads): the HTML of the item the axis points at; `shadow` shades
 * the item's band (bar charts).
 * @example tooltip: axisTooltip(months, (m) => tooltipHtml(m.month, [['tCO₂', formatTco2(m.tco2)]]), { shadow: true })
 */
export function axisTooltip<T>(
  items: readonly T[],
  html: (item: T, index: number) => string,
  options: { shadow?: boolean } = {},
): TooltipComponentOption {
  return {
    trigger: 'axis',
    ...(options.shadow ? { axisPointer: { type: 'shadow' as const } } : {}),
    formatter: (raw: unknown) => {
      const i = tooltipIndex(raw);
      const item = items[i];
      return item === undefined ? '' : html(item, i);
    },
  };
}

/** A tooltip line: label, value and, for a series, its colour as a dot. */
export type TooltipRow = readonly [label: string, value: string, colour?: string];

/**
 * The HTML of a tooltip: a title, a line per row, an optional foot; every text escaped.
 * @example tooltipHtml('2025年3月', [['tCO₂', '1,234']], '覆盖率 98 %')
 */
export function tooltipHtml(title: string, rows: readonly TooltipRow[], foot?: string): string {
  const lines = rows.map(
    ([label, value, colour]) =>
      `<div class="tt-row">${
        colour === undefined ? '' : `<span class="tt-dot" style="background:${colour}"></span>`
      }${esc(label)}<b>${esc(value)}</b></div>`,
  );
  return `<div class="tt"><div class="tt-title">${esc(title)}</div>${lines.join('')}${
    foot === undefined ? '' : `<div class="tt-foot">${esc(foot)}</div>`
  }</div>`;
}

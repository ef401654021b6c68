/** The hourly carbon-free coverage heat map of one consumer (or the park); registers ECharts' heat map on import. */
import { HeatmapChart } from 'echarts/charts';
import { VisualMapComponent } from 'echarts/components';
import { useMemo } from 'react';
import type { HeatMapJson } from '../../api/green.ts';
import { EChart } from '../../charts/EChart.tsx';
import { echarts, type ChartOption } from '../../charts/echarts.ts';
import { tooltipHtml } from '../../charts/option-parts.ts';
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatDay } from '../../period.ts';
import { heatMapOption, HEAT_COLOURS, NO_LOAD_COLOUR } from './heat-map.ts';

echarts.use([HeatmapChart, VisualMapComponent]);

export function HeatMap({ heatMap, testId }: { heatMap: HeatMapJson; testId?: string }) {
  const { t, locale } = useI18n();
  const option = useMemo(
    () =>
      heatMapOption(heatMap, {
        dayLabel: (day) => `${Number(day.slice(5, 7))}/${Number(day.slice(8, 10))}`,
        percent: (share) => formatPercent(share, 0),
        tooltip: (day, hour, value) =>
          tooltipHtml(`${formatDay(day, locale)} ${String(hour).padStart(2, '0')}:00`, [
            [t('green.heat.cfe'), value === null ? t('green.heat.noLoad') : formatPercent(value)],
          ]),
      }),
    [heatMap, t, locale],
  );
  if (heatMap.days.length === 0) return null;
  return (
    <div className="green-heat" data-testid={testId}>
      {/* The heat map is a chart type of its own: EChart's option type lists the app's common charts only. */}
      <EChart
        option={option as unknown as ChartOption}
        height={24 * 11 + 80}
        ariaLabel={t('green.heat.title')}
      />
      <p className="footnote green-heat-legend">
        <span className="green-swatch" style={{ background: HEAT_COLOURS[3] }} /> {t('green.heat.legend')}{' '}
        <span className="green-swatch" style={{ background: NO_LOAD_COLOUR }} /> {t('green.heat.noLoad')}
      </p>
    </div>
  );
}

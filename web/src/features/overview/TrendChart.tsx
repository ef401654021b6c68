/**
 * The trend of a period at a sensible resolution (a day by hour, a month by day, a year by month): tce stacked by
 * carrier, or one carrier in its physical unit. Missing buckets stay empty (never zero); thin coverage is paler.
 */
import { useMemo, useState } from 'react';
import type { TrendResponse } from '../../../../src/server/api-types.ts';
import { getTrend } from '../../api/parks.ts';
import { useApi } from '../../api/use-api.ts';
import { axisLabel, bucketTitle } from '../../charts/axis.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import { categoryAxis, chartLegend, tooltipHtml, tooltipIndex } from '../../charts/option-parts.ts';
import { Card, ErrorMessage, Loading } from '../../components/ui.tsx';
import { commonScale, displayUnit, formatNumber, formatPercent, type Locale } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { carrierColour, carrierName } from '../../names.ts';
import { parsePeriod, trendResolution } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';

interface TooltipParam {
  seriesName: string;
  value: number | null | undefined;
  color: string;
  dataIndex: number;
}

export function TrendChart({ organisation }: { organisation: string | null }) {
  const i18n = useI18n();
  const { t, tx, locale } = i18n;
  const { park, period } = usePark();
  const resolution = trendResolution(period);
  const trend = useApi(
    (signal) => getTrend(park.id, period, resolution, organisation, signal),
    [park.id, period, resolution, organisation],
  );
  const [mode, setMode] = useState<string>('tce');
  const data = trend.data;
  const carriers = data?.series.map((s) => s.carrier) ?? [];
  const activeMode = mode === 'tce' || carriers.includes(mode) ? mode : 'tce';
  const option = useMemo(
    () => (data ? trendOption(data, activeMode, park.timezone, locale, i18n.t, i18n.tx, period) : null),
    [data, activeMode, park.timezone, locale, i18n.t, i18n.tx, period],
  );

  return (
    <Card
      title={`${t('overview.trend')} · ${t('overview.trendBy', { resolution: t(`resolution.${resolution}`) })}`}
      actions={
        <select
          value={activeMode}
          onChange={(e) => setMode(e.target.value)}
          data-testid="trend-mode"
          aria-label={t('overview.trend')}
        >
          <option value="tce">{t('overview.trendTce')}</option>
          {data?.series.map((s) => (
            <option key={s.carrier} value={s.carrier}>
              {carrierName(tx, s.carrier)}（{displayUnit(s.unit)}）
            </option>
          ))}
        </select>
      }
      testId="trend-card"
    >
      {trend.state === 'error' ? <ErrorMessage error={trend.error} onRetry={trend.reload} /> : null}
      {option ? (
        <div className={trend.state === 'loading' ? 'stale' : ''}>
          <EChart option={option} height={300} testId="trend-chart" ariaLabel={t('overview.trend')} />
        </div>
      ) : trend.state === 'loading' ? (
        <Loading />
      ) : null}
    </Card>
  );
}

function trendOption(
  data: TrendResponse,
  mode: string,
  timeZone: string,
  locale: Locale,
  t: I18n['t'],
  tx: I18n['tx'],
  period: string,
): ChartOption {
  const first = data.series[0];
  const starts = first ? first.points.map((p) => p.startMs) : [];
  const parts = parsePeriod(period);
  const multiDay = !!parts && parts.kind !== 'day';
  const labels = starts.map((ms) => axisLabel(ms, data.resolution, timeZone, locale, multiDay));
  const coverageAt = (i: number) => {
    const covs = data.series.map((s) => s.points[i]?.coverage ?? 0);
    return covs.length ? Math.min(...covs) : 0;
  };
  let unit = 'tce';
  let series: ChartOption['series'];
  if (mode === 'tce') {
    series = data.series
      .filter((s) => s.points.some((p) => p.tce !== null))
      .map((s, i) => ({
        type: 'bar' as const,
        name: carrierName(tx, s.carrier),
        stack: 'tce',
        barMaxWidth: 28,
        itemStyle: { color: carrierColour(s.carrier, i) },
        emphasis: { focus: 'series' as const },
        data: s.points.map((p) => ({
          value: p.tce ?? undefined,
          itemStyle: p.coverage < 0.9 ? { opacity: 0.45 } : undefined,
        })),
      }));
  } else {
    const s = data.series.find((x) => x.carrier === mode);
    const scale = commonScale(s?.points.map((p) => p.quantity) ?? [], s?.unit ?? '');
    unit = displayUnit(scale.unit);
    series = s
      ? [
          {
            type: 'bar' as const,
            name: carrierName(tx, s.carrier),
            barMaxWidth: 28,
            itemStyle: { color: carrierColour(s.carrier) },
            data: s.points.map((p) => ({
              value: p.quantity === null ? undefined : p.quantity * scale.factor,
              itemStyle: p.coverage < 0.9 ? { opacity: 0.45 } : undefined,
            })),
          },
        ]
      : [];
  }
  return {
    color: data.series.map((s, i) => carrierColour(s.carrier, i)),
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: chartLegend(),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
        const i = tooltipIndex(raw);
        return tooltipHtml(
          bucketTitle(starts[i] ?? 0, data.resolution, timeZone, locale),
          params.map((p) => [
            p.seriesName,
            typeof p.value === 'number' ? `${formatNumber(p.value)} ${unit}` : t('trend.missing'),
            p.color,
          ]),
          `${t('trend.tooltipCoverage')} ${formatPercent(coverageAt(i))}`,
        );
      },
    },
    xAxis: categoryAxis(labels, { hideOverlap: true }),
    yAxis: {
      type: 'value',
      name: unit,
      nameTextStyle: { color: AXIS_COLOUR, align: 'left' },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: {
        color: AXIS_COLOUR,
        formatter: (v: number) => formatNumber(v, Math.abs(v) >= 10 ? 0 : undefined),
      },
    },
    series,
  };
}

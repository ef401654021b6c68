/**
 * The account's charts: CO₂ by source (deductions and offsets below zero, memo items left out) and by month (gross
 * and net tCO₂ as bars, the core indicator tCO₂/tce as a line on its own axis).
 */
import { useMemo } from 'react';
import type { Account, EmissionSource } from '../../api/carbon.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import {
  axisTooltip,
  categoryAxis,
  chartLegend,
  namesAxis,
  tooltipHtml,
  tooltipIndex,
} from '../../charts/option-parts.ts';
import { Empty } from '../../components/ui.tsx';
import { formatNumber, formatPercent, formatTco2, formatTco2PerTce } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { formatPeriod } from '../../period.ts';
import { monthLabel } from './account-period.ts';
import { signedTco2 } from './AccountTables.tsx';

const SOURCE_COLOURS: Readonly<Record<EmissionSource, string>> = {
  combustion: '#d0694e',
  process: '#a1887f',
  electricity_grid: '#8795a8',
  electricity_green: '#35a673',
  heat_purchased: '#e2a534',
  electricity_exported: '#7fcfa5',
  heat_exported: '#f0c987',
  recovered: '#3aa6c4',
  offset: '#1f8a5b',
  allocated: '#8c7bb8',
  transfer_in: '#b07aa1',
  transfer_out: '#c9b3d6',
};

interface SourceBar {
  source: EmissionSource;
  tco2: number;
}

/** Σ signed tCO₂ per source over the lines that enter a total (memo lines are reported beside, not charted). */
export function bySource(account: Account): SourceBar[] {
  const sums = new Map<EmissionSource, number>();
  for (const l of account.lines) {
    if (l.effect === 'memo') continue;
    sums.set(l.source, (sums.get(l.source) ?? 0) + signedTco2(l));
  }
  return [...sums.entries()]
    .map(([source, tco2]) => ({ source, tco2 }))
    .filter((b) => b.tco2 !== 0)
    .sort((a, b) => b.tco2 - a.tco2);
}

export function SourceChart({ account }: { account: Account }) {
  const { t } = useI18n();
  const bars = useMemo(() => bySource(account), [account]);
  const option = useMemo(() => sourceOption(bars, t), [bars, t]);
  if (bars.length === 0) return <Empty>{t('account.noLines')}</Empty>;
  return (
    <EChart
      option={option}
      height={Math.max(220, 44 * bars.length + 40)}
      testId="source-chart"
      ariaLabel={t('account.bySource')}
    />
  );
}

function sourceOption(bars: SourceBar[], t: I18n['t']): ChartOption {
  const names = bars.map((b) => t(`account.source.${b.source}`));
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (raw: unknown) => {
        const b = bars[tooltipIndex(raw)];
        if (!b) return '';
        return tooltipHtml(t(`account.source.${b.source}`), [[t('account.col.tco2'), formatTco2(b.tco2)]]);
      },
    },
    xAxis: {
      type: 'value',
      name: 'tCO₂',
      nameTextStyle: { color: AXIS_COLOUR },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: {
        color: AXIS_COLOUR,
        formatter: (v: number) => formatNumber(v, Math.abs(v) >= 10 ? 0 : undefined),
      },
    },
    yAxis: namesAxis(names),
    series: [
      {
        type: 'bar',
        barMaxWidth: 26,
        data: bars.map((b) => ({ value: b.tco2, itemStyle: { color: SOURCE_COLOURS[b.source] } })),
        label: {
          show: true,
          position: 'right',
          color: '#3b4a42',
          formatter: (p: unknown) => formatNumber((p as { value: number }).value),
        },
      },
    ],
  };
}

export function MonthlyChart({ account }: { account: Account }) {
  const i18n = useI18n();
  const option = useMemo(() => monthlyOption(account, i18n), [account, i18n]);
  if (account.byMonth.length === 0) return <Empty>{i18n.t('account.noLines')}</Empty>;
  return <EChart option={option} height={280} testId="month-chart" ariaLabel={i18n.t('account.byMonth')} />;
}

function monthlyOption(account: Account, { t, locale }: I18n): ChartOption {
  const months = account.byMonth;
  const series = {
    gross: t('account.kpi.gross'),
    net: t('account.kpi.net'),
    core: t('account.kpi.core'),
  };
  return {
    color: ['#8795a8', '#1f8a5b', '#c98a1c'],
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    legend: chartLegend(),
    tooltip: axisTooltip(
      months,
      (m) =>
        tooltipHtml(
          formatPeriod(m.month, locale),
          [
            [series.gross, formatTco2(m.totals.grossTco2)],
            [series.net, formatTco2(m.totals.netTco2)],
            [series.core, formatTco2PerTce(m.totals.coreTco2PerTce)],
          ],
          `${t('account.kpi.coverage')} ${formatPercent(m.totals.coverage)}`,
        ),
      { shadow: true },
    ),
    xAxis: categoryAxis(months.map((m) => monthLabel(m.month, locale))),
    yAxis: [
      {
        type: 'value',
        name: 'tCO₂',
        nameTextStyle: { color: AXIS_COLOUR, align: 'left' },
        splitLine: { lineStyle: { color: GRID_COLOUR } },
        axisLabel: {
          color: AXIS_COLOUR,
          formatter: (v: number) => formatNumber(v, Math.abs(v) >= 10 ? 0 : undefined),
        },
      },
      {
        type: 'value',
        name: 'tCO₂/tce',
        nameTextStyle: { color: AXIS_COLOUR, align: 'right' },
        splitLine: { show: false },
        axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatNumber(v) },
      },
    ],
    series: [
      { type: 'bar', name: series.gross, barMaxWidth: 24, data: months.map((m) => m.totals.grossTco2) },
      { type: 'bar', name: series.net, barMaxWidth: 24, data: months.map((m) => m.totals.netTco2) },
      {
        type: 'line',
        name: series.core,
        yAxisIndex: 1,
        symbolSize: 6,
        data: months.map((m) => m.totals.coreTco2PerTce ?? undefined),
      },
    ],
  };
}

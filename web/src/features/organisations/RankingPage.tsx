/** 企业: organisations ranked by tce, with electricity, coverage, 环比 and 同比; a bar chart; click → the organisation. */
import { useMemo } from 'react';
import type { RankingResponse } from '../../../../src/server/api-types.ts';
import { getRanking } from '../../api/organisations.ts';
import { useApi } from '../../api/use-api.ts';
import { esc } from '../../charts/axis.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import {
  Card,
  ChangeBadge,
  CoverageBar,
  Empty,
  ErrorMessage,
  Loading,
  PageHeader,
} from '../../components/ui.tsx';
import { formatNumber, formatPercent, formatQuantity, formatTce } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatPeriod } from '../../period.ts';
import { navigate } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';

/** Bars in the chart: every organisation of a usual park, the largest ones of a big one. */
const CHART_ROWS = 30;

export default function RankingPage() {
  const { t, locale } = useI18n();
  const { park, period, link } = usePark();
  const ranking = useApi((signal) => getRanking(park.id, period, signal), [park.id, period]);
  const data = ranking.data;
  const rows = useMemo(() => (data ? [...data.rows].sort((a, b) => b.tce - a.tce) : []), [data]);
  const max = rows.reduce((m, r) => Math.max(m, r.tce), 0);
  const option = useMemo(() => (data ? barOption(rows) : null), [data, rows]);

  return (
    <>
      <PageHeader
        title={t('ranking.title')}
        subtitle={`${park.name} · ${formatPeriod(period, locale)} · ${t('ranking.subtitle')}`}
      />
      {ranking.state === 'error' ? <ErrorMessage error={ranking.error} onRetry={ranking.reload} /> : null}
      {data ? (
        <div className={ranking.state === 'loading' ? 'stale' : ''}>
          {rows.length === 0 ? (
            <Empty>{t('ranking.empty')}</Empty>
          ) : (
            <>
              <Card title={t('ranking.chart')}>
                <EChart
                  option={option ?? {}}
                  height={Math.max(240, Math.min(rows.length, CHART_ROWS) * 26 + 40)}
                  testId="ranking-chart"
                  onClick={(e) => {
                    const row = rows[Math.min(rows.length, CHART_ROWS) - 1 - e.dataIndex];
                    if (row) navigate(link(['organisations', row.organisation]));
                  }}
                />
              </Card>
              <Card>
                <RankingTable data={data} rows={rows} max={max} />
                <p className="footnote legend-note" data-testid="ranking-legend">
                  {t('ranking.colourNote')}
                  <br />
                  {t('ranking.periodsNote', {
                    previous: formatPeriod(data.previousPeriod.label, locale),
                    lastYear: formatPeriod(data.lastYearPeriod.label, locale),
                  })}
                  {rows.every((r) => r.previousTce === null) ? (
                    <>
                      <br />
                      {t('ranking.noPrevious', { period: formatPeriod(data.previousPeriod.label, locale) })}
                    </>
                  ) : null}
                  {rows.every((r) => r.lastYearTce === null) ? (
                    <>
                      <br />
                      {t('ranking.noLastYear', { period: formatPeriod(data.lastYearPeriod.label, locale) })}
                    </>
                  ) : null}
                </p>
                <p className="footnote">{data.method.id}</p>
              </Card>
            </>
          )}
        </div>
      ) : ranking.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

function RankingTable({
  data,
  rows,
  max,
}: {
  data: RankingResponse;
  rows: RankingResponse['rows'];
  max: number;
}) {
  const { t, locale } = useI18n();
  const { link } = usePark();
  return (
    <div className="table-wrap">
      <table className="table table-hover" data-testid="ranking-table">
        <thead>
          <tr>
            <th className="num">{t('ranking.rank')}</th>
            <th>{t('ranking.organisation')}</th>
            <th className="num">{t('ranking.tce')}</th>
            <th className="num">{t('ranking.electricity')}</th>
            <th>{t('ranking.coverage')}</th>
            <th className="num" title={formatPeriod(data.previousPeriod.label, locale)}>
              {t('ranking.periodChange')}
            </th>
            <th className="num" title={formatPeriod(data.lastYearPeriod.label, locale)}>
              {t('ranking.yearChange')}
            </th>
            <th>{t('ranking.intensity')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              key={r.organisation}
              data-testid="ranking-row"
              data-organisation={r.organisation}
              onClick={() => navigate(link(['organisations', r.organisation]))}
            >
              <td className="num rank">{i + 1}</td>
              <td>
                <a href={link(['organisations', r.organisation])} onClick={(e) => e.stopPropagation()}>
                  {r.name}
                </a>
              </td>
              <td className="num">
                <span data-testid="ranking-tce">{formatTce(r.tce)}</span>
                <div className="share-bar" aria-hidden="true">
                  <span style={{ width: `${max > 0 ? Math.max(0, r.tce / max) * 100 : 0}%` }} />
                </div>
              </td>
              <td className="num">{formatQuantity(r.electricityKwh, 'kWh')}</td>
              <td>
                <CoverageBar share={r.coverage} text={formatPercent(r.coverage)} />
              </td>
              <td className="num">
                <ChangeBadge change={r.periodChange} />
              </td>
              <td className="num">
                <ChangeBadge change={r.yearChange} />
              </td>
              <td className="muted small" title={r.intensityNote ?? undefined}>
                {r.intensity !== null
                  ? `${formatNumber(r.intensity)} ${r.intensityUnit ?? ''}`
                  : t('org.intensityPending')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function barOption(rows: RankingResponse['rows']): ChartOption {
  const top = rows.slice(0, CHART_ROWS).reverse();
  return {
    grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (raw: unknown) => {
        const p = (Array.isArray(raw) ? raw[0] : raw) as { dataIndex: number } | undefined;
        const r = p ? top[p.dataIndex] : undefined;
        return r
          ? `<div class="tt"><div class="tt-title">${esc(r.name)}</div><div class="tt-row"><b>${formatTce(r.tce)}</b></div></div>`
          : '';
      },
    },
    xAxis: {
      type: 'value',
      splitLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatNumber(v, 0) },
    },
    yAxis: {
      type: 'category',
      // Full names (the longest demo name has 16 characters); only a very long one is cut, the tooltip has it whole.
      data: top.map((r) => (r.name.length > 24 ? `${r.name.slice(0, 23)}…` : r.name)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: { color: '#3b4a42' },
    },
    series: [
      {
        type: 'bar',
        // A negative total (an organisation that supplies more than it uses) is labelled left of its bar.
        data: top.map((r) => (r.tce < 0 ? { value: r.tce, label: { position: 'left' as const } } : r.tce)),
        barMaxWidth: 18,
        itemStyle: { color: '#2f8f63', borderRadius: [0, 3, 3, 0] },
        label: {
          show: true,
          position: 'right',
          color: '#4b5a52',
          formatter: (p: { value: unknown }) => formatTce(Number(p.value)),
        },
        cursor: 'pointer',
      },
    ],
  };
}

/**
 * A meter's series. Missing buckets are gaps with a grey band (never zero); estimated energy (a register bridging a
 * gap) is dashed and pale; quarantined spikes are red pins with the amount that was kept out of the totals.
 */
import { useMemo } from 'react';
import type { Series, SeriesPoint } from '../../api/meters.ts';
import { axisLabel, bucketTitle, esc } from '../../charts/axis.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import {
  commonScale,
  displayUnit,
  formatNumber,
  formatPercent,
  formatQuantity,
  type Locale,
} from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { carrierColour, flagName } from '../../names.ts';

const ESTIMATED_COLOUR = '#9cc9b3';
const SPIKE_COLOUR = '#c8553d';
const MISSING_BAND = 'rgba(110, 122, 116, 0.2)';
const SPIKE_BAND = 'rgba(200, 85, 61, 0.14)';

export function SeriesChart({
  series,
  carrier,
  timeZone,
}: {
  series: Series;
  carrier: string;
  timeZone: string;
}) {
  const i18n = useI18n();
  const option = useMemo(
    () => seriesOption(series, carrier, timeZone, i18n.locale, i18n.t, i18n.tx),
    [series, carrier, timeZone, i18n.locale, i18n.t, i18n.tx],
  );
  return <EChart option={option} height={340} testId="series-chart" ariaLabel={series.meter} />;
}

/** Contiguous runs of indexes where `test` holds, as [first, last]. */
function runs(points: readonly SeriesPoint[], test: (p: SeriesPoint) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  points.forEach((p, i) => {
    if (test(p)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start, points.length - 1]);
  return out;
}

function seriesOption(
  s: Series,
  carrier: string,
  timeZone: string,
  locale: Locale,
  t: I18n['t'],
  tx: I18n['tx'],
): ChartOption {
  const pts = s.points;
  const scale = commonScale(
    pts.map((p) => p.quantity),
    s.unit,
  );
  const unit = displayUnit(scale.unit);
  const multiDay =
    pts.length > 0 && (pts[pts.length - 1]?.startMs ?? 0) - (pts[0]?.startMs ?? 0) >= 86_400_000;
  const labels = pts.map((p) => axisLabel(p.startMs, s.resolution, timeZone, locale, multiDay));
  const colour = carrierColour(carrier);
  const v = (p: SeriesPoint | undefined) => (p && p.quantity !== null ? p.quantity * scale.factor : null);
  const isEstimated = (p: SeriesPoint | undefined) => p?.status === 'estimated';
  const line = s.resolution === '15m' || s.resolution === 'hour';

  // Category indexes, not labels (labels repeat across days). A line breaks from the bucket before a gap to the one
  // after it, so its band covers those too; a single missing bar gets its own band.
  // A quarantined bucket has no counted quantity either, but it is not missing: its band is pale red, not grey.
  const band =
    (color: string) =>
    ([a, b]: [number, number]): [{ xAxis: number; itemStyle: { color: string } }, { xAxis: number }] => [
      { xAxis: line ? Math.max(0, a - 1) : a, itemStyle: { color } },
      { xAxis: line ? Math.min(pts.length - 1, b + 1) : b },
    ];
  const bands = [
    ...runs(pts, (p) => p.status !== 'quarantined' && (p.status === 'missing' || p.quantity === null)).map(
      band(MISSING_BAND),
    ),
    ...runs(pts, (p) => p.status === 'quarantined').map(band(SPIKE_BAND)),
  ];
  const spikes = pts
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.quarantined > 0)
    .map(({ p, i }) => ({
      name: labels[i] ?? '',
      // A quarantined bucket has no counted quantity: pin it at its neighbours' level.
      coord: [i, v(p) ?? v(pts[i - 1]) ?? v(pts[i + 1]) ?? 0],
      value: formatQuantity(p.quarantined, s.unit),
      itemStyle: { color: SPIKE_COLOUR },
      // The amount kept out of the totals, beside the pin (left of it in the right half of the chart).
      label: { position: i > pts.length / 2 ? ('left' as const) : ('right' as const) },
    }));

  const markers = {
    markArea: { silent: true, data: bands },
    markPoint: {
      symbol: 'pin',
      symbolSize: 30,
      label: {
        fontSize: 11,
        fontWeight: 600,
        color: SPIKE_COLOUR,
        backgroundColor: 'rgba(255, 255, 255, 0.9)',
        padding: [2, 4],
        borderRadius: 3,
        formatter: (p: { value?: unknown }) =>
          t('meter.spikeLabel', { value: typeof p.value === 'string' ? p.value : '' }),
      },
      data: spikes,
    },
  };

  let series: ChartOption['series'];
  if (line) {
    // The estimated line includes the measured neighbours, so the dashed segment joins the solid one.
    const estimatedData = pts.map((p, i) =>
      isEstimated(p) || isEstimated(pts[i - 1]) || isEstimated(pts[i + 1]) ? v(p) : null,
    );
    series = [
      {
        type: 'line',
        name: t('meter.measured'),
        data: pts.map((p) => (isEstimated(p) ? null : v(p))),
        connectNulls: false,
        showSymbol: pts.length <= 48,
        symbolSize: 4,
        lineStyle: { width: 1.6, color: colour },
        itemStyle: { color: colour },
        areaStyle: { color: colour, opacity: 0.08 },
        ...markers,
      },
      {
        type: 'line',
        name: t('meter.estimated'),
        data: estimatedData,
        connectNulls: false,
        showSymbol: false,
        lineStyle: { width: 1.6, type: 'dashed', color: ESTIMATED_COLOUR },
        itemStyle: { color: ESTIMATED_COLOUR },
      },
    ];
  } else {
    series = [
      {
        type: 'bar',
        name: t('meter.measured'),
        stack: 'q',
        barMaxWidth: 26,
        itemStyle: { color: colour },
        data: pts.map((p) => ({
          value: p.quantity === null ? undefined : p.measured * scale.factor,
          itemStyle: p.status === 'partial' ? { opacity: 0.6 } : undefined,
        })),
        ...markers,
      },
      {
        type: 'bar',
        name: t('meter.estimated'),
        stack: 'q',
        barMaxWidth: 26,
        itemStyle: { color: ESTIMATED_COLOUR, borderType: 'dashed', borderColor: colour, borderWidth: 1 },
        data: pts.map((p) => (p.estimated > 0 ? p.estimated * scale.factor : undefined)),
      },
    ];
  }

  return {
    grid: { left: 8, right: 18, top: 36, bottom: pts.length > 120 ? 48 : 8, containLabel: true },
    legend: {
      top: 0,
      right: 0,
      icon: 'roundRect',
      itemWidth: 12,
      itemHeight: 8,
      data: [t('meter.measured'), t('meter.estimated')],
      textStyle: { color: '#4b5a52' },
    },
    dataZoom: pts.length > 120 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
    tooltip: {
      trigger: 'axis',
      formatter: (raw: unknown) => {
        const i =
          (Array.isArray(raw)
            ? (raw[0] as { dataIndex: number } | undefined)
            : (raw as { dataIndex: number })
          )?.dataIndex ?? 0;
        const p = pts[i];
        if (!p) return '';
        const row = (label: string, value: string) =>
          `<div class="tt-row">${esc(label)}<b>${esc(value)}</b></div>`;
        const status = t(`meter.${p.status}` as 'meter.measured');
        return [
          `<div class="tt"><div class="tt-title">${esc(bucketTitle(p.startMs, s.resolution, timeZone, locale))}</div>`,
          row(status, formatQuantity(p.quantity, s.unit)),
          p.estimated > 0 ? row(t('meter.estimated'), formatQuantity(p.estimated, s.unit)) : '',
          p.quarantined > 0 ? row(t('meter.quarantined'), formatQuantity(p.quarantined, s.unit)) : '',
          row(t('meter.coverage'), formatPercent(p.coverage)),
          p.flags.length
            ? `<div class="tt-foot">${esc(p.flags.map((f) => flagName(tx, f)).join(' · '))}</div>`
            : '',
          '</div>',
        ].join('');
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: !line,
      axisLine: { lineStyle: { color: GRID_COLOUR } },
      axisTick: { show: false },
      axisLabel: { color: AXIS_COLOUR, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: unit,
      nameTextStyle: { color: AXIS_COLOUR, align: 'left' },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
      axisLabel: {
        color: AXIS_COLOUR,
        formatter: (x: number) => formatNumber(x, Math.abs(x) >= 10 ? 0 : undefined),
      },
    },
    series,
  };
}

/**
 * A run's result: a dispatch plan (KPIs, the power balance stacked by source and use, the state of charge; for a
 * rolling plan its re-plans and deviations), a sizing (capacities, green share, curtailment, cost breakdown, a week of
 * the hourly dispatch), the conflicting constraints of an infeasible scenario (which, by how much, when, and whether
 * any one group of relaxations suffices or all are needed), or the solver's failure; a plan downloads as CSV.
 */
import { useMemo } from 'react';
import {
  isDispatch,
  isRolling,
  isSizing,
  runCsvUrl,
  type Conflict,
  type DispatchPlan,
  type Infeasibility,
  type RollingDispatchPlan,
  type RunInfo,
  type RunOutcome,
  type ScenarioSpecView,
  type SizingResult,
  type SolveFailure,
} from '../../api/microgrid.ts';
import { esc } from '../../charts/axis.ts';
import { EChart } from '../../charts/EChart.tsx';
import { AXIS_COLOUR, GRID_COLOUR, type ChartOption } from '../../charts/echarts.ts';
import { chartLegend, tooltipHtml, tooltipIndex } from '../../charts/option-parts.ts';
import { Card, KpiCard } from '../../components/ui.tsx';
import {
  commonScale,
  formatCny,
  formatCount,
  formatDate,
  formatNumber,
  formatPercent,
  formatQuantity,
} from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { conflictGroups } from './conflict-groups.ts';
import { StatusTag } from './StatusTag.tsx';

/** Colours of the power balance: sources above the axis, uses below. */
const COLOURS = {
  pvUsed: '#f0b429',
  windUsed: '#4aa3c7',
  gridImport: '#8795a8',
  discharge: '#1f8a5b',
  load: '#3f6fb0',
  charge: '#7fcfa5',
  export: '#d9825b',
  pvAvailable: '#c98a1c',
  soc: '#1f8a5b',
  shiftable: ['#8e6cc0', '#b583c9', '#6a5acd', '#c16f9e'],
} as const;

export function RunResult({
  outcome,
  spec,
  run,
}: {
  outcome: RunOutcome;
  spec: ScenarioSpecView;
  run: RunInfo | null;
}) {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const status = outcome.status === 'optimal' ? 'optimal' : outcome.status;
  const head = (
    <div className="run-head" data-testid="run-head">
      <h2>{t('microgrid.result')}</h2>
      <StatusTag status={status} testId="run-status" />
      {run ? (
        <span className="muted small">
          {t('microgrid.runMeta', {
            id: run.id,
            by: run.startedBy,
            at: formatDate(run.startedAtMs, park.timezone, locale, 'dateTime'),
          })}
        </span>
      ) : null}
      {run && outcome.status === 'optimal' ? (
        <a
          className="btn btn-small run-csv"
          href={runCsvUrl(park.id, run.id)}
          download
          title={t('microgrid.csvHelp')}
          data-testid="run-csv"
        >
          {t('microgrid.csv')}
        </a>
      ) : null}
    </div>
  );
  let body;
  if (isDispatch(outcome)) body = <DispatchView plan={outcome} />;
  else if (isSizing(outcome)) body = <SizingView result={outcome} />;
  else if (outcome.status === 'infeasible') body = <Conflicts outcome={outcome} spec={spec} />;
  else body = <Failure outcome={outcome} />;
  return (
    <>
      {head}
      {body}
    </>
  );
}

// ---------- dispatch ----------

function DispatchView({ plan }: { plan: DispatchPlan }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { park } = usePark();
  const tot = plan.totals;
  const labels = useMemo(
    () =>
      plan.loadKw.map((_, i) =>
        formatDate(plan.startMs + i * plan.stepMinutes * 60_000, park.timezone, locale, 'time'),
      ),
    [plan, park.timezone, locale],
  );
  const stack = useMemo(() => {
    const shiftIds = Object.keys(plan.shiftableKw);
    return stackOption(
      labels,
      [
        { name: t('microgrid.series.pvUsed'), data: plan.pvUsedKw, color: COLOURS.pvUsed },
        { name: t('microgrid.series.gridImport'), data: plan.gridImportKw, color: COLOURS.gridImport },
        { name: t('microgrid.series.discharge'), data: plan.dischargeKw, color: COLOURS.discharge },
      ],
      [
        { name: t('microgrid.series.load'), data: plan.loadKw, color: COLOURS.load },
        ...shiftIds.map((id, k) => ({
          name: t('microgrid.series.shiftable', { id }),
          data: plan.shiftableKw[id] ?? [],
          color: COLOURS.shiftable[k % COLOURS.shiftable.length] ?? COLOURS.load,
        })),
        { name: t('microgrid.series.charge'), data: plan.chargeKw, color: COLOURS.charge },
        { name: t('microgrid.series.export'), data: plan.gridExportKw, color: COLOURS.export },
      ],
      plan.pvAvailableKw.some((v) => v > 0)
        ? { name: t('microgrid.series.pvAvailable'), data: plan.pvAvailableKw, color: COLOURS.pvAvailable }
        : null,
    );
  }, [plan, labels, t]);
  const soc = useMemo(
    () => (plan.socKwh.length > 0 ? socOption(labels, plan.socKwh, t('microgrid.series.soc')) : null),
    [plan, labels, t],
  );

  return (
    <>
      {isRolling(plan) ? <RollingSummary plan={plan} /> : null}
      <div className="kpi-grid microgrid-kpis microgrid-kpis-6" data-testid="dispatch-kpis">
        <KpiCard
          label={t('microgrid.kpi.totalCost')}
          value={formatCny(tot.costCny)}
          footnote={t('microgrid.kpi.totalCostNote')}
          testId="kpi-total-cost"
          emphasis
        />
        <KpiCard
          label={t('microgrid.kpi.energyCost')}
          value={formatCny(tot.energyCostCny)}
          sub={
            tot.exportRevenueCny > 0
              ? t('microgrid.kpi.exportRevenue', { value: formatCny(tot.exportRevenueCny) })
              : undefined
          }
          testId="kpi-energy-cost"
        />
        <KpiCard
          label={t('microgrid.kpi.demandCharge')}
          value={formatCny(tot.demandChargeCny)}
          testId="kpi-demand-charge"
        />
        <KpiCard
          label={t('microgrid.kpi.peak')}
          value={formatQuantity(tot.peakKw, 'kW')}
          sub={t('microgrid.kpi.gridImport', { value: formatQuantity(tot.gridImportKwh, 'kWh') })}
          footnote={t('microgrid.kpi.peakNote')}
          testId="kpi-peak"
        />
        <KpiCard
          label={t('microgrid.kpi.co2')}
          value={formatQuantity(tot.co2Tco2, 'tCO₂')}
          footnote={t('microgrid.kpi.co2Note')}
          testId="kpi-co2"
        />
        <KpiCard
          label={t('microgrid.kpi.pvUsed')}
          value={formatQuantity(tot.pvUsedKwh, 'kWh')}
          sub={t('microgrid.kpi.pvCurtailed', { value: formatQuantity(tot.pvCurtailedKwh, 'kWh') })}
          accent={COLOURS.pvUsed}
          testId="kpi-pv"
        />
      </div>
      <Card title={t('microgrid.chart.stack')} testId="dispatch-stack-card">
        <EChart option={stack} height={340} testId="dispatch-stack" ariaLabel={t('microgrid.chart.stack')} />
      </Card>
      <div className="grid-2-1">
        <Card title={t('microgrid.chart.soc')} testId="soc-card">
          {soc ? (
            <EChart option={soc} height={200} testId="soc-chart" ariaLabel={t('microgrid.chart.soc')} />
          ) : (
            <p className="muted">{t('microgrid.chart.noStorage')}</p>
          )}
        </Card>
        <Card title={t('microgrid.notes')} testId="dispatch-notes">
          <ul className="note-list">
            <li>{t('microgrid.costNote')}</li>
            {plan.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}

/** kWh with its sign: "+1,200 kWh", "−35 kWh", "0 kWh". */
function signedKwh(value: number): string {
  const text = formatQuantity(Math.abs(value), 'kWh');
  return Math.abs(value) < 0.5 ? text : `${value > 0 ? '+' : '−'}${text}`;
}

/** A rolling plan in a few words: how often it re-planned, over what window, and where reality departed from it. */
function RollingSummary({ plan }: { plan: RollingDispatchPlan }) {
  const { t } = useI18n();
  const r = plan.rolling;
  const hours = (steps: number) => String(Math.round((steps * plan.stepMinutes * 100) / 60) / 100);
  const d = r.deviations;
  return (
    <div className="info-box rolling-summary" data-testid="rolling-summary">
      <strong>{t('microgrid.rolling.title')}</strong>{' '}
      <span data-testid="rolling-replans">
        {t('microgrid.rolling.replans', {
          replans: formatCount(r.replans),
          window: formatCount(r.windowSteps),
          windowHours: hours(r.windowSteps),
          commit: formatCount(r.commitSteps),
          commitHours: hours(r.commitSteps),
        })}
      </span>{' '}
      <span data-testid="rolling-deviations">
        {d.steps === 0
          ? t('microgrid.rolling.noDeviation')
          : t('microgrid.rolling.deviations', {
              steps: formatCount(d.steps),
              import: signedKwh(d.importChangeKwh),
              export: signedKwh(d.exportChangeKwh),
              curtailed: signedKwh(d.curtailedChangeKwh),
            })}
      </span>
    </div>
  );
}

interface Band {
  name: string;
  data: readonly number[];
  color: string;
}

interface TooltipParam {
  seriesName: string;
  value: number | null | undefined;
  color: string;
  dataIndex: number;
}

const kw = (v: number) => `${formatNumber(Math.abs(v))} kW`;

/** Sources stacked above zero, uses stacked below (drawn negative, labelled positive); optional dashed line. */
function stackOption(labels: string[], sources: Band[], uses: Band[], line: Band | null): ChartOption {
  const visible = (b: Band) => b.data.some((v) => Math.abs(v) > 1e-6);
  const src = sources.filter(visible);
  const use = uses.filter(visible);
  const bar = (b: Band, stack: string, sign: 1 | -1) => ({
    type: 'bar' as const,
    name: b.name,
    stack,
    barCategoryGap: '8%',
    itemStyle: { color: b.color },
    emphasis: { focus: 'series' as const },
    data: b.data.map((v) => (Math.abs(v) < 1e-6 ? 0 : sign * v)),
  });
  const series: NonNullable<ChartOption['series']> = [
    ...src.map((b) => bar(b, 'supply', 1)),
    ...use.map((b) => bar(b, 'use', -1)),
  ];
  if (line)
    series.push({
      type: 'line',
      name: line.name,
      data: [...line.data],
      symbol: 'none',
      step: 'middle',
      lineStyle: { color: line.color, type: 'dashed', width: 1.5 },
      itemStyle: { color: line.color },
      z: 5,
    });
  const interval = Math.max(0, Math.round(labels.length / 12) - 1);
  return {
    grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
    legend: chartLegend('left'),
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (raw: unknown) => {
        const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
        return tooltipHtml(
          labels[tooltipIndex(raw)] ?? '',
          params
            .filter((p) => typeof p.value === 'number' && Math.abs(p.value) > 1e-6)
            .map((p) => [p.seriesName, kw(p.value as number), p.color]),
        );
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisLine: { lineStyle: { color: AXIS_COLOUR } },
      axisTick: { show: false },
      axisLabel: { color: AXIS_COLOUR, interval },
    },
    yAxis: {
      type: 'value',
      name: 'kW',
      nameTextStyle: { color: AXIS_COLOUR, align: 'right' },
      axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatNumber(Math.abs(v)) },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
    },
    series,
  };
}

function socOption(labels: string[], socKwh: readonly number[], name: string): ChartOption {
  const scale = commonScale(socKwh, 'kWh');
  const interval = Math.max(0, Math.round(labels.length / 8) - 1);
  return {
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => formatQuantity(typeof v === 'number' ? v / scale.factor : null, 'kWh'),
    },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: false,
      axisLine: { lineStyle: { color: AXIS_COLOUR } },
      axisTick: { show: false },
      axisLabel: { color: AXIS_COLOUR, interval },
    },
    yAxis: {
      type: 'value',
      name: scale.unit,
      min: 0,
      nameTextStyle: { color: AXIS_COLOUR, align: 'right' },
      axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatNumber(v) },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
    },
    series: [
      {
        type: 'line',
        name,
        data: socKwh.map((v) => v * scale.factor),
        symbol: 'none',
        lineStyle: { color: COLOURS.soc, width: 2 },
        itemStyle: { color: COLOURS.soc },
        areaStyle: { color: 'rgba(31, 138, 91, 0.12)' },
      },
    ],
  };
}

// ---------- infeasible ----------

/**
 * "08:00" for the start of a step of the first day, "第 3 天 08:00" beyond it; `end` labels the end of a step, so a
 * day's last step ends at "24:00" of that day rather than "00:00" of the next.
 */
function stepLabel(step: number, stepMinutes: number, t: I18n['t'], end = false): string {
  const minutes = step * stepMinutes;
  let day = Math.floor(minutes / 1440);
  let m = minutes % 1440;
  if (end && m === 0 && day > 0) {
    day -= 1;
    m = 1440;
  }
  const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return day === 0 ? time : t('microgrid.chart.dayTime', { day: day + 1, time });
}

/** Steps as time ranges: [32..43, 72] at 15 min → "08:00–11:00, 18:00–18:15" (the end is the last step's end). */
function stepRanges(steps: readonly number[], stepMinutes: number, t: I18n['t'], limit = 8): string {
  const sorted = [...steps].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const s of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else if (!last || s !== last[1]) ranges.push([s, s]);
  }
  const parts = ranges
    .slice(0, limit)
    .map(([a, b]) => `${stepLabel(a, stepMinutes, t)}–${stepLabel(b + 1, stepMinutes, t, true)}`);
  return ranges.length > limit ? `${parts.join(', ')} …` : parts.join(', ');
}

function Conflicts({ outcome, spec }: { outcome: Infeasibility; spec: ScenarioSpecView }) {
  const { t, tx } = useI18n();
  const stepMinutes = spec.load?.stepMinutes ?? (spec.kind === 'sizing' ? 60 : 15);
  const { mode, groups } = conflictGroups(outcome.conflicts);
  const items = (conflicts: Conflict[]) => (
    <ol className="conflict-list">
      {conflicts.map((c, i) => (
        <ConflictItem key={i} conflict={c} stepMinutes={stepMinutes} t={t} tx={tx} />
      ))}
    </ol>
  );
  return (
    <Card className="conflict-card" testId="conflicts">
      <div className="conflict-head">
        <strong data-testid="conflicts-title">{t('microgrid.infeasible.title')}</strong>
        <p className="help">{t('microgrid.infeasible.help')}</p>
      </div>
      {outcome.conflicts.length === 0 ? (
        <p data-testid="conflicts-none">{t('microgrid.infeasible.none', { message: outcome.message })}</p>
      ) : (
        <>
          <p className="conflict-mode" data-testid="conflicts-mode" data-mode={mode}>
            {mode === 'any'
              ? t('microgrid.infeasible.anyOne', { count: formatCount(groups.length) })
              : outcome.conflicts.length > 1
                ? t('microgrid.infeasible.allNeeded')
                : t('microgrid.infeasible.single')}
          </p>
          {mode === 'any'
            ? groups.map((group, g) => (
                <div
                  key={g}
                  className="conflict-group"
                  data-testid="conflict-group"
                  data-alternative={group[0]?.alternative}
                >
                  {g > 0 ? <div className="conflict-or">{t('microgrid.infeasible.or')}</div> : null}
                  <div className="conflict-group-title">
                    {t('microgrid.infeasible.option', { n: g + 1 })}
                    {group.length > 1 ? (
                      <span className="muted small"> {t('microgrid.infeasible.together')}</span>
                    ) : null}
                  </div>
                  {items(group)}
                </div>
              ))
            : items(groups[0] ?? [])}
        </>
      )}
    </Card>
  );
}

function ConflictItem({
  conflict,
  stepMinutes,
  t,
  tx,
}: {
  conflict: Conflict;
  stepMinutes: number;
  t: I18n['t'];
  tx: I18n['tx'];
}) {
  const [family = '', ...rest] = conflict.constraint.split(':');
  const key = rest.join(':');
  const amount = formatQuantity(conflict.relaxBy, conflict.unit);
  return (
    <li className="conflict" data-testid="conflict" data-constraint={conflict.constraint}>
      <div className="conflict-line">
        <span className="conflict-name" data-testid="conflict-name">
          {tx(`microgrid.constraint.${family}`, family)}
          {key && key !== 'grid' ? <code className="issue-field">{key}</code> : null}
        </span>
        <span className="conflict-amount" data-testid="conflict-relax">
          {t('microgrid.infeasible.relaxBy', { amount })}
        </span>
      </div>
      {conflict.steps && conflict.steps.length > 0 ? (
        <div className="conflict-steps small" data-testid="conflict-steps">
          {t('microgrid.infeasible.steps', { steps: stepRanges(conflict.steps, stepMinutes, t) })}{' '}
          <span className="muted">
            ({t('microgrid.infeasible.stepCount', { count: formatCount(conflict.steps.length) })})
          </span>
        </div>
      ) : null}
      <div className="muted small" data-testid="conflict-description">
        {conflict.description}
      </div>
    </li>
  );
}

function Failure({ outcome }: { outcome: SolveFailure }) {
  const { t } = useI18n();
  return (
    <div className="error-box error-error" role="alert" data-testid="run-failure">
      <div>
        <strong>{t('microgrid.error.title', { reason: outcome.reason })}</strong>
        <div>{outcome.message}</div>
      </div>
    </div>
  );
}

// ---------- sizing ----------

function SizingView({ result }: { result: SizingResult }) {
  const { t } = useI18n();
  const cap = result.capacities;
  const capacity = (tech: 'pv' | 'wind' | 'storageEnergy' | 'storagePower', unit: string) => (
    <KpiCard
      label={t(`microgrid.sizing.${tech}`)}
      value={formatQuantity(cap[tech].total, unit)}
      sub={t('microgrid.sizing.existingAdded', {
        existing: formatQuantity(cap[tech].existing, unit),
        added: formatQuantity(cap[tech].added, unit),
      })}
      testId={`kpi-capacity-${tech}`}
    />
  );
  const costs = useMemo(() => costOption(result, t), [result, t]);
  const week = useMemo(() => {
    const d = result.dispatch;
    const n = Math.min(d.loadKw.length, (7 * 24 * 60) / d.stepMinutes);
    const cut = (a: readonly number[]) => a.slice(0, n);
    const labels = Array.from({ length: n }, (_, i) => stepLabel(i, d.stepMinutes, t));
    return stackOption(
      labels.map((l, i) =>
        i < (24 * 60) / d.stepMinutes ? t('microgrid.chart.dayTime', { day: 1, time: l }) : l,
      ),
      [
        { name: t('microgrid.series.pvUsed'), data: cut(d.pvUsedKw), color: COLOURS.pvUsed },
        { name: t('microgrid.series.windUsed'), data: cut(d.windUsedKw), color: COLOURS.windUsed },
        { name: t('microgrid.series.gridImport'), data: cut(d.gridImportKw), color: COLOURS.gridImport },
        { name: t('microgrid.series.discharge'), data: cut(d.dischargeKw), color: COLOURS.discharge },
      ],
      [
        { name: t('microgrid.series.load'), data: cut(d.loadKw), color: COLOURS.load },
        { name: t('microgrid.series.charge'), data: cut(d.chargeKw), color: COLOURS.charge },
        { name: t('microgrid.series.export'), data: cut(d.gridExportKw), color: COLOURS.export },
      ],
      null,
    );
  }, [result, t]);

  return (
    <>
      <div className="kpi-grid microgrid-kpis" data-testid="sizing-capacities">
        {capacity('pv', 'kW')}
        {capacity('wind', 'kW')}
        {capacity('storageEnergy', 'kWh')}
        {capacity('storagePower', 'kW')}
      </div>
      <div className="kpi-grid microgrid-kpis" data-testid="sizing-kpis">
        <KpiCard
          label={t('microgrid.sizing.totalCost')}
          value={formatCny(result.cost.totalCny)}
          footnote={t(`microgrid.sizing.mode.${result.mode}`)}
          testId="kpi-sizing-total-cost"
          emphasis
        />
        <KpiCard
          label={t('microgrid.sizing.lcoe')}
          value={`${formatCny(result.levelisedCostCnyPerKwh, 3)}/kWh`}
          footnote={t('microgrid.sizing.lcoeNote')}
          testId="kpi-lcoe"
        />
        <KpiCard
          label={t('microgrid.sizing.greenShare')}
          value={formatPercent(result.greenShare)}
          footnote={t('microgrid.sizing.greenShareNote', { min: formatPercent(result.minStepGreenShare) })}
          testId="kpi-green-share"
        />
        <KpiCard
          label={t('microgrid.sizing.curtailment')}
          value={formatPercent(result.energy.curtailmentShare)}
          sub={t('microgrid.sizing.curtailmentNote', {
            value: formatQuantity(result.energy.curtailedKwh, 'kWh'),
          })}
          testId="kpi-curtailment"
        />
        <KpiCard
          label={t('microgrid.sizing.co2')}
          value={formatQuantity(result.co2Tco2, 'tCO₂')}
          testId="kpi-sizing-co2"
        />
      </div>
      <div className="grid-2-1">
        <Card title={t('microgrid.chart.week')} testId="sizing-week-card">
          <EChart option={week} height={320} testId="sizing-week" ariaLabel={t('microgrid.chart.week')} />
        </Card>
        <Card title={t('microgrid.chart.costs')} testId="sizing-costs-card">
          <EChart option={costs} height={320} testId="sizing-costs" ariaLabel={t('microgrid.chart.costs')} />
        </Card>
      </div>
    </>
  );
}

function costOption(result: SizingResult, t: I18n['t']): ChartOption {
  const c = result.cost;
  const capex = c.annualisedCapexCny;
  const om = Object.values(c.omCny).reduce((a, b) => a + b, 0);
  const rows: { name: string; value: number; color: string }[] = [
    {
      name: t('microgrid.cost.capex', { tech: t('microgrid.tech.pv') }),
      value: capex.pv,
      color: COLOURS.pvUsed,
    },
    {
      name: t('microgrid.cost.capex', { tech: t('microgrid.tech.wind') }),
      value: capex.wind,
      color: COLOURS.windUsed,
    },
    {
      name: t('microgrid.cost.capex', { tech: t('microgrid.tech.storage') }),
      value: capex.storageEnergy + capex.storagePower,
      color: COLOURS.discharge,
    },
    { name: t('microgrid.cost.om'), value: om, color: '#9aa9a0' },
    { name: t('microgrid.cost.energy'), value: c.energyCny, color: COLOURS.gridImport },
    { name: t('microgrid.cost.demand'), value: c.demandCny, color: COLOURS.load },
    { name: t('microgrid.cost.export'), value: -c.exportRevenueCny, color: COLOURS.export },
  ].filter((r) => Math.abs(r.value) > 0.5);
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (raw: unknown) => {
        const p = raw as { name: string; value: number };
        return `<div class="tt"><div class="tt-title">${esc(p.name)}</div><b>${esc(formatCny(p.value))}</b></div>`;
      },
    },
    xAxis: {
      type: 'value',
      axisLabel: { color: AXIS_COLOUR, formatter: (v: number) => formatCny(v) },
      splitLine: { lineStyle: { color: GRID_COLOUR } },
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.name),
      axisLabel: { color: '#4b5a52' },
      axisTick: { show: false },
      axisLine: { lineStyle: { color: AXIS_COLOUR } },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 22,
        data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.color } })),
        label: {
          show: true,
          position: 'right',
          color: '#4b5a52',
          formatter: (p: { value: unknown }) => formatCny(p.value as number),
        },
      },
    ],
  };
}

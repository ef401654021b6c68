/**
 * 潮流追踪: physical tracing by proportional sharing (Bialek 1996, gross upstream). A network file — a snapshot, a
 * series of hourly snapshots or a zone model — is sent as it is; a snapshot shows each load's shares by technology
 * (stacked bars) and by generator, and the mix each line carries; a series or zone model shows the hourly green
 * share and its summary. A refused file lists each problem with its JSON path and reason.
 */
import { useMemo, useState } from 'react';
import {
  traceNetwork,
  type SeriesPoint,
  type SeriesSummary,
  type SnapshotTrace,
  type TraceAnswer,
} from '../../api/green.ts';
import { EChart } from '../../charts/EChart.tsx';
import type { ChartOption } from '../../charts/echarts.ts';
import {
  axisTooltip,
  categoryAxis,
  chartLegend,
  namesAxis,
  shareAxis,
  tooltipHtml,
} from '../../charts/option-parts.ts';
import {
  LoadFileButton,
  saveFailure,
  SaveFailureNotice,
  type SaveFailure,
} from '../../components/file-editor.tsx';
import { Card, TextField } from '../../components/ui.tsx';
import { formatCount, formatNumber, formatPercent } from '../../format.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { technologyColour, technologyOrder } from './green-view.ts';
import { MonthMeans } from './MonthMeans.tsx';
import { SAMPLE_TEXT } from './trace-sample.ts';

type Outcome =
  | { kind: 'none' }
  | { kind: 'done'; answer: TraceAnswer }
  | { kind: 'syntax'; message: string }
  | SaveFailure;

export function TraceTab() {
  const { t } = useI18n();
  const { park } = usePark();
  const [text, setText] = useState(SAMPLE_TEXT);
  const [load, setLoad] = useState('');
  const [zone, setZone] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });

  const trace = async () => {
    // A file that is not JSON at all is named here: the server would only say that the body is not JSON.
    try {
      JSON.parse(text);
    } catch (e) {
      setOutcome({ kind: 'syntax', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    setBusy(true);
    setOutcome({ kind: 'none' });
    try {
      const target = {
        ...(load.trim() ? { load: load.trim() } : {}),
        ...(zone.trim() ? { zone: zone.trim() } : {}),
      };
      setOutcome({ kind: 'done', answer: await traceNetwork(park.id, text, target) });
    } catch (e) {
      setOutcome(saveFailure(e));
    } finally {
      setBusy(false);
    }
  };

  /** A new file (loaded, or the sample) starts without the last one's outcome. */
  const replaceText = (content: string) => {
    setText(content);
    setOutcome({ kind: 'none' });
  };

  return (
    <>
      <Card
        title={t('green.trace.file')}
        testId="trace-card"
        actions={
          <>
            <LoadFileButton accept=".json,application/json" onText={replaceText} testId="trace-file" />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => replaceText(SAMPLE_TEXT)}
              data-testid="trace-sample"
            >
              {t('green.trace.sample')}
            </button>
          </>
        }
      >
        <p className="help">{t('green.trace.help')}</p>
        <textarea
          className="code-editor green-trace-text"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('green.trace.file')}
          data-testid="trace-text"
        />
        <div className="form-row green-trace-run">
          <TextField
            inline
            label={t('green.trace.load')}
            value={load}
            onChange={setLoad}
            testId="trace-load"
          />
          <TextField
            inline
            label={t('green.trace.zone')}
            value={zone}
            onChange={setZone}
            testId="trace-zone"
          />
          <span className="muted small">{t('green.trace.targetHelp')}</span>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            onClick={() => void trace()}
            data-testid="trace-run"
          >
            {t('green.trace.run')}
          </button>
        </div>
        {outcome.kind === 'syntax' || outcome.kind === 'issues' || outcome.kind === 'error' ? (
          <SaveFailureNotice
            failure={
              outcome.kind === 'syntax'
                ? {
                    kind: 'issues',
                    message: t('green.trace.notJson', { message: outcome.message }),
                    issues: [],
                  }
                : outcome
            }
            heading={t('green.trace.refused')}
            testId="trace-issues"
            itemTestId="trace-issue"
          />
        ) : null}
      </Card>
      {outcome.kind === 'done' ? (
        outcome.answer.kind === 'snapshot' ? (
          <SnapshotResult trace={outcome.answer.trace} />
        ) : (
          <SeriesResult
            points={outcome.answer.points}
            summary={outcome.answer.summary}
            kind={outcome.answer.kind}
          />
        )
      ) : null}
    </>
  );
}

const mixText = (mix: Record<string, number>, tx: I18n['tx']) =>
  technologyOrder([mix])
    .map((tech) => `${technologyName(tx, tech)} ${formatPercent(mix[tech])}`)
    .join(' · ');

function SnapshotResult({ trace }: { trace: SnapshotTrace }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const option = useMemo(() => loadSharesOption(trace, i18n), [trace, i18n]);
  return (
    <>
      <Card title={t('green.trace.loads')} testId="trace-result">
        <div className="green-detail-kpis" data-testid="trace-summary">
          <span>
            {t('green.trace.method')}{' '}
            <b className="mono">
              {trace.method.id}@{trace.method.version}
            </b>
          </span>
          {trace.at ? (
            <span>
              {t('green.col.at')} <b>{trace.at}</b>
            </span>
          ) : null}
          <span>
            {t('green.trace.generation')} <b>{formatNumber(trace.generationMw)} MW</b>
          </span>
          <span>
            {t('green.trace.loadMw')} <b>{formatNumber(trace.loadMw)} MW</b>
          </span>
          <span>
            {t('green.trace.losses')} <b>{formatNumber(trace.lossesMw)} MW</b>
          </span>
          <span>
            {t('green.trace.solver')} <b>{tx(`green.trace.solver.${trace.solver}`, trace.solver)}</b>
          </span>
        </div>
        <p className="small muted">
          {t('green.trace.greenTechnologies', {
            list: trace.greenTechnologies.map((k) => technologyName(tx, k)).join('、'),
          })}
        </p>
        {trace.loads.length > 0 ? (
          <EChart
            option={option}
            height={Math.max(160, 46 * trace.loads.length + 70)}
            testId="trace-chart"
            ariaLabel={t('green.trace.loads')}
          />
        ) : null}
        <div className="table-wrap">
          <table className="table table-compact" data-testid="trace-loads">
            <thead>
              <tr>
                <th>{t('green.trace.load')}</th>
                <th>{t('green.trace.bus')}</th>
                <th className="num">MW</th>
                <th className="num">{t('green.trace.grossMw')}</th>
                <th className="num">{t('green.trace.greenShare')}</th>
                <th>{t('green.trace.byTechnology')}</th>
              </tr>
            </thead>
            <tbody>
              {trace.loads.map((l) => (
                <tr key={l.load} data-testid="trace-load-row" data-load={l.load}>
                  <td className="mono nowrap">{l.load}</td>
                  <td className="nowrap">
                    {l.bus}
                    {l.zone ? <span className="muted small"> · {l.zone}</span> : null}
                  </td>
                  <td className="num">{formatNumber(l.mw)}</td>
                  <td className="num">{formatNumber(l.grossMw)}</td>
                  <td className="num" data-testid="trace-load-green">
                    {formatPercent(l.greenShare)}
                  </td>
                  <td className="small" data-testid="trace-load-mix">
                    {mixText(l.byTechnology, tx)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <div className="grid-1-1">
        <Card title={t('green.trace.byGenerator')} testId="trace-generators-card">
          <table className="table table-compact" data-testid="trace-generators">
            <thead>
              <tr>
                <th>{t('green.trace.load')}</th>
                <th>{t('green.trace.generator')}</th>
                <th>{t('green.col.technology')}</th>
                <th className="num">{t('green.trace.share')}</th>
                <th className="num">MW</th>
              </tr>
            </thead>
            <tbody>
              {trace.loads.flatMap((l) =>
                l.byGenerator.map((g, i) => (
                  <tr key={`${l.load}|${g.generator}`} className={i === 0 ? 'row-first' : undefined}>
                    <td className="mono nowrap">{i === 0 ? l.load : ''}</td>
                    <td className="mono nowrap">{g.generator}</td>
                    <td className="nowrap">{technologyName(tx, g.technology)}</td>
                    <td className="num">{formatPercent(g.share)}</td>
                    <td className="num">{formatNumber(g.mw)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </Card>
        <Card title={t('green.trace.lines')} testId="trace-lines-card">
          <table className="table table-compact" data-testid="trace-lines">
            <thead>
              <tr>
                <th>{t('green.trace.line')}</th>
                <th>{t('green.trace.direction')}</th>
                <th className="num">{t('green.trace.sendingMw')}</th>
                <th className="num">{t('green.trace.receivingMw')}</th>
                <th className="num">{t('green.trace.greenShare')}</th>
                <th>{t('green.trace.byTechnology')}</th>
              </tr>
            </thead>
            <tbody>
              {trace.lines.map((l) => (
                <tr key={l.line}>
                  <td className="mono nowrap">{l.line}</td>
                  <td className="nowrap">
                    {l.sendingBus} → {l.receivingBus}
                  </td>
                  <td className="num">{formatNumber(l.sendingMw)}</td>
                  <td className="num">{formatNumber(l.receivingMw)}</td>
                  <td className="num">{formatPercent(l.greenShare)}</td>
                  <td className="small">{mixText(l.byTechnology, tx)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {trace.zones.length > 0 ? (
            <table className="table table-compact green-zones" data-testid="trace-zones">
              <thead>
                <tr>
                  <th>{t('green.trace.zone')}</th>
                  <th className="num">MW</th>
                  <th className="num">{t('green.trace.greenShare')}</th>
                  <th>{t('green.trace.byTechnology')}</th>
                </tr>
              </thead>
              <tbody>
                {trace.zones.map((z) => (
                  <tr key={z.zone}>
                    <td className="mono nowrap">{z.zone}</td>
                    <td className="num">{formatNumber(z.mw)}</td>
                    <td className="num">{formatPercent(z.greenShare)}</td>
                    <td className="small">{mixText(z.byTechnology, tx)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Card>
      </div>
    </>
  );
}

/** Each load as a bar of 100 %, stacked by technology. */
function loadSharesOption(trace: SnapshotTrace, { t, tx }: I18n): ChartOption {
  const loads = trace.loads;
  const techs = technologyOrder(loads.map((l) => l.byTechnology));
  return {
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: chartLegend(),
    tooltip: axisTooltip(
      loads,
      (l) =>
        tooltipHtml(
          l.load,
          technologyOrder([l.byTechnology]).map((tech) => [
            technologyName(tx, tech),
            formatPercent(l.byTechnology[tech]),
            technologyColour(tech),
          ]),
          `${t('green.trace.greenShare')} ${formatPercent(l.greenShare)}`,
        ),
      { shadow: true },
    ),
    xAxis: shareAxis(),
    yAxis: namesAxis(loads.map((l) => l.load)),
    series: techs.map((tech) => ({
      type: 'bar' as const,
      name: technologyName(tx, tech),
      stack: 'share',
      barMaxWidth: 26,
      itemStyle: { color: technologyColour(tech) },
      data: loads.map((l) => l.byTechnology[tech] ?? 0),
    })),
  };
}

function SeriesResult(props: { points: SeriesPoint[]; summary: SeriesSummary; kind: 'series' | 'zones' }) {
  const { t } = useI18n();
  const { points, summary } = props;
  const option = useMemo<ChartOption>(
    () => ({
      color: ['#35a673'],
      grid: { left: 8, right: 16, top: 16, bottom: points.length > 200 ? 48 : 8, containLabel: true },
      tooltip: axisTooltip(points, (p) =>
        tooltipHtml(p.at, [
          [t('green.trace.greenShare'), formatPercent(p.greenShare)],
          ['MW', formatNumber(p.mw)],
        ]),
      ),
      xAxis: categoryAxis(
        points.map((p) => p.at.slice(0, 16).replace('T', ' ')),
        { hideOverlap: true },
      ),
      yAxis: shareAxis(),
      dataZoom: points.length > 200 ? [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] : [],
      series: [
        {
          type: 'line',
          name: t('green.trace.greenShare'),
          showSymbol: points.length <= 48,
          sampling: 'lttb',
          data: points.map((p) => p.greenShare),
        },
      ],
    }),
    [points, t],
  );
  return (
    <Card title={t(`green.trace.series.${props.kind}`)} testId="trace-result">
      <div className="green-detail-kpis" data-testid="trace-summary">
        <span>
          {t('green.trace.points')} <b>{formatCount(summary.points)}</b>
        </span>
        <span>
          {t('green.trace.energy')} <b>{formatNumber(summary.energyMwh)} MWh</b>
        </span>
        <span>
          {t('green.trace.greenShare')}{' '}
          <b data-testid="trace-series-green">{formatPercent(summary.greenShare)}</b>
        </span>
        <span>
          {t('green.trace.range')}{' '}
          <b>
            {formatPercent(summary.minGreenShare)} – {formatPercent(summary.maxGreenShare)}
          </b>
        </span>
      </div>
      <EChart
        option={option}
        height={280}
        testId="trace-series-chart"
        ariaLabel={t('green.trace.greenShare')}
      />
      {Object.keys(summary.byMonth).length > 0 ? (
        <MonthMeans
          means={Object.entries(summary.byMonth).map(([month, mean]) => ({ month, mean }))}
          label={t('green.trace.greenShare')}
          testId="trace-months"
        />
      ) : null}
    </Card>
  );
}

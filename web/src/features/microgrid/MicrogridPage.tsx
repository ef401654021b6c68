/**
 * 源网荷储: the park's planning scenarios (sizing and dispatch), one scenario's file, its runs and the latest result.
 * Park admins edit, save and run; auditors read; enterprise users have no access (the server answers 403 too).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  getRun,
  getScenario,
  listScenarios,
  putScenario,
  startRun,
  type RunInfo,
  type RunWithResult,
  type ScenarioDetail,
  type ScenarioSummary,
} from '../../api/microgrid.ts';
import { useApi } from '../../api/use-api.ts';
import { IssueList, saveFailure, selectLine, type SaveFailure } from '../../components/file-editor.tsx';
import { Card, Empty, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatCny, formatCount, formatDate, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { RunResult } from './RunResult.tsx';
import { StatusTag } from './StatusTag.tsx';

export default function MicrogridPage({ scenario }: { scenario?: string }) {
  const { t } = useI18n();
  const { scope } = usePark();
  if (scope) {
    return (
      <>
        <PageHeader title={t('microgrid.title')} />
        <div className="error-box error-forbidden" role="alert" data-testid="error-message">
          {t('error.microgridParkOnly')}
        </div>
      </>
    );
  }
  return scenario ? <ScenarioPage id={scenario} /> : <ScenarioList />;
}

function KindTag({ kind }: { kind: ScenarioSummary['kind'] }) {
  const { t } = useI18n();
  return <span className="tag tag-muted">{t(`microgrid.kind.${kind}`)}</span>;
}

function ScenarioList() {
  const { t, locale } = useI18n();
  const { park, link } = usePark();
  const list = useApi((signal) => listScenarios(park.id, signal), [park.id]);
  const rows = list.data?.scenarios;
  return (
    <>
      <PageHeader title={t('microgrid.title')} subtitle={t('microgrid.subtitle')} />
      <Card title={t('microgrid.scenarios')} testId="scenario-list">
        {list.state === 'error' ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
        {rows && rows.length === 0 ? <Empty>{t('microgrid.none')}</Empty> : null}
        {rows && rows.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-hover">
              <thead>
                <tr>
                  <th>{t('microgrid.col.name')}</th>
                  <th>{t('microgrid.col.kind')}</th>
                  <th>{t('microgrid.col.id')}</th>
                  <th>{t('microgrid.col.updated')}</th>
                  <th>{t('microgrid.col.lastRun')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id} data-testid={`scenario-row-${s.id}`}>
                    <td>
                      <a href={link(['microgrid', s.id])} data-testid={`scenario-link-${s.id}`}>
                        {s.name}
                      </a>
                    </td>
                    <td>
                      <KindTag kind={s.kind} />
                    </td>
                    <td className="mono small">{s.id}</td>
                    <td className="small">
                      {t('microgrid.updatedBy', {
                        by: s.updatedBy,
                        at: formatDate(s.updatedAtMs, park.timezone, locale, 'dateTime'),
                      })}
                    </td>
                    <td>
                      <LastRun id={s.id} run={s.lastRun} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {!rows && list.state === 'loading' ? <Loading /> : null}
      </Card>
    </>
  );
}

/** A scenario's newest run, as the list gives it. */
function LastRun({ id, run }: { id: string; run: RunInfo | null }) {
  const { locale } = useI18n();
  const { park } = usePark();
  return (
    <span className="nowrap">
      <StatusTag
        status={run?.status ?? null}
        interrupted={run?.interrupted}
        testId={`scenario-status-${id}`}
      />
      {run ? (
        <span className="muted small"> {formatDate(run.startedAtMs, park.timezone, locale, 'dateTime')}</span>
      ) : null}
    </span>
  );
}

/** How often a running run is asked for its progress, ms. */
const POLL_MS = 1000;

/**
 * The latest view of one run: fetched, then again every POLL_MS while it is running (its solver progress), until
 * it ends or is reported interrupted.
 */
function useRunWatch(park: string, runId: number | null) {
  const [state, setState] = useState<{ view: RunWithResult | null; error: unknown }>({
    view: null,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (runId === null) return;
    const controller = new AbortController();
    let timer: number | undefined;
    const poll = () => {
      getRun(park, runId, controller.signal)
        .then((view) => {
          if (controller.signal.aborted) return;
          setState({ view, error: null });
          if (view.status === 'running' && !view.interrupted) timer = window.setTimeout(poll, POLL_MS);
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) setState({ view: null, error });
        });
    };
    poll();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [park, runId, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

function ScenarioPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const { park, link, isAdmin } = usePark();
  const scenario = useApi((signal) => getScenario(park.id, id, signal), [park.id, id]);
  const [starting, setStarting] = useState(false);
  const [startedId, setStartedId] = useState<number | null>(null);
  const [runError, setRunError] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);
  const data = scenario.data;
  const listed = data?.id === id ? data.runs[0] : undefined;
  // The run just started may not be in the list yet.
  const latestId = Math.max(listed?.id ?? 0, startedId ?? 0) || null;
  const watch = useRunWatch(park.id, latestId);
  const live = watch.view && watch.view.id === latestId ? watch.view : null;
  const solving = live !== null && live.status === 'running' && !live.interrupted;
  const busy = starting || solving;

  // The run list still says running for a run that has ended: read it again.
  const listedStatus = data?.runs.find((r) => r.id === live?.id)?.status;
  const liveStatus = live?.status;
  const reloadScenario = scenario.reload;
  useEffect(() => {
    if (listedStatus === 'running' && liveStatus !== undefined && liveStatus !== 'running') reloadScenario();
  }, [listedStatus, liveStatus, reloadScenario]);

  const run = async () => {
    setStarting(true);
    setRunError(null);
    try {
      // In the background: the answer comes once the run is recorded, and the page follows its progress.
      const r = await startRun(park.id, id);
      setStartedId(r.runId);
    } catch (e) {
      setRunError(e);
    } finally {
      setStarting(false);
      scenario.reload();
    }
  };

  if (scenario.state === 'error') {
    return (
      <>
        <a className="back-link" href={link(['microgrid'])} data-testid="microgrid-back">
          {t('microgrid.back')}
        </a>
        <PageHeader title={t('microgrid.title')} />
        <ErrorMessage error={scenario.error} onRetry={scenario.reload} />
      </>
    );
  }
  if (!data) return <Loading />;

  const subtitle = (
    <>
      <KindTag kind={data.kind} /> <span className="mono small">{data.id}</span>
      {data.spec.date ? <> · {t('microgrid.forDate', { date: data.spec.date })}</> : null}
      {data.spec.period ? <> · {t('microgrid.forPeriod', { period: data.spec.period })}</> : null} ·{' '}
      {t('microgrid.updatedBy', {
        by: data.updatedBy,
        at: formatDate(data.updatedAtMs, park.timezone, locale, 'dateTime'),
      })}
    </>
  );

  return (
    <>
      <a className="back-link" href={link(['microgrid'])} data-testid="microgrid-back">
        {t('microgrid.back')}
      </a>
      <PageHeader
        title={data.name}
        testId="scenario-title"
        subtitle={subtitle}
        actions={
          isAdmin ? (
            <>
              {dirty ? <span className="small muted">{t('microgrid.unsaved')}</span> : null}
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void run()}
                disabled={busy}
                aria-busy={busy}
                title={t('microgrid.runHelp')}
                data-testid="microgrid-run"
              >
                {busy ? (
                  <>
                    <span className="spinner spinner-inline" aria-hidden="true" /> {t('microgrid.running')}
                  </>
                ) : (
                  t('microgrid.run')
                )}
              </button>
            </>
          ) : null
        }
      />
      {runError ? <ErrorMessage error={runError} /> : null}
      <LatestResult detail={data} runId={latestId} view={live} error={watch.error} onRetry={watch.reload} />
      <div className="grid-2-1 microgrid-lower">
        <ScenarioEditor key={data.id} detail={data} onSaved={scenario.reload} onDirty={setDirty} />
        <RunList runs={data.runs} />
      </div>
    </>
  );
}

function LatestResult({
  detail,
  runId,
  view,
  error,
  onRetry,
}: {
  detail: ScenarioDetail;
  runId: number | null;
  view: RunWithResult | null;
  error: unknown;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  const { isAdmin } = usePark();
  let body;
  if (runId === null) {
    body = <Empty>{isAdmin ? t('microgrid.noRunAdmin') : t('microgrid.noRun')}</Empty>;
  } else if (error) {
    body = <ErrorMessage error={error} onRetry={onRetry} />;
  } else if (!view) {
    body = <Loading />;
  } else if (view.status === 'running' && view.interrupted) {
    body = (
      <div className="error-box error-error" role="alert" data-testid="run-interrupted">
        <div>
          <strong>{t('microgrid.interrupted.title', { id: view.id })}</strong>
          <div>{t('microgrid.interrupted.body')}</div>
        </div>
      </div>
    );
  } else if (view.status === 'running') {
    body = <RunProgressCard run={view} />;
  } else if (!view.result) {
    const message = typeof view.summary?.message === 'string' ? view.summary.message : '—';
    body = (
      <div className="error-box error-error" role="alert" data-testid="run-no-result">
        {t('microgrid.runNoResult', { message })}
      </div>
    );
  } else {
    body = <RunResult outcome={view.result} spec={detail.spec} run={view} />;
  }
  return (
    <section className="microgrid-result" data-testid="microgrid-result">
      {body}
    </section>
  );
}

/** A run being solved: what the solver last reported (phase, iterations, time), instead of a bare spinner. */
function RunProgressCard({ run }: { run: RunWithResult }) {
  const { t } = useI18n();
  const p = run.progress;
  return (
    <Card className="run-progress" testId="run-progress">
      <div className="run-progress-head">
        <span className="spinner spinner-inline" aria-hidden="true" />
        <strong data-testid="run-progress-phase">
          {t(p?.phase === 'solving' ? 'microgrid.progress.solving' : 'microgrid.progress.preparing', {
            id: run.id,
          })}
        </strong>
      </div>
      <div className="result-line" role="status" aria-live="polite">
        {p ? (
          <span>
            {t('microgrid.progress.elapsed')}{' '}
            <b data-testid="run-progress-elapsed">{formatNumber(p.elapsedMs / 1000, 1)} s</b>
          </span>
        ) : null}
        {p && p.iterations !== null ? (
          <span>
            {t('microgrid.progress.iterations')}{' '}
            <b data-testid="run-progress-iterations">{formatCount(p.iterations)}</b>
          </span>
        ) : null}
        {p && p.solveElapsedMs !== null ? (
          <span>
            {t('microgrid.progress.solveElapsed')} <b>{formatNumber(p.solveElapsedMs / 1000, 1)} s</b>
          </span>
        ) : null}
        {p && p.objective !== null ? (
          <span>
            {t('microgrid.progress.objective')} <b>{formatNumber(p.objective)}</b>
          </span>
        ) : null}
      </div>
      {p?.lastLog ? (
        <div className="mono small muted run-progress-log" data-testid="run-progress-log">
          {p.lastLog}
        </div>
      ) : null}
      <p className="help">{t('microgrid.progress.help')}</p>
    </Card>
  );
}

function RunList({ runs }: { runs: RunInfo[] }) {
  const { t, locale } = useI18n();
  const { park } = usePark();
  return (
    <Card title={t('microgrid.runs')} testId="run-list">
      {runs.length === 0 ? (
        <Empty>{t('microgrid.noRun')}</Empty>
      ) : (
        <div className="table-scroll">
          <table className="table table-compact">
            <thead>
              <tr>
                <th>{t('microgrid.col.run')}</th>
                <th>{t('microgrid.col.status')}</th>
                <th>{t('microgrid.col.started')}</th>
                <th className="num">{t('microgrid.col.cost')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const totals = r.summary?.totals as { costCny?: number } | undefined;
                return (
                  <tr key={r.id} data-testid="run-row">
                    <td className="mono">#{r.id}</td>
                    <td>
                      <StatusTag status={r.status} interrupted={r.interrupted} />
                    </td>
                    <td className="small">
                      {formatDate(r.startedAtMs, park.timezone, locale, 'dateTime')}
                      <div className="muted">{r.startedBy}</div>
                    </td>
                    <td className="num">{totals?.costCny !== undefined ? formatCny(totals.costCny) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

type SaveOutcome = { kind: 'none' } | { kind: 'saved' } | SaveFailure;

function ScenarioEditor({
  detail,
  onSaved,
  onDirty,
}: {
  detail: ScenarioDetail;
  onSaved: () => void;
  onDirty: (dirty: boolean) => void;
}) {
  const { t } = useI18n();
  const { park, isAdmin } = usePark();
  const [text, setText] = useState(detail.source);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<SaveOutcome>({ kind: 'none' });
  const area = useRef<HTMLTextAreaElement>(null);
  const dirty = text !== detail.source;
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const save = async () => {
    setBusy(true);
    setOutcome({ kind: 'none' });
    try {
      await putScenario(park.id, detail.id, text);
      setOutcome({ kind: 'saved' });
      onSaved();
    } catch (e) {
      setOutcome(saveFailure(e));
    } finally {
      setBusy(false);
    }
  };

  const goToLine = (line: number) => selectLine(area.current, text, line);

  return (
    <Card
      title={isAdmin ? t('microgrid.editor') : t('microgrid.editorReadOnly')}
      testId="scenario-editor"
      actions={
        isAdmin ? (
          <>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setText(detail.source);
                setOutcome({ kind: 'none' });
              }}
              disabled={!dirty || busy}
            >
              {t('microgrid.revert')}
            </button>
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => void save()}
              disabled={busy}
              data-testid="scenario-save"
            >
              {busy ? t('microgrid.saving') : t('microgrid.save')}
            </button>
          </>
        ) : null
      }
    >
      {outcome.kind === 'issues' ? (
        <IssueList
          heading={t('microgrid.errors', { count: formatCount(Math.max(1, outcome.issues.length)) })}
          message={outcome.message}
          issues={outcome.issues}
          lineLabel={(line) => t('microgrid.line', { line })}
          onLine={goToLine}
          testId="scenario-errors"
          itemTestId="scenario-issue"
        />
      ) : null}
      {outcome.kind === 'error' ? <ErrorMessage error={outcome.error} /> : null}
      {outcome.kind === 'saved' ? (
        <div className="success-box" data-testid="scenario-saved">
          {t('microgrid.saved')}
        </div>
      ) : null}
      <textarea
        ref={area}
        className="code-editor scenario-editor"
        spellCheck={false}
        value={text}
        readOnly={!isAdmin}
        onChange={(e) => setText(e.target.value)}
        aria-label={t('microgrid.editor')}
        data-testid="scenario-text"
      />
    </Card>
  );
}

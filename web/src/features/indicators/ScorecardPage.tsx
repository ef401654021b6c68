/**
 * 指标评估: the park's scorecard for a year under an indicator set — the set, the park's energy band and the method,
 * then every indicator by category with its value, the threshold for the band, the outcome, the gap, and what is
 * missing. A row opens to its formula, inputs and the threshold's provenance; park admins fill in configurable
 * thresholds there, which saves the set's next version and scores against it. Park-level: no enterprise users.
 */
import { Fragment, useState } from 'react';
import {
  getScorecard,
  listIndicatorSets,
  type IndicatorCategory,
  type IndicatorOutcome,
  type IndicatorResult,
  type IndicatorSet,
  type Scorecard,
} from '../../api/indicators.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, CoverageBar, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatCount, formatPercent, formatTce } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { parsePeriod } from '../../period.ts';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { ProfileSelect } from '../carbon/ProfileSelect.tsx';
import { formatGap, formatIndicatorValue, formatThreshold } from './indicator-format.ts';
import { ThresholdForm, configurableThreshold } from './ThresholdForm.tsx';
import { localName } from '../../names.ts';

const CATEGORIES: readonly IndicatorCategory[] = ['core', 'guiding', 'characteristic'];

export default function ScorecardPage() {
  const { t } = useI18n();
  const { scope } = usePark();
  if (scope) {
    return (
      <>
        <PageHeader title={t('indicators.title')} />
        <div className="error-box error-forbidden" role="alert" data-testid="error-message">
          {t('error.indicatorsParkOnly')}
        </div>
      </>
    );
  }
  return <ScorecardView />;
}

/** Years the park has data for (at least the period's year). */
function yearOptions(fromMs: number | null, latestDay: string | null, current: number): number[] {
  const last = latestDay ? Number(latestDay.slice(0, 4)) : current;
  const first = fromMs === null ? last : new Date(fromMs).getUTCFullYear();
  const years = new Set<number>([current]);
  for (let y = Math.min(first, last); y <= Math.max(first, last); y++) years.add(y);
  return [...years].sort((a, b) => b - a);
}

function ScorecardView() {
  const { t, locale } = useI18n();
  const { park, period } = usePark();
  const [yearParam, setYear] = useQueryParam('year');
  const [setParam, setSet] = useQueryParam('set');
  const [profileParam, setProfile] = useQueryParam('profile');
  const periodYear = Number((parsePeriod(period)?.fromDay ?? period).slice(0, 4));
  const year = yearParam && /^\d{4}$/.test(yearParam) ? Number(yearParam) : periodYear;
  const card = useApi(
    (signal) => getScorecard(park.id, { year, set: setParam, profile: profileParam }, signal),
    [park.id, year, setParam, profileParam],
  );
  const sets = useApi((signal) => listIndicatorSets(park.id, signal), [park.id]);
  const [saved, setSaved] = useState<IndicatorSet | null>(null);

  const onSaved = (next: IndicatorSet) => {
    setSaved(next);
    sets.reload();
    const ref = `${next.id}@${next.version}`;
    // Scoring against the new version: a changed parameter reloads the scorecard; the same one needs a reload.
    if (setParam === ref) card.reload();
    else setSet(ref);
  };

  const data = card.data;
  return (
    <>
      <PageHeader
        title={t('indicators.title')}
        subtitle={`${park.name} · ${t('indicators.yearLabel', { year })}`}
        testId="page-title"
      />
      <div className="filters account-controls" data-testid="scorecard-controls">
        <label className="inline-field">
          <span>{t('indicators.year')}</span>
          <select value={year} onChange={(e) => setYear(e.target.value)} data-testid="scorecard-year">
            {yearOptions(park.dataFromMs, park.latestDay, year).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('indicators.set')}</span>
          <select
            value={setParam ?? ''}
            onChange={(e) => setSet(e.target.value || null)}
            data-testid="scorecard-set"
          >
            <option value="">{t('indicators.setDefault')}</option>
            {(sets.data?.sets ?? []).map((s) => (
              <option key={`${s.id}@${s.version}`} value={`${s.id}@${s.version}`}>
                {localName(s, locale)} · {s.id}@{s.version}
              </option>
            ))}
          </select>
        </label>
        <ProfileSelect value={profileParam} onChange={setProfile} testId="scorecard-profile" />
      </div>
      {saved ? (
        <div className="success-box" role="status" data-testid="threshold-saved">
          {t('indicators.savedAs', {
            name: localName(saved, locale),
            id: saved.id,
            version: saved.version,
          })}
        </div>
      ) : null}
      {card.state === 'error' ? <ErrorMessage error={card.error} onRetry={card.reload} /> : null}
      {data ? (
        <div className={card.state === 'loading' ? 'stale' : ''}>
          <Summary card={data} />
          <Results card={data} sets={sets.data?.sets ?? []} onSaved={onSaved} />
        </div>
      ) : card.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

function OutcomeTag({ outcome, testId }: { outcome: IndicatorOutcome; testId?: string }) {
  const { t } = useI18n();
  const cls: Record<IndicatorOutcome, string> = {
    pass: 'tag outcome-pass',
    fail: 'tag tag-failed',
    no_threshold: 'tag tag-muted',
    not_computable: 'tag tag-warn',
    not_applicable: 'tag tag-muted',
  };
  return (
    <span className={cls[outcome]} data-testid={testId} data-outcome={outcome}>
      {t(`indicators.outcome.${outcome}`)}
    </span>
  );
}

function Summary({ card }: { card: Scorecard }) {
  const { t, locale } = useI18n();
  const core = card.core;
  const outcomes: IndicatorOutcome[] = ['pass', 'fail', 'no_threshold', 'not_computable', 'not_applicable'];
  return (
    <section className="method-banner scorecard-summary" data-testid="scorecard-summary">
      <div className="method-main">
        <span className="method-label">{t('indicators.set')}</span>
        <strong className="method-name" data-testid="scorecard-set-name">
          {localName(card.set, locale)}
        </strong>
        <code className="method-id" data-testid="scorecard-set-id">
          {card.set.id}@{card.set.version}
        </code>
        <span className="tag tag-muted">{t(`indicators.setStatus.${card.set.status}`)}</span>
        <span className="spacer" />
        <span className="method-label">{t('indicators.core')}</span>
        <span
          className={
            core === 'pass' ? 'tag outcome-pass' : core === 'fail' ? 'tag tag-failed' : 'tag tag-warn'
          }
          data-testid="scorecard-core"
          data-core={core}
        >
          {t(`indicators.coreOutcome.${core}`)}
        </span>
      </div>
      <dl className="method-facts">
        <div>
          <dt>{t('indicators.band')}</dt>
          <dd data-testid="scorecard-band">
            {formatTce(card.band.energyTce)}
            {card.band.label ? ` · ${t('indicators.bandLabel', { band: card.band.label })}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('account.method')}</dt>
          <dd>
            <span className="mono">
              {card.method.id}@{card.method.version}
            </span>{' '}
            · {t(`account.electricity.${card.method.electricityTce}`)}
          </dd>
        </div>
        {card.targetYear !== null ? (
          <div>
            <dt>{t('indicators.targetYear')}</dt>
            <dd>{card.targetYear}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('indicators.accountCoverage')}</dt>
          <dd>
            <CoverageBar share={card.account.coverage} text={formatPercent(card.account.coverage)} />{' '}
            <span className={card.account.complete ? 'tag' : 'tag tag-warn'}>
              {card.account.complete ? t('account.complete') : t('account.incomplete')}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('indicators.counts')}</dt>
          <dd className="outcome-counts" data-testid="scorecard-counts">
            {outcomes
              .filter((o) => card.counts[o] > 0)
              .map((o) => (
                <span key={o}>
                  <OutcomeTag outcome={o} /> {formatCount(card.counts[o])}
                </span>
              ))}
          </dd>
        </div>
      </dl>
      <p className="small muted set-source">{t('indicators.source', { source: card.set.source })}</p>
      {card.notes.length > 0 ? (
        <ul className="note-list" data-testid="scorecard-notes">
          {card.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Results(props: {
  card: Scorecard;
  sets: readonly IndicatorSet[];
  onSaved: (s: IndicatorSet) => void;
}) {
  const { t, locale } = useI18n();
  const [openId, setOpenId] = useState<string | null>(null);
  const { card } = props;
  return (
    <Card title={t('indicators.results')} testId="scorecard-card">
      <div className="table-wrap">
        <table className="table table-hover scorecard-table" data-testid="scorecard-table">
          <thead>
            <tr>
              <th>{t('indicators.col.name')}</th>
              <th className="num">{t('indicators.col.value')}</th>
              <th className="num">{t('indicators.col.threshold')}</th>
              <th>{t('indicators.col.outcome')}</th>
              <th className="num">{t('indicators.col.gap')}</th>
              <th>{t('indicators.col.note')}</th>
            </tr>
          </thead>
          {CATEGORIES.map((category) => {
            const rows = card.results.filter((r) => r.category === category);
            if (rows.length === 0) return null;
            return (
              <tbody key={category} data-testid={`category-${category}`}>
                <tr className="group-row">
                  <th colSpan={6}>
                    {t(`indicators.category.${category}`)} <span className="muted">({rows.length})</span>
                  </th>
                </tr>
                {rows.map((r) => {
                  const open = openId === r.indicator;
                  return (
                    <Fragment key={r.indicator}>
                      <tr
                        className={open ? 'row-open' : undefined}
                        onClick={() => setOpenId(open ? null : r.indicator)}
                        aria-expanded={open}
                        data-testid="indicator-row"
                        data-indicator={r.indicator}
                      >
                        <td>
                          <span className="expander" aria-hidden="true">
                            {open ? '▾' : '▸'}
                          </span>
                          {localName(r, locale)}
                          {!r.complete ? (
                            <span className="tag tag-warn" title={t('indicators.incompleteHelp')}>
                              {t('indicators.incomplete')}
                            </span>
                          ) : null}
                        </td>
                        <td className="num" data-testid="indicator-value">
                          {formatIndicatorValue(r.value, r.unit)}
                        </td>
                        <td className="num" data-testid="indicator-threshold">
                          {formatThreshold(r.threshold, r.unit, r.direction)}
                        </td>
                        <td>
                          <OutcomeTag outcome={r.outcome} testId="indicator-outcome" />
                        </td>
                        <td
                          className={`num gap ${r.gap === null ? '' : r.gap >= 0 ? 'gap-ok' : 'gap-short'}`}
                        >
                          {formatGap(r.gap, r.unit, locale)}
                        </td>
                        <td className="small indicator-note">
                          <ResultNote result={r} />
                        </td>
                      </tr>
                      {open ? (
                        <tr className="row-detail">
                          <td colSpan={6}>
                            <ResultDetail result={r} card={card} sets={props.sets} onSaved={props.onSaved} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            );
          })}
        </table>
      </div>
      <p className="footnote">{t('indicators.gapNote')}</p>
    </Card>
  );
}

/** The missing inputs of a result that cannot be computed, or why it is not pass/fail. */
function ResultNote({ result }: { result: IndicatorResult }) {
  const { t } = useI18n();
  if (result.outcome === 'not_computable' && result.missing.length > 0) {
    return (
      <span className="missing-text" data-testid="indicator-missing">
        {t('account.missing', { what: result.missing.join('；') })}
      </span>
    );
  }
  // "No threshold" is said in the page's language (and whether a park admin may fill one in); other reasons are
  // the evaluation's own sentence.
  if (result.outcome === 'no_threshold')
    return (
      <span className="muted">
        {t('indicators.noThreshold')}
        {result.thresholdRef?.configurable ? ` ${t('indicators.canConfigure')}` : ''}
      </span>
    );
  return result.reason ? <span className="muted">{result.reason}</span> : null;
}

function ResultDetail(props: {
  result: IndicatorResult;
  card: Scorecard;
  sets: readonly IndicatorSet[];
  onSaved: (s: IndicatorSet) => void;
}) {
  const { t } = useI18n();
  const { isAdmin } = usePark();
  const r = props.result;
  const ref = r.thresholdRef;
  const target = configurableThreshold(r, props.card, props.sets);
  return (
    <div className="line-detail" data-testid="indicator-detail">
      <dl className="facts">
        <dt>{t('account.detail.formula')}</dt>
        <dd>
          <code data-testid="indicator-formula">{r.formula}</code>
        </dd>
        <dt>{t('indicators.applicability')}</dt>
        <dd className="small">{r.applicability}</dd>
        <dt>{t('indicators.thresholdSource')}</dt>
        <dd data-testid="indicator-threshold-source">
          {ref ? (
            <>
              {ref.source}{' '}
              <span className={`tag status-${ref.status}`}>{t(`factor.status.${ref.status}`)}</span>
              {ref.configurable ? (
                <span className="tag tag-muted">{t('indicators.configurable')}</span>
              ) : null}
              {r.band ? (
                <span className="muted small"> · {t('indicators.bandLabel', { band: r.band })}</span>
              ) : null}
              {ref.configured ? (
                <div className="muted small">
                  {t('indicators.configuredBy', {
                    by: ref.configured.by,
                    version: ref.configured.fromVersion,
                    previous: formatIndicatorValue(ref.configured.previous, r.unit),
                  })}
                </div>
              ) : null}
            </>
          ) : (
            <span className="muted">{t('indicators.noThreshold')}</span>
          )}
        </dd>
      </dl>
      {r.missing.length > 0 ? (
        <>
          <h3 className="detail-title">{t('indicators.missingInputs')}</h3>
          <ul className="note-list">
            {r.missing.map((m, i) => (
              <li key={i}>{t('account.missing', { what: m })}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3 className="detail-title">{t('indicators.inputs', { count: r.inputs.length })}</h3>
      {r.inputs.length === 0 ? (
        <p className="muted small">{t('account.detail.noInputs')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="indicator-inputs">
            <thead>
              <tr>
                <th>{t('indicators.input.label')}</th>
                <th className="num">{t('indicators.input.value')}</th>
                <th>{t('account.col.coverage')}</th>
                <th>{t('factor.source')}</th>
              </tr>
            </thead>
            <tbody>
              {r.inputs.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.label} <span className="muted mono small">{i.id}</span>
                  </td>
                  <td className="num">{formatIndicatorValue(i.value, i.unit)}</td>
                  <td>
                    {i.coverage === undefined ? (
                      '—'
                    ) : (
                      <CoverageBar share={i.coverage} text={formatPercent(i.coverage)} />
                    )}
                  </td>
                  <td className="small">
                    {i.source ?? ''}
                    {i.statistics && i.statistics.length > 0 ? (
                      <div className="muted">
                        {t('indicators.statisticsUsed', { count: i.statistics.length })}
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.notes.length > 0 ? (
        <>
          <h3 className="detail-title">{t('indicators.notes')}</h3>
          <ul className="note-list">
            {r.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      ) : null}
      {isAdmin && target !== null ? (
        <ThresholdForm result={r} setId={props.card.set.id} target={target} onSaved={props.onSaved} />
      ) : null}
    </div>
  );
}

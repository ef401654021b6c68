/** One organisation: its KPI cards, trend, 同比/环比 comparison and meters. */
import type { OrganisationDetail } from '../../../../src/server/api-types.ts';
import { getOrganisation } from '../../api/organisations.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ChangeBadge, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatNumber, formatTce } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { formatPeriod } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';
import { MetersTable } from '../meters/MetersTable.tsx';
import { AlarmList } from '../overview/AlarmList.tsx';
import { CarrierCards } from '../overview/CarrierCards.tsx';
import { TrendChart } from '../overview/TrendChart.tsx';

export default function OrganisationPage({ organisation }: { organisation: string }) {
  const { t, locale } = useI18n();
  const { park, period, scope, link } = usePark();
  const detail = useApi(
    (signal) => getOrganisation(park.id, organisation, period, signal),
    [park.id, organisation, period],
  );
  const data = detail.data;
  const back = scope ? null : (
    <a className="back-link" href={link(['organisations'])} data-testid="back-to-ranking">
      ← {t('org.back')}
    </a>
  );

  if (detail.state === 'error') {
    return (
      <>
        {back}
        <PageHeader title={t('org.title')} />
        <ErrorMessage error={detail.error} onRetry={detail.reload} />
      </>
    );
  }
  if (!data) return <Loading />;
  const o = data.organisation;
  const facts = [
    o.kind ? t(`org.kind.${o.kind}` as 'org.kind.enterprise') : null,
    o.industryCode ? t('org.industry', { code: o.industryCode }) : null,
    o.uscc ? t('org.uscc', { code: o.uscc }) : null,
    formatPeriod(period, locale),
  ].filter((x): x is string => !!x);
  return (
    <div className={detail.state === 'loading' ? 'stale' : ''}>
      {back}
      <PageHeader title={o.name} subtitle={facts.join(' · ')} testId="organisation-name" />
      <CarrierCards overview={data.overview} />
      <div className="grid-2-1">
        <TrendChart organisation={o.id} />
        <Comparison detail={data} />
      </div>
      {data.overview.alarms.length > 0 ? (
        <Card title={`${t('overview.alarms')} (${data.overview.alarms.length})`}>
          <AlarmList alarms={data.overview.alarms} limit={8} showOrganisation={false} />
        </Card>
      ) : null}
      <Card title={`${t('org.meters')} (${data.meters.length})`}>
        <MetersTable meters={data.meters} showOrganisation={false} />
      </Card>
    </div>
  );
}

function Comparison({ detail }: { detail: OrganisationDetail }) {
  const { t, locale } = useI18n();
  const c = detail.comparison;
  const row = (label: string, hint: string, tce: number | null, change: number | null, testId: string) => (
    <div className="compare-row">
      <dt>
        {label} <span className="muted small">{hint}</span>
      </dt>
      <dd>
        {tce === null ? (
          <span className="muted">{t('org.noData')}</span>
        ) : (
          <>
            <span className="muted small">{formatTce(tce)}</span>
            <ChangeBadge change={change} testId={testId} />
          </>
        )}
      </dd>
    </div>
  );
  return (
    <Card title={t('org.comparison')} testId="comparison-card">
      <dl className="compare">
        <div className="compare-row compare-main">
          <dt>
            {t('org.thisPeriod')}{' '}
            <span className="muted small">{formatPeriod(detail.overview.period.label, locale)}</span>
          </dt>
          <dd data-testid="comparison-tce">{formatTce(c.tce)}</dd>
        </div>
        {row(
          t('ranking.periodChange'),
          t('org.previousPeriod'),
          c.previousTce,
          c.periodChange,
          'comparison-period-change',
        )}
        {row(
          t('ranking.yearChange'),
          t('org.lastYearPeriod'),
          c.lastYearTce,
          c.yearChange,
          'comparison-year-change',
        )}
        <div className="compare-row">
          <dt>{t('ranking.intensity')}</dt>
          <dd className="muted small" title={c.intensityNote ?? undefined}>
            {c.intensity !== null
              ? `${formatNumber(c.intensity)} ${c.intensityUnit ?? ''}`
              : t('org.intensityPending')}
          </dd>
        </div>
      </dl>
      <p className="footnote">{t('ranking.colourNote')}</p>
    </Card>
  );
}

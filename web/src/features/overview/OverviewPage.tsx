/** 园区总览 (or, for an enterprise user, 企业总览): KPI cards, trend, alarms. */
import { getOverview } from '../../api/parks.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formatPeriod } from '../../period.ts';
import { methodNote } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { AlarmList } from './AlarmList.tsx';
import { CarrierCards } from './CarrierCards.tsx';
import { TrendChart } from './TrendChart.tsx';

export default function OverviewPage() {
  const { t, tx, locale } = useI18n();
  const { park, period, scope, orgName } = usePark();
  const overview = useApi((signal) => getOverview(park.id, period, scope, signal), [park.id, period, scope]);
  const title = scope ? t('overview.titleEnterprise') : t('overview.title');
  const subtitle = `${scope ? orgName(scope) : park.name} · ${formatPeriod(period, locale)}`;
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} />
      {overview.state === 'error' ? <ErrorMessage error={overview.error} onRetry={overview.reload} /> : null}
      {overview.data ? (
        <div className={overview.state === 'loading' ? 'stale' : ''}>
          <CarrierCards overview={overview.data} />
          <div className="grid-2-1">
            <TrendChart organisation={scope} />
            <Card title={`${t('overview.alarms')} (${overview.data.alarms.length})`} testId="alarms-card">
              <AlarmList alarms={overview.data.alarms} />
            </Card>
          </div>
          <p className="footnote" data-testid="method-footnote">
            {t('overview.methodFootnote', {
              id: overview.data.method.id,
              note: methodNote(tx, overview.data.method),
            })}
          </p>
        </div>
      ) : overview.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

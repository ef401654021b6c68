/**
 * 统计数据填报: the statistical inputs meters do not give (output, products, waste, water, freight, process activity,
 * claims, offsets …), per organisation and month — a form with every kind and its unit, a CSV upload, what the server
 * took and refused (by field and reason), the latest values with their version and who entered them, and the recent
 * batches. Park admins enter for any organisation, enterprise users for their own.
 */
import { useState } from 'react';
import { getStatistics, listStatisticBatches } from '../../api/carbon.ts';
import { useApi } from '../../api/use-api.ts';
import { OrganisationSelect, useOrganisationParam } from '../../components/organisation-select.tsx';
import { Card, ErrorMessage, Loading, PageHeader, Segmented } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { lastDayOf, parsePeriod } from '../../period.ts';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { BatchList } from './BatchList.tsx';
import { CsvUpload } from './CsvUpload.tsx';
import { EntryForm } from './EntryForm.tsx';
import { ValuesTable } from './ValuesTable.tsx';

/** The month the form opens on: the app period's last month, but not after the last data day. */
function defaultMonth(period: string, latestDay: string | null): string {
  const p = parsePeriod(period);
  let day = p ? lastDayOf(p) : (latestDay ?? '');
  if (latestDay && day > latestDay) day = latestDay;
  return day.slice(0, 7);
}

export default function StatisticsPage() {
  const { t } = useI18n();
  const { park, period, orgName, user } = usePark();
  // Verifiers read what was entered; park admins and enterprise users enter it.
  const canWrite = user.role !== 'auditor';
  const [organisation, setOrg] = useOrganisationParam('first');
  const [monthParam, setMonth] = useQueryParam('month');
  const month =
    monthParam && /^\d{4}-\d{2}$/.test(monthParam) ? monthParam : defaultMonth(period, park.latestDay);
  const [listScope, setListScope] = useState<'month' | 'year'>('month');
  const [generation, setGeneration] = useState(0);
  const listPeriod = listScope === 'month' ? month : month.slice(0, 4);
  // The form's starting values: loaded once per organisation and month (a submission keeps the form as typed).
  const values = useApi(
    (signal) => getStatistics(park.id, month, organisation, signal),
    organisation ? [park.id, month, organisation] : null,
  );
  const list = useApi(
    (signal) => getStatistics(park.id, listPeriod, organisation, signal),
    organisation ? [park.id, listPeriod, organisation, generation] : null,
  );
  const batches = useApi((signal) => listStatisticBatches(park.id, signal), [park.id, generation]);
  const changed = () => setGeneration((g) => g + 1);

  return (
    <>
      <PageHeader title={t('statistics.title')} subtitle={t('statistics.subtitle')} testId="page-title" />
      <div className="filters account-controls" data-testid="statistics-controls">
        <OrganisationSelect
          label={t('statistics.organisation')}
          value={organisation}
          onChange={setOrg}
          testId="stat-org"
        />
        <label className="inline-field">
          <span>{t('statistics.month')}</span>
          <input
            type="month"
            value={month}
            onChange={(e) => {
              if (/^\d{4}-\d{2}$/.test(e.target.value)) setMonth(e.target.value);
            }}
            data-testid="stat-month"
          />
        </label>
      </div>
      {organisation === null ? null : (
        <>
          {values.state === 'error' ? <ErrorMessage error={values.error} onRetry={values.reload} /> : null}
          {!canWrite ? (
            <p className="help" data-testid="stat-read-only">
              {t('statistics.readOnly')}
            </p>
          ) : values.state === 'ok' ? (
            <EntryForm
              key={`${organisation}|${month}`}
              organisation={organisation}
              month={month}
              existing={values.data.statistics}
              onSubmitted={changed}
            />
          ) : values.state === 'loading' ? (
            <Loading />
          ) : null}
          {canWrite ? <CsvUpload onImported={changed} /> : null}
          <Card
            title={t('statistics.values', {
              organisation: orgName(organisation),
              period: listScope === 'month' ? month : month.slice(0, 4),
            })}
            testId="stat-values-card"
            actions={
              <Segmented
                options={['month', 'year'] as const}
                value={listScope}
                onChange={setListScope}
                label={(k) => t(`statistics.list.${k}`)}
                testId="stat-list"
              />
            }
          >
            {list.state === 'error' ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
            {list.data ? (
              <div className={list.state === 'loading' ? 'stale' : ''}>
                <ValuesTable values={list.data.statistics} />
              </div>
            ) : list.state === 'loading' ? (
              <Loading />
            ) : null}
          </Card>
        </>
      )}
      <Card title={t('statistics.batches')} testId="stat-batches-card">
        {batches.state === 'error' ? <ErrorMessage error={batches.error} onRetry={batches.reload} /> : null}
        {batches.data ? (
          <BatchList batches={batches.data.batches} />
        ) : batches.state === 'loading' ? (
          <Loading />
        ) : null}
      </Card>
    </>
  );
}

/** One meter: facts, its series at 15m/hour/day/month with gaps, estimates and spikes, revisions, rejected records. */
import { useState } from 'react';
import { ApiFailure } from '../../api/client.ts';
import { getRejected, getSeries, listMeters, type SeriesResolution } from '../../api/meters.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, CoverageBar, ErrorMessage, KpiCard, Loading, PageHeader } from '../../components/ui.tsx';
import {
  displayUnit,
  formatCount,
  formatDate,
  formatNumber,
  formatPercent,
  formatQuantity,
} from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { carrierName, readingKindName, roleName, technologyName } from '../../names.ts';
import { daysBetween, formatPeriod, parsePeriod, trendResolution } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';
import { RejectedTable } from './RejectedTable.tsx';
import { SeriesChart } from './SeriesChart.tsx';

const RESOLUTIONS: readonly SeriesResolution[] = ['15m', 'hour', 'day', 'month'];

/** Resolutions that give a readable chart for a period of `days` days. */
function allowed(resolution: SeriesResolution, days: number): boolean {
  switch (resolution) {
    case '15m':
      return days <= 31;
    case 'hour':
      return days <= 92;
    case 'day':
      return days >= 2;
    case 'month':
      return days >= 28;
  }
}

export default function MeterPage({ meter }: { meter: string }) {
  const { t, tx, locale } = useI18n();
  const { park, period, scope, link, orgName } = usePark();
  const days = (() => {
    const p = parsePeriod(period);
    return p ? daysBetween(p.fromDay, p.toDay) : 31;
  })();
  const fallback: SeriesResolution = trendResolution(period);
  const [chosen, setChosen] = useState<SeriesResolution | null>(null);
  const resolution = chosen && allowed(chosen, days) ? chosen : days === 1 ? '15m' : fallback;

  const meters = useApi((signal) => listMeters(park.id, scope, signal), [park.id, scope]);
  const info = meters.data?.meters.find((m) => m.id === meter);
  const series = useApi(
    (signal) => getSeries(park.id, meter, period, resolution, signal),
    [park.id, meter, period, resolution],
  );
  const rejected = useApi((signal) => getRejected(park.id, meter, 50, signal), [park.id, meter]);
  const s = series.data;

  const back = (
    <a className="back-link" href={link(['meters'])}>
      ← {t('meter.back')}
    </a>
  );
  // A 400 (too many buckets) is shown in the chart card; 403/404 replace the page, so nothing of the meter shows.
  if (series.state === 'error' && !(series.error instanceof ApiFailure && series.error.status === 400)) {
    return (
      <>
        {back}
        <PageHeader title={t('meters.title')} />
        <ErrorMessage error={series.error} onRetry={series.reload} />
      </>
    );
  }

  const unit = s?.unit ?? info?.quantityUnit ?? '';
  return (
    <>
      {back}
      <PageHeader
        title={info?.name ?? meter}
        subtitle={
          <>
            <span className="mono" data-testid="meter-id">
              {meter}
            </span>
            {info
              ? ` · ${orgName(info.organisation)} · ${carrierName(tx, info.carrier)} · ${roleName(tx, info.role)}`
              : ''}
            {` · ${formatPeriod(period, locale)}`}
          </>
        }
        testId="meter-title"
      />
      <div className="kpi-grid kpi-grid-5">
        <KpiCard
          label={t('meter.total')}
          value={s ? formatQuantity(s.totals.quantity, unit) : '…'}
          testId="meter-total"
        />
        <KpiCard label={t('meter.measured')} value={s ? formatQuantity(s.totals.measured, unit) : '…'} />
        <KpiCard
          label={t('meter.estimated')}
          value={s ? formatQuantity(s.totals.estimated, unit) : '…'}
          accent={s && s.totals.estimated > 0 ? '#9cc9b3' : undefined}
        />
        <KpiCard
          label={t('meter.quarantined')}
          value={s ? formatQuantity(s.totals.quarantined, unit) : '…'}
          accent={s && s.totals.quarantined > 0 ? '#c8553d' : undefined}
        />
        <KpiCard
          label={t('meter.coverage')}
          value={s ? formatPercent(s.totals.coverage) : '…'}
          testId="meter-coverage"
          accent={
            s
              ? s.totals.coverage >= 0.98
                ? '#1f8a5b'
                : s.totals.coverage >= 0.9
                  ? '#e2a534'
                  : '#c8553d'
              : undefined
          }
        />
      </div>
      <Card
        title={t('meter.series')}
        actions={
          <div className="segmented" role="group" aria-label={t('meter.resolution')}>
            {RESOLUTIONS.map((r) => (
              <button
                key={r}
                type="button"
                className={r === resolution ? 'seg seg-active' : 'seg'}
                disabled={!allowed(r, days)}
                onClick={() => setChosen(r)}
                data-testid={`resolution-${r}`}
              >
                {t(`resolution.${r}`)}
              </button>
            ))}
          </div>
        }
      >
        {series.state === 'error' ? (
          <div className="error-box error-forbidden" role="alert" data-testid="error-message">
            {t('meter.tooBig')}
          </div>
        ) : null}
        {s ? (
          <div className={series.state === 'loading' ? 'stale' : ''}>
            <SeriesChart series={s} carrier={info?.carrier ?? 'electricity'} timeZone={park.timezone} />
          </div>
        ) : series.state === 'loading' ? (
          <Loading />
        ) : null}
        <p className="footnote">{t('meter.legendNote')}</p>
      </Card>
      <div className="grid-1-1">
        <Card title={t('meter.info')}>
          {info ? (
            <dl className="facts">
              <dt>{t('meters.organisation')}</dt>
              <dd>{orgName(info.organisation)}</dd>
              <dt>{t('meters.carrier')}</dt>
              <dd>{carrierName(tx, info.carrier)}</dd>
              <dt>{t('meters.role')}</dt>
              <dd>
                {roleName(tx, info.role)}
                {info.technology ? ` · ${technologyName(tx, info.technology)}` : ''}
              </dd>
              <dt>{t('meters.readingKind')}</dt>
              <dd>
                {readingKindName(tx, info.readingKind)} · {displayUnit(info.unit)}
              </dd>
              <dt>{t('meters.interval')}</dt>
              <dd>{t('meters.intervalValue', { minutes: info.intervalMinutes })}</dd>
              <dt>{t('meters.capacity')}</dt>
              <dd>{info.capacity === null ? '—' : formatCapacity(info.capacity, info.quantityUnit)}</dd>
              <dt>{t('meters.parent')}</dt>
              <dd className="mono">
                {info.parent ? <a href={link(['meters', info.parent])}>{info.parent}</a> : '—'}
              </dd>
              <dt>{t('meters.lastReading')}</dt>
              <dd>{formatDate(info.lastReadingAtMs, park.timezone, locale, 'dateTime')}</dd>
              <dt>{t('meter.coverage')}</dt>
              <dd>
                {s ? <CoverageBar share={s.totals.coverage} text={formatPercent(s.totals.coverage)} /> : '—'}
              </dd>
            </dl>
          ) : meters.state === 'loading' ? (
            <Loading />
          ) : (
            <p className="muted">—</p>
          )}
        </Card>
        <Card title={`${t('meter.revisions')} (${formatCount(s?.revisions.length ?? 0)})`}>
          {s && s.revisions.length > 0 ? (
            <div className="table-wrap table-scroll">
              <table className="table" data-testid="revisions-table">
                <thead>
                  <tr>
                    <th>{t('meter.revisionAt')}</th>
                    <th className="num">{t('meter.revisionValue')}</th>
                    <th className="num">{t('meter.revisionBatch')}</th>
                    <th className="num">{t('meter.revisionSupersededBy')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.revisions.map((r) => (
                    <tr key={`${r.atMs}-${r.batchId}`}>
                      <td className="small">{formatDate(r.atMs, park.timezone, locale, 'dateTime')}</td>
                      <td className="num">{`${formatNumber(r.value, 3)} ${info ? displayUnit(info.unit) : ''}`}</td>
                      <td className="num">#{r.batchId}</td>
                      <td className="num">{r.supersededBy === null ? '—' : `#${r.supersededBy}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">{t('meter.revisionsEmpty')}</p>
          )}
        </Card>
      </div>
      <Card title={`${t('meter.rejected')} (${formatCount(rejected.data?.total ?? 0)})`}>
        {rejected.state === 'error' ? <ErrorMessage error={rejected.error} /> : null}
        {rejected.data ? (
          <RejectedTable rows={rejected.data.rows} showMeter={false} />
        ) : rejected.state === 'loading' ? (
          <Loading />
        ) : null}
      </Card>
    </>
  );
}

/** A capacity is a rate: kWh per hour is kW, other units per hour as they are (m³/h, t/h). */
function formatCapacity(capacity: number, quantityUnit: string): string {
  const rate: Readonly<Record<string, string>> = { kWh: 'kW', MWh: 'MW', Wh: 'W' };
  return `${formatNumber(capacity)} ${rate[quantityUnit] ?? `${displayUnit(quantityUnit)}/h`}`;
}

/**
 * One organisation's (or the park's) matching: the 24 × days heat map of hourly carbon-free coverage, the months,
 * the green supply lines, what its storages did (FIFO, net of losses) and the claims behind its instruments.
 */
import type { ConsumerMatchingJson, MatchingAnswer, MonthMatching, StorageReport } from '../../api/green.ts';
import { Card } from '../../components/ui.tsx';
import { formatCount, formatNumber, formatPercent, formatQuantity } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { HeatMap } from './HeatMap.tsx';

export function ConsumerDetail(props: {
  name: string;
  consumer: ConsumerMatchingJson;
  claims: MatchingAnswer['claims'];
}) {
  const { t, tx } = useI18n();
  const { orgName } = usePark();
  const c = props.consumer;
  return (
    <Card
      title={t('green.detail.title', { name: props.name })}
      testId="matching-detail"
      className="green-detail"
    >
      <div className="green-detail-kpis" data-testid="matching-detail-kpis">
        <span>
          {t('green.col.load')} <b>{formatQuantity(c.loadMwh, 'MWh')}</b>
        </span>
        <span>
          {t('green.method.annual')} <b>{formatPercent(c.annual.matchedShare)}</b>
        </span>
        <span>
          {t('green.method.monthly')} <b>{formatPercent(c.monthly.matchedShare)}</b>
        </span>
        <span>
          {t('green.method.hourly')} <b>{formatPercent(c.hourly.matchedShare)}</b>
        </span>
        <span>
          {t('green.col.cfe')} <b data-testid="matching-detail-cfe">{formatPercent(c.cfeScore)}</b>
        </span>
        <span>
          {t('green.col.unmatchedHours')} <b>{formatCount(c.unmatched.hours)}</b> (
          {formatQuantity(c.unmatched.energyMwh, 'MWh')})
        </span>
      </div>
      <h3 className="green-subhead">{t('green.heat.title')}</h3>
      {c.heatMap ? (
        <HeatMap heatMap={c.heatMap} testId="matching-heat-map" />
      ) : (
        <p className="muted">{t('green.heat.none')}</p>
      )}
      <h3 className="green-subhead">{t('green.detail.byMonth')}</h3>
      <ByMonthTable months={c.byMonth} testId="matching-months" />
      <div className="grid-1-1">
        <div>
          <h3 className="green-subhead">{t('green.detail.supply')}</h3>
          {c.supplyLines.length === 0 ? (
            <p className="muted">{t('green.detail.noSupply')}</p>
          ) : (
            <table className="table table-compact" data-testid="matching-supply">
              <thead>
                <tr>
                  <th>{t('green.col.origin')}</th>
                  <th>{t('green.col.kind')}</th>
                  <th>{t('green.col.source')}</th>
                  <th>{t('green.col.technology')}</th>
                  <th className="num">MWh</th>
                </tr>
              </thead>
              <tbody>
                {c.supplyLines.map((l) => (
                  <tr key={`${l.origin}|${l.id}`} data-testid="matching-supply-line" data-kind={l.kind}>
                    <td className="nowrap">{tx(`green.origin.${l.origin}`, l.origin)}</td>
                    <td className="nowrap">{tx(`green.supply.${l.kind}`, l.kind)}</td>
                    <td className="mono small">{l.id}</td>
                    <td className="nowrap">{technologyName(tx, l.technology)}</td>
                    <td className="num">{formatNumber(l.energyMwh)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div>
          <h3 className="green-subhead">{t('green.detail.claims')}</h3>
          {props.claims.length === 0 ? (
            <p className="muted">{t('green.detail.noClaims')}</p>
          ) : (
            <table className="table table-compact" data-testid="matching-claims">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('green.col.consumer')}</th>
                  <th>{t('green.col.period')}</th>
                  <th className="num">{t('green.supply.certificate')}</th>
                  <th className="num">{t('green.supply.trade')}</th>
                </tr>
              </thead>
              <tbody>
                {props.claims.map((cl) => (
                  <tr key={cl.eventId}>
                    <td className="mono">{cl.eventId}</td>
                    <td className="nowrap">{cl.consumer ? orgName(cl.consumer) : t('green.park')}</td>
                    <td className="nowrap">
                      {cl.period.from}–{cl.period.to}
                    </td>
                    <td className="num">{formatNumber(cl.certificateMwh)}</td>
                    <td className="num">{formatNumber(cl.tradeMwh)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      {c.storages.length > 0 ? (
        <>
          <h3 className="green-subhead">{t('green.detail.storages')}</h3>
          <StorageTable storages={c.storages} />
        </>
      ) : null}
    </Card>
  );
}

/** Months of a matching: load, hourly green, instruments, matched (hourly and monthly), CFE, grid share. */
export function ByMonthTable({ months, testId }: { months: readonly MonthMatching[]; testId: string }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('green.col.month')}</th>
            <th className="num">{t('green.col.load')}</th>
            <th className="num">{t('green.col.hourlyGreen')}</th>
            <th className="num">{t('green.col.instruments')}</th>
            <th className="num">{t('green.col.matchedHourly')}</th>
            <th className="num">{t('green.col.matchedMonthly')}</th>
            <th className="num">{t('green.col.cfeMwh')}</th>
            <th className="num">{t('green.col.unmatchedHours')}</th>
            <th className="num">{t('green.col.surplusMonthly')}</th>
            <th className="num">{t('green.col.gridShareMean')}</th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m.month} data-testid="month-row" data-month={m.month}>
              <td className="nowrap">{m.month}</td>
              <td className="num">{formatNumber(m.loadMwh)}</td>
              <td className="num">{formatNumber(m.hourlyGreenMwh)}</td>
              <td className="num">{formatNumber(m.instrumentsMwh)}</td>
              <td className="num">{formatNumber(m.matchedHourlyMwh)}</td>
              <td className="num">{formatNumber(m.matchedMonthlyMwh)}</td>
              <td className="num">{formatNumber(m.cfeMwh)}</td>
              <td className="num">
                {formatCount(m.unmatchedHours)} / {formatCount(m.hours)}
              </td>
              <td className="num">{formatNumber(m.surplusMonthlyMwh)}</td>
              <td className="num">{formatPercent(m.gridShareMean)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="footnote">{t('green.detail.mwhNote')}</p>
    </div>
  );
}

function StorageTable({ storages }: { storages: readonly StorageReport[] }) {
  const { t, tx } = useI18n();
  const q = (v: number) => formatQuantity(v, 'MWh');
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="matching-storages">
        <thead>
          <tr>
            <th>{t('green.col.storage')}</th>
            <th className="num">η</th>
            <th className="num">{t('green.storage.charged')}</th>
            <th className="num">{t('green.storage.chargedGreen')}</th>
            <th className="num">{t('green.storage.chargedGridGreen')}</th>
            <th className="num">{t('green.storage.losses')}</th>
            <th className="num">{t('green.storage.discharged')}</th>
            <th className="num">{t('green.storage.dischargedGreen')}</th>
            <th className="num">{t('green.storage.dischargedGridGreen')}</th>
            <th className="num">{t('green.storage.unknown')}</th>
            <th className="num">{t('green.storage.endStored')}</th>
          </tr>
        </thead>
        <tbody>
          {storages.map((s) => (
            <tr key={s.id}>
              <td className="nowrap">
                <span className="mono">{s.id}</span>{' '}
                <span className="muted small">{tx(`green.origin.${s.origin}`, s.origin)}</span>
              </td>
              <td className="num">{formatPercent(s.roundTripEfficiency)}</td>
              <td className="num">{q(s.chargedMwh)}</td>
              <td className="num">{q(s.chargedGreenMwh)}</td>
              <td className="num">{q(s.chargedGridGreenMwh)}</td>
              <td className="num">{q(s.lossesMwh)}</td>
              <td className="num">{q(s.dischargedMwh)}</td>
              <td className="num">{q(s.dischargedGreenMwh)}</td>
              <td className="num">{q(s.dischargedGridGreenMwh)}</td>
              <td className="num">{q(s.unknownOriginMwh)}</td>
              <td className="num">{q(s.endStoredMwh)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

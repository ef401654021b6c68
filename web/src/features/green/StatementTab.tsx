/**
 * 绿电消费说明: an organisation's green-electricity consumption statement over whole months, as a printable document
 * (the print style hides the navigation and the controls) and as the same statement in JSON. It lists each green
 * source with its evidence (meters, certificate serial ranges, contracts), the shares under the three methods and
 * the 24/7 carbon-free score, what rests on the grid's green share data set and how complete the data were.
 */
import { getStatement, statementUrl, type GreenStatement } from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { OrganisationSelect, useOrganisationParam } from '../../components/organisation-select.tsx';
import { ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatCount, formatDate, formatNumber, formatPercent, formatQuantity } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { formatAccountPeriod } from '../carbon/account-period.ts';
import { ByMonthTable } from './ConsumerDetail.tsx';
import { HeatMap } from './HeatMap.tsx';
import { MatchingControls, useMatchingScope } from './MatchingControls.tsx';
import { MethodFacts, MethodsExplained } from './MethodFacts.tsx';

export function StatementTab() {
  const { t } = useI18n();
  const { park } = usePark();
  const [organisation, setOrg] = useOrganisationParam('first');
  const matchingScope = useMatchingScope();
  const statement = useApi(
    (signal) => getStatement(park.id, matchingScope, organisation ?? '', signal),
    organisation
      ? [park.id, matchingScope.period, matchingScope.gridShare, matchingScope.contract, organisation]
      : null,
  );
  const data = statement.data;
  return (
    <>
      <MatchingControls>
        <OrganisationSelect
          label={t('green.col.consumer')}
          value={organisation}
          onChange={setOrg}
          testId="statement-org"
        />
        <span className="green-spacer" />
        {organisation && data ? (
          <>
            <a
              className="btn btn-small"
              href={statementUrl(park.id, matchingScope, organisation)}
              download={`green-statement-${park.id}-${organisation}-${matchingScope.period}.json`}
              data-testid="statement-json"
            >
              JSON
            </a>
            <button
              type="button"
              className="btn btn-small btn-primary"
              onClick={() => window.print()}
              data-testid="statement-print"
            >
              {t('green.statement.print')}
            </button>
          </>
        ) : null}
      </MatchingControls>
      {statement.state === 'error' ? (
        <ErrorMessage error={statement.error} onRetry={statement.reload} />
      ) : null}
      {data ? (
        <div className={statement.state === 'loading' ? 'stale' : ''}>
          <StatementDocument statement={data} />
        </div>
      ) : statement.state === 'loading' && organisation ? (
        <Loading />
      ) : null}
    </>
  );
}

function StatementDocument({ statement: s }: { statement: GreenStatement }) {
  const { t, tx, locale } = useI18n();
  const { park } = usePark();
  const period = s.period.from === s.period.to ? s.period.from : `${s.period.from}..${s.period.to}`;
  const shares = [
    ['annual', s.shares.annual],
    ['monthly', s.shares.monthly],
    ['hourly', s.shares.hourly],
  ] as const;
  return (
    <article className="card green-statement" data-testid="statement">
      <header className="green-statement-head">
        <h2>{t('green.statement.heading')}</h2>
        <dl className="facts" data-testid="statement-meta">
          <dt>{t('green.statement.park')}</dt>
          <dd>{s.park.name}</dd>
          <dt>{t('green.statement.organisation')}</dt>
          <dd data-testid="statement-organisation">
            {s.organisation.name} <span className="muted mono small">{s.organisation.id}</span>
          </dd>
          <dt>{t('green.statement.period')}</dt>
          <dd data-testid="statement-period">{formatAccountPeriod(period, locale)}</dd>
          <dt>{t('green.statement.generated')}</dt>
          <dd>{formatDate(Date.parse(s.generatedAt), park.timezone, locale, 'dateTime')}</dd>
        </dl>
      </header>

      <section className="green-statement-section">
        <h3 className="green-subhead">{t('green.statement.summary')}</h3>
        <div className="green-statement-figures">
          <div>
            <div className="kpi-label">{t('green.statement.consumption')}</div>
            <div className="kpi-value" data-testid="statement-consumption">
              {formatQuantity(s.consumptionMwh, 'MWh')}
            </div>
          </div>
          {shares.map(([k, v]) => (
            <div key={k}>
              <div className="kpi-label">{t(`green.method.${k}`)}</div>
              <div className="kpi-value" data-testid={`statement-share-${k}`}>
                {formatPercent(v)}
              </div>
            </div>
          ))}
          <div>
            <div className="kpi-label">{t('green.col.cfe')}</div>
            <div className="kpi-value" data-testid="statement-cfe">
              {formatPercent(s.shares.cfe)}
            </div>
          </div>
        </div>
        <p className="small">
          {t('green.statement.unmatched', {
            hours: formatCount(s.unmatched.hours),
            mwh: formatQuantity(s.unmatched.energyMwh, 'MWh'),
            surplus: formatQuantity(s.surplusMwh, 'MWh'),
          })}
        </p>
      </section>

      <section className="green-statement-section">
        <h3 className="green-subhead">{t('green.statement.sources')}</h3>
        {s.sources.length === 0 ? (
          <p className="muted">{t('green.detail.noSupply')}</p>
        ) : (
          <table className="table table-compact" data-testid="statement-sources">
            <thead>
              <tr>
                <th>{t('green.col.kind')}</th>
                <th>{t('green.col.source')}</th>
                <th>{t('green.col.technology')}</th>
                <th className="num">MWh</th>
                <th>{t('green.col.evidence')}</th>
              </tr>
            </thead>
            <tbody>
              {s.sources.map((src) => (
                <tr key={`${src.kind}|${src.id}`} data-testid="statement-source" data-kind={src.kind}>
                  <td className="nowrap">{tx(`green.source.${src.kind}`, src.kind)}</td>
                  <td className="mono small">{src.id}</td>
                  <td className="nowrap">{technologyName(tx, src.technology)}</td>
                  <td className="num">{formatNumber(src.mwh)}</td>
                  <td className="small">
                    <ul className="green-evidence">
                      {src.evidence.map((e, i) => (
                        <li key={i}>{e}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="green-statement-section">
        <h3 className="green-subhead">{t('green.detail.byMonth')}</h3>
        <ByMonthTable months={s.byMonth} testId="statement-months" />
      </section>

      {s.heatMap ? (
        <section className="green-statement-section green-statement-heat">
          <h3 className="green-subhead">{t('green.heat.title')}</h3>
          <HeatMap heatMap={s.heatMap} testId="statement-heat-map" />
        </section>
      ) : null}

      <section className="green-statement-section">
        <h3 className="green-subhead">{t('green.facts.title')}</h3>
        <MethodsExplained />
        <MethodFacts
          method={s.method}
          rules={s.rules}
          gridShare={s.gridShare}
          completeness={s.completeness}
          warnings={s.warnings}
          testId="statement-facts"
        />
      </section>
    </article>
  );
}

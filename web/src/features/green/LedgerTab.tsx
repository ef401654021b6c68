/**
 * 证书台账: the certificate ledger — totals by state, every range with its validity (held or transferred past it:
 * an expiry is due), its holder, trade and claim, and the recent events with their evidence. Park admins import,
 * transfer, claim and expire; an enterprise user sees its own ledger and may only claim for itself.
 */
import { useState } from 'react';
import { getLedger, uploadCertificatesCsv, type LedgerRangeView, type LedgerView } from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { OrganisationSelect, useOrganisationParam } from '../../components/organisation-select.tsx';
import { Card, ErrorMessage, KpiCard, Loading, TextField } from '../../components/ui.tsx';
import { formatCount, formatDate } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { technologyName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { CsvImport } from './CsvImport.tsx';
import { eventSpans, monthBefore, spanMwh, spansLabel } from './green-view.ts';
import { OperationForm } from './OperationForm.tsx';

const CERTIFICATE_COLUMNS =
  'series,first_serial,last_serial,project_id,project_name,technology,production_month,tradable,holder,state,trade_id';

export function LedgerTab() {
  const { t } = useI18n();
  const { park, isAdmin, user } = usePark();
  const [organisation, setOrg] = useOrganisationParam('park');
  const [generation, setGeneration] = useState(0);
  const ledger = useApi(
    (signal) => getLedger(park.id, organisation, signal),
    [park.id, organisation, generation],
  );
  const reload = () => setGeneration((g) => g + 1);
  // Auditors read; park admins do everything; an enterprise user claims for itself.
  const canClaim = user.role !== 'auditor';
  const [evidence, setEvidence] = useState('');

  return (
    <>
      <div className="filters account-controls" data-testid="ledger-controls">
        <OrganisationSelect
          label={t('green.ledger.scope')}
          value={organisation}
          onChange={setOrg}
          parkOption={t('green.ledger.all')}
          testId="ledger-scope"
        />
        {ledger.data ? (
          <span className="muted small">{t('green.ledger.asOf', { month: ledger.data.month })}</span>
        ) : null}
      </div>
      {ledger.state === 'error' ? <ErrorMessage error={ledger.error} onRetry={ledger.reload} /> : null}
      {ledger.data ? (
        <div className={ledger.state === 'loading' ? 'stale' : ''}>
          <LedgerTotals view={ledger.data} />
          <RangesTable ranges={ledger.data.ranges} />
          <EventsTable view={ledger.data} />
        </div>
      ) : ledger.state === 'loading' ? (
        <Loading />
      ) : null}
      {canClaim ? (
        <Card title={t('green.op.title')} testId="ledger-operations">
          <OperationForm onDone={reload} />
        </Card>
      ) : null}
      {isAdmin ? (
        <Card title={t('green.ledger.import')} testId="certificates-import-card">
          <CsvImport
            columns={CERTIFICATE_COLUMNS}
            template={[
              CERTIFICATE_COLUMNS,
              `GEC-EXAMPLE-202501,1,1000,PRJ-01,示例水电站,hydro,2025-01,true,,held,`,
            ].join('\n')}
            templateName="certificates-template.csv"
            upload={(csv, file) => uploadCertificatesCsv(park.id, csv, file, evidence)}
            onImported={reload}
            testId="certificates-import"
          >
            <TextField
              className="span-2"
              label={t('green.ledger.importEvidence')}
              value={evidence}
              onChange={setEvidence}
              placeholder={t('green.ledger.importEvidenceHint')}
              testId="certificates-import-evidence"
            />
          </CsvImport>
        </Card>
      ) : null}
    </>
  );
}

function LedgerTotals({ view }: { view: LedgerView }) {
  const { t } = useI18n();
  const states = ['held', 'transferred', 'claimed', 'expired'] as const;
  return (
    <div className="kpi-grid green-kpis" data-testid="ledger-totals">
      {states.map((s) => (
        <KpiCard
          key={s}
          label={t(`green.state.${s}`)}
          value={`${formatCount(view.totals[s])} MWh`}
          sub={t(`green.ledger.totalNote.${s}`)}
          testId={`ledger-total-${s}`}
          emphasis={s === 'claimed'}
        />
      ))}
    </div>
  );
}

/** A range's holder for people: '' is the park's own account. */
function useHolderName() {
  const { t } = useI18n();
  const { orgName } = usePark();
  return (holder: string) => (holder ? orgName(holder) : t('green.parkAccount'));
}

function RangesTable({ ranges }: { ranges: readonly LedgerRangeView[] }) {
  const { t, tx } = useI18n();
  const holderName = useHolderName();
  const [all, setAll] = useState(false);
  const LIMIT = 200;
  const shown = all ? ranges : ranges.slice(0, LIMIT);
  return (
    <Card title={t('green.ledger.ranges', { count: formatCount(ranges.length) })} testId="ledger-ranges-card">
      {ranges.length === 0 ? (
        <p className="muted">{t('green.ledger.noRanges')}</p>
      ) : (
        <div className="table-wrap table-scroll-tall">
          <table className="table table-compact" data-testid="ledger-ranges">
            <thead>
              <tr>
                <th>{t('green.col.series')}</th>
                <th className="num">{t('green.col.serials')}</th>
                <th className="num">MWh</th>
                <th>{t('green.col.technology')}</th>
                <th>{t('green.col.production')}</th>
                <th>{t('green.col.state')}</th>
                <th>{t('green.col.holder')}</th>
                <th>{t('green.col.trade')}</th>
                <th>{t('green.col.claim')}</th>
                <th>{t('green.col.validUntil')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr
                  key={`${r.series}#${r.firstSerial}`}
                  data-testid="ledger-range"
                  data-series={r.series}
                  data-state={r.state}
                  data-holder={r.holder}
                  className={r.expiryDue ? 'green-expiry-due' : undefined}
                >
                  <td className="mono nowrap" title={`${r.projectId} ${r.projectName}`}>
                    {r.series}
                  </td>
                  <td className="num mono">
                    {r.firstSerial}–{r.lastSerial}
                  </td>
                  <td className="num" data-testid="ledger-range-mwh">
                    {formatCount(r.mwh)}
                  </td>
                  <td className="nowrap">
                    {technologyName(tx, r.technology)}
                    {r.tradable ? null : (
                      <span className="tag tag-muted green-tag-gap">{t('green.ledger.notTradable')}</span>
                    )}
                  </td>
                  <td className="nowrap">{r.productionMonth}</td>
                  <td className="nowrap">
                    <span className={`tag green-state-${r.state}`} data-testid="ledger-range-state">
                      {t(`green.state.${r.state}`)}
                    </span>
                    {r.expiryDue ? (
                      <span className="tag tag-warn green-tag-gap" data-testid="ledger-expiry-due">
                        {t('green.ledger.expiryDue')}
                      </span>
                    ) : null}
                  </td>
                  <td className="nowrap" data-testid="ledger-range-holder">
                    {holderName(r.holder)}
                  </td>
                  <td className="mono nowrap">{r.tradeId ?? ''}</td>
                  <td className="nowrap" data-testid="ledger-range-claim">
                    {r.claim
                      ? `${r.claim.consumer ? holderName(r.claim.consumer) : t('green.park')} · ${
                          r.claim.period.from === r.claim.period.to
                            ? r.claim.period.from
                            : `${r.claim.period.from}–${r.claim.period.to}`
                        }`
                      : ''}
                  </td>
                  <td className="nowrap">{monthBefore(r.expiresIn)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ranges.length > LIMIT && !all ? (
        <div className="table-more">
          <span className="muted small">
            {t('green.ledger.shown', { shown: formatCount(LIMIT), total: formatCount(ranges.length) })}
          </span>
          <button type="button" className="btn btn-small" onClick={() => setAll(true)}>
            {t('app.showMore')}
          </button>
        </div>
      ) : null}
      <p className="footnote">{t('green.ledger.validityNote')}</p>
    </Card>
  );
}

function EventsTable({ view }: { view: LedgerView }) {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const holderName = useHolderName();
  const target = (e: LedgerView['events'][number]) => {
    const b = e.body;
    switch (b.kind) {
      case 'import':
        return t('green.event.imported', { count: formatCount(b.ranges.length) });
      case 'transfer':
        return `→ ${holderName(b.to)}${b.tradeId ? ` · ${b.tradeId}` : ''}`;
      case 'claim':
        return `${b.target.consumer ? holderName(b.target.consumer) : t('green.park')} · ${b.target.period.from}–${b.target.period.to}`;
      case 'expire':
        return t('green.event.expiredBefore', { month: b.month });
    }
  };
  return (
    <Card title={t('green.ledger.events')} testId="ledger-events-card">
      {view.events.length === 0 ? (
        <p className="muted">{t('green.ledger.noEvents')}</p>
      ) : (
        <div className="table-wrap table-scroll">
          <table className="table table-compact" data-testid="ledger-events">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('green.col.kind')}</th>
                <th>{t('green.col.target')}</th>
                <th className="num">MWh</th>
                <th>{t('green.col.spans')}</th>
                <th>{t('green.col.evidence')}</th>
                <th>{t('green.col.by')}</th>
                <th>{t('green.col.at')}</th>
              </tr>
            </thead>
            <tbody>
              {view.events.map((e) => {
                const spans = eventSpans(e.body);
                return (
                  <tr key={e.id} data-testid="ledger-event" data-kind={e.body.kind}>
                    <td className="mono">{e.id}</td>
                    <td className="nowrap">{t(`green.event.${e.body.kind}`)}</td>
                    <td className="nowrap">{target(e)}</td>
                    <td className="num">{formatCount(spanMwh(spans))}</td>
                    <td className="mono small green-spans" title={spansLabel(spans)}>
                      {spansLabel(spans)}
                    </td>
                    <td className="small">{e.evidence}</td>
                    <td className="nowrap">{e.actor}</td>
                    <td className="nowrap">
                      {formatDate(Date.parse(e.at), park.timezone, locale, 'dateTime')}
                    </td>
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

/**
 * 碳核算: the energy and CO₂ account of the park or one organisation over whole months, under a method profile —
 * the method first, the KPIs (the core indicator tCO₂/tce emphasised), CO₂ by source and by month, energy by
 * carrier, the emission lines with a drill-down to their factors and inputs, what is missing, the close state and a
 * restatement when the closed figures no longer hold. Enterprise users see their own organisation only.
 */
import { useState } from 'react';
import {
  explainUrl,
  getAccount,
  type Account,
  type AccountAnswer,
  type AccountClose,
  type AccountScope,
} from '../../api/carbon.ts';
import { useApi } from '../../api/use-api.ts';
import { OrganisationSelect, useOrganisationParam } from '../../components/organisation-select.tsx';
import { Card, ErrorMessage, KpiCard, Loading, PageHeader } from '../../components/ui.tsx';
import {
  formatDate,
  formatPercent,
  formatQuantity,
  formatTce,
  formatTco2,
  formatTco2PerTce,
} from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { accountPeriod, formatAccountPeriod } from './account-period.ts';
import { MonthlyChart, SourceChart } from './AccountCharts.tsx';
import { AccountPeriodPicker } from './AccountPeriodPicker.tsx';
import { CloseButton, CloseDone, CloseForm, RestatementBanner } from './ClosePanel.tsx';
import { EmissionLines, EnergyTable, MissingInputs } from './AccountTables.tsx';
import { MethodBanner } from './MethodBanner.tsx';
import { ProfileSelect } from './ProfileSelect.tsx';

export default function AccountPage() {
  const { t, locale } = useI18n();
  const { park, period, orgName } = usePark();
  // An enterprise user's account is its own organisation's, whatever the URL says.
  const [organisation, setOrg] = useOrganisationParam('park');
  const [profileParam, setProfile] = useQueryParam('profile');
  const months = accountPeriod(period);
  const request: AccountScope = { period: months, organisation, profile: profileParam };
  const answer = useApi(
    (signal) => getAccount(park.id, request, signal),
    [park.id, months, organisation, profileParam],
  );
  const [showCurrent, setShowCurrent] = useState(false);

  const subtitle = `${organisation ? orgName(organisation) : park.name} · ${formatAccountPeriod(months, locale)}`;
  const data = answer.data;

  return (
    <>
      <PageHeader
        title={t('account.title')}
        subtitle={subtitle}
        testId="page-title"
        actions={
          data ? (
            <>
              <a
                className="btn btn-small"
                href={explainUrl(park.id, request, 'json', locale)}
                download={`account-${park.id}-${organisation ?? 'park'}-${months}.json`}
                data-testid="explain-json"
              >
                {t('account.downloadJson')}
              </a>
              <a
                className="btn btn-small"
                href={explainUrl(park.id, request, 'text', locale)}
                download={`account-${park.id}-${organisation ?? 'park'}-${months}.txt`}
                data-testid="explain-text"
              >
                {t('account.downloadText')}
              </a>
            </>
          ) : null
        }
      />
      <div className="filters account-controls" data-testid="account-controls">
        <AccountPeriodPicker testId="account" />
        <OrganisationSelect
          label={t('account.scope')}
          value={organisation}
          onChange={setOrg}
          parkOption={t('account.scopePark', { park: park.name })}
          testId="account-scope"
        />
        <ProfileSelect value={profileParam} onChange={setProfile} testId="account-profile" />
      </div>
      {answer.state === 'error' ? <ErrorMessage error={answer.error} onRetry={answer.reload} /> : null}
      {data ? (
        <div className={answer.state === 'loading' ? 'stale' : ''}>
          <AccountView
            answer={data}
            request={request}
            showCurrent={showCurrent && data.restatement !== null}
            onShowCurrent={setShowCurrent}
            onClosed={answer.reload}
          />
        </div>
      ) : answer.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

function AccountView(props: {
  answer: AccountAnswer;
  request: AccountScope;
  showCurrent: boolean;
  onShowCurrent: (v: boolean) => void;
  onClosed: () => void;
}) {
  const { t, locale } = useI18n();
  const { park, isAdmin } = usePark();
  const { answer } = props;
  const [closeOpen, setCloseOpen] = useState(false);
  const [done, setDone] = useState<AccountClose | null>(null);
  const account: Account =
    props.showCurrent && answer.restatement ? answer.restatement.current : answer.account;
  return (
    <>
      <MethodBanner
        account={account}
        close={answer.close}
        actions={
          isAdmin ? (
            <CloseButton
              closed={answer.close !== null}
              open={closeOpen}
              onToggle={() => {
                setCloseOpen((o) => !o);
                setDone(null);
              }}
            />
          ) : null
        }
      />
      {closeOpen ? (
        <CloseForm
          request={props.request}
          close={answer.close}
          onCancel={() => setCloseOpen(false)}
          onClosed={(c) => {
            setCloseOpen(false);
            setDone(c);
            props.onClosed();
          }}
        />
      ) : null}
      {done ? <CloseDone close={done} /> : null}
      {answer.close ? (
        <p className="small muted close-note" data-testid="close-note">
          {t('account.closedBy', {
            id: answer.close.id,
            by: answer.close.closedBy,
            at: formatDate(answer.close.closedAtMs, park.timezone, locale, 'dateTime'),
          })}
          {answer.close.reason ? ` · ${t('account.closeReason', { reason: answer.close.reason })}` : ''}
        </p>
      ) : null}
      {answer.restatement ? (
        <RestatementBanner
          restatement={answer.restatement}
          showCurrent={props.showCurrent}
          onShowCurrent={props.onShowCurrent}
        />
      ) : null}
      <AccountKpis account={account} />
      <MissingInputs account={account} />
      <div className="grid-1-1">
        <Card title={t('account.bySource')} testId="source-card">
          <SourceChart account={account} />
        </Card>
        <Card title={t('account.byMonth')} testId="month-card">
          <MonthlyChart account={account} />
        </Card>
      </div>
      <EmissionLines account={account} />
      <EnergyTable account={account} />
    </>
  );
}

function AccountKpis({ account }: { account: Account }) {
  const { t } = useI18n();
  const tot = account.totals;
  const memo = Object.values(tot.memoTco2).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <div className="kpi-grid account-kpis" data-testid="account-kpis">
      <KpiCard
        label={t('account.kpi.core')}
        value={formatTco2PerTce(tot.coreTco2PerTce)}
        sub={t('account.kpi.coreNote')}
        testId="kpi-core"
        emphasis
      />
      <KpiCard
        label={t('account.kpi.energy')}
        value={formatTce(tot.energyTce)}
        sub={t('account.kpi.cleanTce', { value: formatTce(tot.cleanEnergyTce) })}
        testId="kpi-energy"
      />
      <KpiCard
        label={t('account.kpi.gross')}
        value={formatTco2(tot.grossTco2)}
        sub={memo ? t('account.kpi.memo', { value: formatTco2(memo) }) : undefined}
        testId="kpi-gross"
      />
      <KpiCard
        label={t('account.kpi.net')}
        value={formatTco2(tot.netTco2)}
        sub={t('account.kpi.offsets', { value: formatTco2(tot.offsetsTco2) })}
        testId="kpi-net"
      />
      <KpiCard
        label={t('account.kpi.clean')}
        value={formatPercent(tot.cleanShare)}
        sub={t('account.kpi.green', { value: formatQuantity(tot.greenElectricityMwh, 'MWh') })}
        testId="kpi-clean"
      />
      <KpiCard
        label={t('account.kpi.coverage')}
        value={formatPercent(tot.coverage)}
        sub={
          <span
            className={account.complete ? 'tag' : 'tag tag-warn'}
            data-testid="account-complete"
            data-complete={account.complete}
          >
            {account.complete ? t('account.complete') : t('account.incomplete')}
          </span>
        }
        testId="kpi-coverage"
      />
    </div>
  );
}

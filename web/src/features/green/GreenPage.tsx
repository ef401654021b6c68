/**
 * 绿电: green electricity in six tabs — the certificate ledger (证书台账), green-power trades (绿电交易), matching
 * (匹配分析: annual ≥ monthly ≥ hourly, 24/7 CFE, heat maps), the grid's green share (电网绿电占比), physical tracing of
 * a network file (潮流追踪) and the printable consumption statement (绿电消费说明). The tab is in the URL (`?tab=`).
 * Park admins operate the ledger and import files; enterprise users see their own organisation and may claim for it.
 */
import { Tabs, PageHeader } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { href, useQueryParam, useRoute } from '../../router.ts';
import { GridMixTab } from './GridMixTab.tsx';
import { LedgerTab } from './LedgerTab.tsx';
import { MatchingTab } from './MatchingTab.tsx';
import { StatementTab } from './StatementTab.tsx';
import { TraceTab } from './TraceTab.tsx';
import { TradesTab } from './TradesTab.tsx';

const TABS = ['ledger', 'trades', 'matching', 'grid', 'trace', 'statement'] as const;
type Tab = (typeof TABS)[number];
const isTab = (s: string | null): s is Tab => (TABS as readonly (string | null)[]).includes(s);

export default function GreenPage() {
  const { t } = useI18n();
  const route = useRoute();
  const [tabParam] = useQueryParam('tab');
  const active: Tab = isTab(tabParam) ? tabParam : 'ledger';
  // Keeps the period (and the grid share choice, which matching and the statement share) when switching tabs.
  const hrefOf = (tab: Tab) =>
    href(route.segments, {
      period: route.query.get('period') ?? undefined,
      gridShare: route.query.get('gridShare') ?? undefined,
      contract: route.query.get('contract') ?? undefined,
      tab,
    });
  return (
    <div className="green-page">
      <PageHeader title={t('green.title')} subtitle={t('green.subtitle')} testId="page-title" />
      <div className="no-print">
        <Tabs
          tabs={TABS.map((k) => ({ key: k, label: t(`green.tab.${k}`) }))}
          active={active}
          hrefOf={hrefOf}
        />
      </div>
      <div className="tab-panel">{panel(active)}</div>
    </div>
  );
}

function panel(tab: Tab) {
  switch (tab) {
    case 'ledger':
      return <LedgerTab />;
    case 'trades':
      return <TradesTab />;
    case 'matching':
      return <MatchingTab />;
    case 'grid':
      return <GridMixTab />;
    case 'trace':
      return <TraceTab />;
    case 'statement':
      return <StatementTab />;
  }
}

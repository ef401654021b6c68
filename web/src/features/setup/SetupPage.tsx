/** 园区配置 (park_admin only; the server enforces it too): definition, CSV import, gateways, users, audit log. */
import { PageHeader, Tabs } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { AuditLog } from './AuditLog.tsx';
import { CsvImport } from './CsvImport.tsx';
import { DefinitionEditor } from './DefinitionEditor.tsx';
import { Gateways } from './Gateways.tsx';
import { Users } from './Users.tsx';

const TABS = ['definition', 'import', 'gateways', 'users', 'audit'] as const;
type Tab = (typeof TABS)[number];
const isTab = (s: string | undefined): s is Tab => (TABS as readonly string[]).includes(s ?? '');

export default function SetupPage({ tab }: { tab?: string; extra?: string }) {
  const { t } = useI18n();
  const { isAdmin, link } = usePark();
  if (!isAdmin) {
    return (
      <>
        <PageHeader title={t('setup.title')} />
        <div className="error-box error-forbidden" role="alert" data-testid="error-message">
          {t('error.adminOnly')}
        </div>
      </>
    );
  }
  const active: Tab = isTab(tab) ? tab : 'definition';
  return (
    <>
      <PageHeader title={t('setup.title')} subtitle={t('setup.subtitle')} />
      <Tabs
        tabs={TABS.map((k) => ({ key: k, label: t(`setup.tab.${k}`) }))}
        active={active}
        hrefOf={(k) => link(['setup', k])}
      />
      <div className="tab-panel">{panel(active)}</div>
    </>
  );
}

function panel(tab: Tab) {
  switch (tab) {
    case 'definition':
      return <DefinitionEditor />;
    case 'import':
      return <CsvImport />;
    case 'gateways':
      return <Gateways />;
    case 'users':
      return <Users />;
    case 'audit':
      return <AuditLog />;
  }
}

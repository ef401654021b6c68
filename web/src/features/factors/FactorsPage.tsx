/**
 * 因子与方法: the factor library (every version of every factor the park's accounts may use, with its source and
 * status, and the version in force on a date) and the method profiles (shipped and the park's own, with each choice
 * and how sure it is). Park admins add factor versions and save changed copies of profiles; everyone else reads.
 */
import { PageHeader, Tabs } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { FactorLibrary } from './FactorLibrary.tsx';
import { MethodProfiles } from './MethodProfiles.tsx';

const TABS = ['library', 'profiles'] as const;
type Tab = (typeof TABS)[number];

export default function FactorsPage({ tab }: { tab?: string | undefined }) {
  const { t } = useI18n();
  const { link } = usePark();
  const active: Tab = tab === 'profiles' ? 'profiles' : 'library';
  return (
    <>
      <PageHeader title={t('factors.title')} subtitle={t('factors.subtitle')} testId="page-title" />
      <Tabs
        tabs={TABS.map((k) => ({ key: k, label: t(`factors.tab.${k}`) }))}
        active={active}
        hrefOf={(k) => link(['factors', k])}
      />
      <div className="tab-panel">{active === 'library' ? <FactorLibrary /> : <MethodProfiles />}</div>
    </>
  );
}

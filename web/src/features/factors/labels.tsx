/** How the factor pages name a factor's status and scope. */
import type { FactorStatus } from '../../api/carbon.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { scopeKind, scopeOrganisation } from './factor-view.ts';

/** A factor's (or a profile choice's) status as a coloured tag, in the page's language. */
export function FactorStatusTag({ status, testId }: { status: FactorStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={`tag status-${status}`} data-testid={testId} data-status={status}>
      {t(`factor.status.${status}`)}
    </span>
  );
}

/** 默认 / 园区 / the organisation's name. */
export function scopeLabel(t: I18n['t'], orgName: (id: string) => string, scope: string): string {
  switch (scopeKind(scope)) {
    case 'default':
      return t('factors.scope.default');
    case 'park':
      return t('factors.scope.park');
    case 'org':
      return orgName(scopeOrganisation(scope));
  }
}

/** The method an account was computed with, shown first: profile id and version, electricity convention, grid rule. */
import type { ReactNode } from 'react';
import type { Account, AccountClose } from '../../api/carbon.ts';
import { useI18n } from '../../i18n/index.tsx';
import { localName } from '../../names.ts';

export function MethodBanner({
  account,
  close,
  actions,
}: {
  account: Account;
  close: AccountClose | null;
  actions?: ReactNode;
}) {
  const { t, locale } = useI18n();
  const m = account.method;
  const name = localName(m, locale);
  const dataYear =
    m.gridFactor.dataYear === 'latest'
      ? t('account.method.latest')
      : t('account.method.dataYear', { year: m.gridFactor.dataYear });
  return (
    <section className="method-banner" data-testid="account-method">
      <div className="method-main">
        <span className="method-label">{t('account.method')}</span>
        <strong className="method-name">{name}</strong>
        <code className="method-id" data-testid="account-method-id">
          {m.id}@{m.version}
        </code>
        {close ? (
          <span className="tag tag-closed" data-testid="account-closed-badge">
            {close.supersedes === null ? t('account.closed') : t('account.restated')}
          </span>
        ) : (
          <span className="tag tag-muted" data-testid="account-live-badge">
            {t('account.live')}
          </span>
        )}
        {actions ? <span className="method-actions">{actions}</span> : null}
      </div>
      <dl className="method-facts">
        <div>
          <dt>{t('account.method.electricity')}</dt>
          <dd data-testid="account-electricity">{t(`account.electricity.${m.electricityTce}`)}</dd>
        </div>
        <div>
          <dt>{t('account.method.grid')}</dt>
          <dd>
            {t(`account.gridRule.${m.gridFactor.rule}`)} · {t(`account.gridLevel.${m.gridFactor.level}`)} ·{' '}
            {dataYear}
          </dd>
        </div>
        {m.basedOn ? (
          <div>
            <dt>{t('account.method.basedOn')}</dt>
            <dd className="mono">
              {m.basedOn.id}@{m.basedOn.version}
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

/**
 * The period of a page kept in whole months (the account, green matching and statements): month, quarter or year
 * over the app's period, the months it stands for, and a note when a day or a range of days became whole months.
 */
import { Segmented } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { switchKind } from '../../period.ts';
import { usePark } from '../../shell/park-context.tsx';
import {
  accountPeriod,
  accountPeriodKind,
  ACCOUNT_PERIOD_KINDS,
  formatAccountPeriod,
} from './account-period.ts';

/**
 * Goes inside the page's `filters` row; test ids `<testId>-kind-<kind>` and `<testId>-period`.
 * @example <AccountPeriodPicker testId="account" />
 */
export function AccountPeriodPicker({ testId }: { testId: string }) {
  const { t, locale } = useI18n();
  const { park, period, setPeriod } = usePark();
  const months = accountPeriod(period);
  return (
    <>
      <Segmented
        options={ACCOUNT_PERIOD_KINDS}
        value={accountPeriodKind(months)}
        onChange={(k) => setPeriod(switchKind(period, k, park.latestDay))}
        label={(k) => t(`account.kind.${k}`)}
        ariaLabel={t('period.picker')}
        testId={`${testId}-kind`}
      />
      <span className="account-period" data-testid={`${testId}-period`}>
        {formatAccountPeriod(months, locale)}
      </span>
      {months !== period ? <span className="muted small">{t('account.wholeMonths')}</span> : null}
    </>
  );
}

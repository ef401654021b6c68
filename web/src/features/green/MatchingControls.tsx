/**
 * What matching and the statement are computed over: whole months of the app's period (a month, quarter or year;
 * a day or range of days becomes the months that hold it) and the grid's green share data set (`?gridShare=`:
 * absent = the server's default, the first hourly set; 'none' = the grid counts as 0 % green).
 */
import type { ReactNode } from 'react';
import { listGridShares, type MatchingScope } from '../../api/green.ts';
import { useApi } from '../../api/use-api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { accountPeriod } from '../carbon/account-period.ts';
import { AccountPeriodPicker } from '../carbon/AccountPeriodPicker.tsx';

/** The matching scope of the current URL. */
export function useMatchingScope(): MatchingScope {
  const { period } = usePark();
  const [gridShare] = useQueryParam('gridShare');
  return { period: accountPeriod(period), gridShare: gridShare || null };
}

export function MatchingControls({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const { park } = usePark();
  const [gridShare, setGridShare] = useQueryParam('gridShare');
  const sets = useApi((signal) => listGridShares(park.id, signal), [park.id]);
  return (
    <div className="filters account-controls no-print" data-testid="matching-controls">
      <AccountPeriodPicker testId="green" />
      <label className="inline-field">
        <span>{t('green.gridShare')}</span>
        <select
          value={gridShare ?? ''}
          onChange={(e) => setGridShare(e.target.value || null)}
          data-testid="green-grid-share"
        >
          <option value="">{t('green.gridShare.default')}</option>
          <option value="none">{t('green.gridShare.none')}</option>
          {(sets.data?.sets ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.label && s.label !== s.id ? `${s.label} (${s.id})` : s.id}
            </option>
          ))}
          {gridShare && gridShare !== 'none' && !sets.data?.sets.some((s) => s.id === gridShare) ? (
            <option value={gridShare}>{gridShare}</option>
          ) : null}
        </select>
      </label>
      {children}
    </div>
  );
}

/**
 * What matching and the statement are computed over: whole months of the app's period (a month, quarter or year;
 * a day or range of days becomes the months that hold it), the grid's green share data set (`?gridShare=`:
 * absent = the server's default, the first hourly set; 'none' = the grid counts as 0 % green), and shared resources
 * divided by contract instead of pro rata (`?contract=`).
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
  const [contract] = useQueryParam('contract');
  return { period: accountPeriod(period), gridShare: gridShare || null, contract: contract || null };
}

export function MatchingControls({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const { park } = usePark();
  const [gridShare, setGridShare] = useQueryParam('gridShare');
  const [contract, setContract] = useQueryParam('contract');
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
      <label className="inline-field" title={t('green.contract.hint')}>
        <span>{t('green.contract')}</span>
        {/* Committed on Enter or leaving the field, so that a half-typed rule is not sent. */}
        <input
          key={contract ?? ''}
          className="mono"
          defaultValue={contract ?? ''}
          placeholder="OPS-EL-PV=ALU:0.5,DC:0.3"
          onBlur={(e) => setContract(e.target.value.trim() || null)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setContract(e.currentTarget.value.trim() || null);
          }}
          data-testid="green-contract"
        />
      </label>
      {children}
    </div>
  );
}

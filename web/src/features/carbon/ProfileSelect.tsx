/** The method profile choice of a page's filters: every version of every profile, or the park's default (empty). */
import { listProfiles } from '../../api/carbon.ts';
import { useApi } from '../../api/use-api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { profileRef, sortProfiles } from '../factors/profile-view.ts';
import { localName } from '../../names.ts';

/**
 * A labelled select of the park's profile versions (it loads them), in the profile table's order; '' is the park's
 * default.
 * @example <ProfileSelect value={profile} onChange={setProfile} testId="account-profile" />
 */
export function ProfileSelect(props: {
  value: string | null;
  onChange: (v: string | null) => void;
  testId: string;
}) {
  const { t, locale } = useI18n();
  const { park } = usePark();
  const profiles = useApi((signal) => listProfiles(park.id, signal), [park.id]);
  return (
    <label className="inline-field">
      <span>{t('account.profile')}</span>
      <select
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value || null)}
        data-testid={props.testId}
      >
        <option value="">{t('account.profileDefault')}</option>
        {sortProfiles(profiles.data?.profiles ?? []).map((p) => (
          <option key={profileRef(p)} value={profileRef(p)}>
            {localName(p, locale)} · {profileRef(p)}
          </option>
        ))}
      </select>
    </label>
  );
}

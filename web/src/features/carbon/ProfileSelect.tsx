/** The method profile choice: every version of every profile, or the park's default (empty). */
import type { MethodProfile } from '../../api/carbon.ts';
import { useI18n } from '../../i18n/index.tsx';

/** Every profile version, newest first within an id; empty: the park's default. */
export function ProfileSelect(props: {
  profiles: readonly MethodProfile[];
  value: string | null;
  onChange: (v: string | null) => void;
  testId: string;
}) {
  const { t, locale } = useI18n();
  const sorted = [...props.profiles].sort((a, b) => a.id.localeCompare(b.id) || b.version - a.version);
  return (
    <select
      value={props.value ?? ''}
      onChange={(e) => props.onChange(e.target.value || null)}
      data-testid={props.testId}
    >
      <option value="">{t('account.profileDefault')}</option>
      {sorted.map((p) => (
        <option key={`${p.id}@${p.version}`} value={`${p.id}@${p.version}`}>
          {locale === 'en' && p.nameEn ? p.nameEn : p.name} · {p.id}@{p.version}
        </option>
      ))}
    </select>
  );
}

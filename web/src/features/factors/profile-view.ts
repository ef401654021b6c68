/** How the profile views name and order method profiles and their fields. Pure: no DOM, no React. */
import type { MethodProfile } from '../../api/carbon.ts';
import type { I18n } from '../../i18n/index.tsx';

export const profileRef = (p: { id: string; version: number }) => `${p.id}@${p.version}`;

/** Shipped profiles first, then the park's own; within an id the newest version first. */
export function sortProfiles(profiles: readonly MethodProfile[]): MethodProfile[] {
  const own = (p: MethodProfile) => (p.basedOn ? 1 : 0);
  return [...profiles].sort((a, b) => own(a) - own(b) || a.id.localeCompare(b.id) || b.version - a.version);
}

export function gridText(t: I18n['t'], p: MethodProfile): string {
  const g = p.gridFactor;
  const year =
    g.dataYear === 'latest' ? t('account.method.latest') : t('account.method.dataYear', { year: g.dataYear });
  return `${t(`account.gridRule.${g.rule}`)} · ${t(`account.gridLevel.${g.level}`)} · ${year}`;
}

export const yesNo = (t: I18n['t'], v: boolean) => (v ? t('profiles.yes') : t('profiles.no'));

/** A profile field's name in the page's language (the field itself when unknown). */
export const fieldLabel = (tx: I18n['tx'], field: string) => tx(`profiles.field.${field}`, field);

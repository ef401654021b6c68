/** The top bar: product name, park switcher, period picker, language switch and the user menu. */
import { useEffect, useRef, useState } from 'react';
import type { ParkSummary, UserView } from '../../../src/server/api-types.ts';
import { useI18n } from '../i18n/index.tsx';
import { PeriodPicker } from './PeriodPicker.tsx';

export function Brand() {
  const { t } = useI18n();
  return (
    <div className="brand" data-testid="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="currentColor" />
        <path
          d="M9 22c0-8 6-13 15-13-1 9-6 14-13 14"
          fill="none"
          stroke="#fff"
          strokeWidth="2.4"
          strokeLinecap="round"
        />
        <path d="M9 23l7-7" stroke="#9be3b8" strokeWidth="2.4" strokeLinecap="round" />
      </svg>
      <span className="brand-name">{t('app.name')}</span>
    </div>
  );
}

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div className="lang-switch segmented" role="group" aria-label={t('lang.switch')}>
      <button
        type="button"
        className={locale === 'zh-CN' ? 'seg seg-active' : 'seg'}
        aria-pressed={locale === 'zh-CN'}
        onClick={() => setLocale('zh-CN')}
        data-testid="lang-zh"
      >
        {t('lang.zh')}
      </button>
      <button
        type="button"
        className={locale === 'en' ? 'seg seg-active' : 'seg'}
        aria-pressed={locale === 'en'}
        onClick={() => setLocale('en')}
        data-testid="lang-en"
      >
        {t('lang.en')}
      </button>
    </div>
  );
}

function UserMenu({
  user,
  organisationName,
  onLogout,
}: {
  user: UserView;
  organisationName: string | null;
  onLogout: () => void;
}) {
  const { t, tx } = useI18n();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  const initial = (user.displayName || user.username).slice(0, 1).toUpperCase();
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('user.menu')}
        onClick={() => setOpen((o) => !o)}
        data-testid="user-menu"
      >
        <span className="avatar" aria-hidden="true">
          {initial}
        </span>
        <span className="user-name">{user.displayName || user.username}</span>
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open ? (
        <div className="popover user-popover" role="menu">
          <div className="user-detail">
            <strong>{user.displayName}</strong>
            <span className="muted">{user.username}</span>
            <span className="role-tag" data-testid="user-role">
              {tx(`user.role.${user.role}`, user.role)}
            </span>
            {organisationName ? (
              <span className="muted">{t('user.scope', { organisation: organisationName })}</span>
            ) : null}
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={onLogout} data-testid="logout">
            {t('user.logout')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function TopBar(props: {
  user: UserView;
  parks: ParkSummary[];
  parkId: string;
  onPark: (id: string) => void;
  period: string;
  latestDay: string | null;
  firstDay: string | null;
  onPeriod: (period: string) => void;
  organisationName: string | null;
  onLogout: () => void;
  onToggleNav: () => void;
}) {
  const { t } = useI18n();
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-btn nav-toggle"
        aria-label={t('nav.main')}
        onClick={props.onToggleNav}
      >
        ☰
      </button>
      <Brand />
      <label className="park-switch">
        <span className="visually-hidden">{t('park.switch')}</span>
        <select
          value={props.parkId}
          onChange={(e) => props.onPark(e.target.value)}
          data-testid="park-switcher"
        >
          {props.parks.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <div className="topbar-spacer" />
      <PeriodPicker
        period={props.period}
        latestDay={props.latestDay}
        firstDay={props.firstDay}
        onChange={props.onPeriod}
      />
      <LanguageSwitch />
      <UserMenu user={props.user} organisationName={props.organisationName} onLogout={props.onLogout} />
    </header>
  );
}

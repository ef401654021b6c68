/** The left navigation; entries depend on the role (enterprise users see their organisation, admins the set-up). */
import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { formatDay } from '../period.ts';
import { usePark } from './park-context.tsx';

export type PageKey =
  | 'overview'
  | 'flow'
  | 'organisations'
  | 'account'
  | 'green'
  | 'indicators'
  | 'statistics'
  | 'factors'
  | 'meters'
  | 'quality'
  | 'microgrid'
  | 'setup';

const ICONS: Readonly<Record<PageKey, ReactNode>> = {
  overview: <path d="M3 13h7V3H3zm0 8h7v-6H3zm11 0h7V11h-7zm0-18v6h7V3z" />,
  flow: (
    <path d="M3 5h6c4 0 4 6 8 6h4M3 19h6c4 0 4-8 8-8" fill="none" stroke="currentColor" strokeWidth="2" />
  ),
  organisations: <path d="M4 21V8l6-4v4l6-4v17zm4-3h2v-3H8zm6 0h2v-3h-2zM8 13h2v-2H8zm6 0h2v-2h-2z" />,
  account: (
    <path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8zm1 0v9h9A9 9 0 0 0 13 2zm-6 12h2v4H7zm4-3h2v7h-2zm4 2h2v5h-2z" />
  ),
  green: (
    <path d="M20 3C10 3 4 8 4 15c0 2 .5 3.6 1.3 5l1.6-1.3C6.3 17.6 6 16.4 6 15c0-.6.1-1.2.2-1.8 3.3-.4 6.6-2.1 9-5.2-2 3.8-5 6-8.6 7 1.3 2.6 3.8 4 6.9 4 6 0 7.5-7 6.5-16zM13 11l-2 4h2l-1 4 4-6h-2l1-2z" />
  ),
  indicators: (
    <path d="M4 4h16v2H4zm0 5h10v2H4zm0 5h16v2H4zm0 5h10v2H4zm13.3-9.3 1.4-1.4L20 9.6l2.3-2.3 1.4 1.4L20 12.4zm0 10 1.4-1.4 1.3 1.3 2.3-2.3 1.4 1.4L20 22.4z" />
  ),
  statistics: <path d="M5 3h10l4 4v14H5zm9 1.5V8h3.5zM8 11v2h8v-2zm0 4v2h8v-2zm0-8v2h4V7z" />,
  factors: (
    <path d="M3 5.5C5.5 4 8.5 4 11 5.5V20c-2.5-1.5-5.5-1.5-8 0zm10 0c2.5-1.5 5.5-1.5 8 0V20c-2.5-1.5-5.5-1.5-8 0zM5 8.5v1.6c1.3-.5 2.7-.5 4 0V8.5c-1.3-.5-2.7-.5-4 0zm0 3.5v1.6c1.3-.5 2.7-.5 4 0V12c-1.3-.5-2.7-.5-4 0zm10-3.5v1.6c1.3-.5 2.7-.5 4 0V8.5c-1.3-.5-2.7-.5-4 0z" />
  ),
  meters: (
    <path d="M12 4a9 9 0 0 0-9 9c0 2 .7 3.9 1.8 5.4h14.4A9 9 0 0 0 12 4zm0 10.5a1.5 1.5 0 0 1-1.2-2.4L15 8l-2 4.8a1.5 1.5 0 0 1-1 1.7z" />
  ),
  quality: (
    <path d="M12 2 3 6v6c0 5 4 9 9 10 5-1 9-5 9-10V6zm-1.2 14L7 12.2l1.4-1.4 2.4 2.4 4.8-4.8L17 9.8z" />
  ),
  microgrid: <path d="M11 2 4 13h6l-1 9 7-11h-6zM18 15h3v7h-3zM19 13h1v2h-1z" />,
  setup: (
    <path d="M19.4 13a7.6 7.6 0 0 0 0-2l2-1.6-2-3.4-2.4 1a7 7 0 0 0-1.7-1L15 3.5h-4l-.4 2.5a7 7 0 0 0-1.7 1l-2.4-1-2 3.4L6.6 11a7.6 7.6 0 0 0 0 2l-2 1.6 2 3.4 2.4-1c.5.4 1.1.8 1.7 1l.4 2.5h4l.4-2.5c.6-.2 1.2-.6 1.7-1l2.4 1 2-3.4zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z" />
  ),
};

export function SideNav({
  active,
  open,
  onNavigate,
}: {
  active: PageKey;
  open: boolean;
  onNavigate: () => void;
}) {
  const { t, locale } = useI18n();
  const { scope, isAdmin, link, park } = usePark();
  const items: { key: PageKey; label: MessageKey; to: string }[] = [
    { key: 'overview', label: scope ? 'nav.overviewEnterprise' : 'nav.overview', to: link(['overview']) },
    { key: 'flow', label: 'nav.flow', to: link(['flow']) },
    scope
      ? { key: 'organisations', label: 'nav.myOrganisation', to: link(['organisations', scope]) }
      : { key: 'organisations', label: 'nav.organisations', to: link(['organisations']) },
    { key: 'account', label: 'nav.account', to: link(['account']) },
    // Every role: an enterprise user sees its own certificates, trades, matching and statement.
    { key: 'green', label: 'nav.green', to: link(['green']) },
  ];
  // The scorecard rests on the whole park's account: park admins and auditors, not enterprise users.
  if (!scope) items.push({ key: 'indicators', label: 'nav.indicators', to: link(['indicators']) });
  items.push(
    { key: 'statistics', label: 'nav.statistics', to: link(['statistics']) },
    // Every role reads the library and the profiles; the server filters other organisations' factor versions.
    { key: 'factors', label: 'nav.factors', to: link(['factors']) },
    { key: 'meters', label: 'nav.meters', to: link(['meters']) },
    { key: 'quality', label: 'nav.quality', to: link(['quality']) },
  );
  // Source-grid-load-storage planning is park-level: park admins and auditors, not enterprise users.
  if (!scope) items.push({ key: 'microgrid', label: 'nav.microgrid', to: link(['microgrid']) });
  if (isAdmin) items.push({ key: 'setup', label: 'nav.setup', to: link(['setup']) });
  return (
    <nav className={`sidenav ${open ? 'sidenav-open' : ''}`} aria-label={t('nav.main')}>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <a
              href={item.to}
              className={item.key === active ? 'nav-link nav-active' : 'nav-link'}
              aria-current={item.key === active ? 'page' : undefined}
              data-testid={`nav-${item.key}`}
              onClick={onNavigate}
            >
              <svg viewBox="0 0 24 24" className="nav-icon" aria-hidden="true" fill="currentColor">
                {ICONS[item.key]}
              </svg>
              <span>{t(item.label)}</span>
            </a>
          </li>
        ))}
      </ul>
      <div className="sidenav-foot">
        <div className="sidenav-park">{park.name}</div>
        {park.latestDay ? (
          <div className="muted" data-testid="data-until">
            {t('park.dataUntil', { day: formatDay(park.latestDay, locale) })}
          </div>
        ) : null}
      </div>
    </nav>
  );
}

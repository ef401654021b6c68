/**
 * The app: checks the session (GET /api/auth/me), shows the login page when there is none, otherwise the park shell
 * (top bar, left navigation, the page of the route). Pages are loaded lazily so the login page stays small.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ParkInfo, ParkSummary, UserView } from '../../src/server/api-types.ts';
import { logout, me } from './api/auth.ts';
import { ApiFailure, onUnauthenticated } from './api/client.ts';
import { getParkInfo, listParks } from './api/parks.ts';
import { useApi } from './api/use-api.ts';
import { Empty, ErrorMessage, Loading } from './components/ui.tsx';
import { LoginPage } from './features/login/LoginPage.tsx';
import { localDay } from './format.ts';
import { useI18n } from './i18n/index.tsx';
import { defaultPeriod, parsePeriod } from './period.ts';
import { href, navigate, useRoute, type Route } from './router.ts';
import { makeLink, ParkContext, type ParkContextValue } from './shell/park-context.tsx';
import { SideNav, type PageKey } from './shell/SideNav.tsx';
import { TopBar } from './shell/TopBar.tsx';

const OverviewPage = lazy(() => import('./features/overview/OverviewPage.tsx'));
const FlowPage = lazy(() => import('./features/flow/FlowPage.tsx'));
const RankingPage = lazy(() => import('./features/organisations/RankingPage.tsx'));
const OrganisationPage = lazy(() => import('./features/organisations/OrganisationPage.tsx'));
const MetersPage = lazy(() => import('./features/meters/MetersPage.tsx'));
const MeterPage = lazy(() => import('./features/meters/MeterPage.tsx'));
const QualityPage = lazy(() => import('./features/quality/QualityPage.tsx'));
const AccountPage = lazy(() => import('./features/carbon/AccountPage.tsx'));
const GreenPage = lazy(() => import('./features/green/GreenPage.tsx'));
const ScorecardPage = lazy(() => import('./features/indicators/ScorecardPage.tsx'));
const StatisticsPage = lazy(() => import('./features/statistics/StatisticsPage.tsx'));
const FactorsPage = lazy(() => import('./features/factors/FactorsPage.tsx'));
const MicrogridPage = lazy(() => import('./features/microgrid/MicrogridPage.tsx'));
const SetupPage = lazy(() => import('./features/setup/SetupPage.tsx'));

type Session =
  | { state: 'checking' }
  | { state: 'anonymous' }
  | { state: 'user'; user: UserView }
  | { state: 'error'; error: unknown };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    me(controller.signal)
      .then((user) => setSession({ state: 'user', user }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setSession(
          error instanceof ApiFailure && error.status === 401
            ? { state: 'anonymous' }
            : { state: 'error', error },
        );
      });
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => onUnauthenticated(() => setSession({ state: 'anonymous' })), []);

  const doLogout = useCallback(() => {
    logout()
      .catch(() => undefined)
      .finally(() => setSession({ state: 'anonymous' }));
  }, []);

  switch (session.state) {
    case 'checking':
      return (
        <div className="fullpage-center">
          <Loading />
        </div>
      );
    case 'error':
      return (
        <div className="fullpage-center">
          <ErrorMessage error={session.error} onRetry={() => setAttempt((a) => a + 1)} />
        </div>
      );
    case 'anonymous':
      return <LoginPage onLogin={(user) => setSession({ state: 'user', user })} />;
    case 'user':
      return <ParkApp key={session.user.username} user={session.user} onLogout={doLogout} />;
  }
}

function ParkApp({ user, onLogout }: { user: UserView; onLogout: () => void }) {
  const { t } = useI18n();
  const route = useRoute();
  const parks = useApi((signal) => listParks(signal), [user.username]);
  const parkList = parks.data?.parks;
  const requested = route.segments[0];
  const parkId = parkList?.some((p) => p.id === requested) ? requested : parkList?.[0]?.id;

  // Unknown or missing park in the URL: go to the first park the user may open.
  useEffect(() => {
    if (parkId && parkId !== requested) {
      navigate(href([parkId, 'overview'], { period: route.query.get('period') ?? undefined }), true);
    }
  }, [parkId, requested, route.query]);

  const info = useApi((signal) => getParkInfo(parkId ?? '', signal), parkId ? [parkId] : null);

  if (parks.state === 'error') {
    return (
      <div className="fullpage-center">
        <ErrorMessage error={parks.error} onRetry={parks.reload} />
      </div>
    );
  }
  if (!parkList) {
    return (
      <div className="fullpage-center">
        <Loading />
      </div>
    );
  }
  if (parkList.length === 0) {
    return (
      <div className="fullpage-center">
        <Empty>{t('park.none')}</Empty>
        <button type="button" className="btn" onClick={onLogout} data-testid="logout">
          {t('user.logout')}
        </button>
      </div>
    );
  }
  if (info.state === 'error') {
    return (
      <div className="fullpage-center">
        <ErrorMessage error={info.error} onRetry={info.reload} />
      </div>
    );
  }
  if (!info.data || info.data.id !== parkId) {
    return (
      <div className="fullpage-center">
        <Loading />
      </div>
    );
  }
  return <ParkShell user={user} parks={parkList} park={info.data} route={route} onLogout={onLogout} />;
}

function ParkShell(props: {
  user: UserView;
  parks: ParkSummary[];
  park: ParkInfo;
  route: Route;
  onLogout: () => void;
}) {
  const { user, parks, park, route } = props;
  const [navOpen, setNavOpen] = useState(false);
  const requestedPeriod = route.query.get('period');
  const period =
    requestedPeriod && parsePeriod(requestedPeriod) ? requestedPeriod : defaultPeriod(park.latestDay);
  const firstDay = park.dataFromMs === null ? null : localDay(park.dataFromMs, park.timezone);
  const scope = user.role === 'enterprise_user' ? user.organisation : null;
  const pagePath = route.segments.slice(1);

  const ctx = useMemo<ParkContextValue>(() => {
    const names = new Map(park.organisations.map((o) => [o.id, o.name]));
    return {
      user,
      parks,
      park,
      period,
      scope,
      isAdmin: user.role === 'park_admin',
      orgName: (id) => (id ? (names.get(id) ?? id) : ''),
      link: makeLink(park.id, period),
      setPeriod: (next) => {
        const q: Record<string, string | undefined> = Object.fromEntries(route.query.entries());
        navigate(href([park.id, ...route.segments.slice(1)], { ...q, period: next }));
      },
    };
  }, [user, parks, park, period, scope, route]);

  const [page, content] = routeContent(pagePath, ctx);
  return (
    <ParkContext.Provider value={ctx}>
      <div className="shell">
        <TopBar
          user={user}
          parks={parks}
          parkId={park.id}
          onPark={(id) => navigate(href([id, 'overview']))}
          period={period}
          latestDay={park.latestDay}
          firstDay={firstDay}
          onPeriod={ctx.setPeriod}
          organisationName={scope ? ctx.orgName(scope) : null}
          onLogout={props.onLogout}
          onToggleNav={() => setNavOpen((o) => !o)}
        />
        <div className="shell-body">
          <SideNav active={page} open={navOpen} onNavigate={() => setNavOpen(false)} />
          <main className="main" data-testid={`page-${page}`}>
            <Suspense fallback={<Loading />}>{content}</Suspense>
          </main>
        </div>
      </div>
    </ParkContext.Provider>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return <Loading />;
}

function routeContent(path: readonly string[], ctx: ParkContextValue): [PageKey, ReactNode] {
  const [page = 'overview', id, extra] = path;
  switch (page) {
    case 'overview':
      return ['overview', <OverviewPage key="overview" />];
    case 'flow':
      return ['flow', <FlowPage key="flow" />];
    case 'organisations':
      if (id) return ['organisations', <OrganisationPage key={`org-${id}`} organisation={id} />];
      // Enterprise users have no park-wide ranking: their organisation page stands in for it.
      if (ctx.scope)
        return ['organisations', <Redirect key="redirect" to={ctx.link(['organisations', ctx.scope])} />];
      return ['organisations', <RankingPage key="ranking" />];
    case 'account':
      return ['account', <AccountPage key="account" />];
    case 'green':
      return ['green', <GreenPage key="green" />];
    case 'indicators':
      return ['indicators', <ScorecardPage key="indicators" />];
    case 'statistics':
      return ['statistics', <StatisticsPage key="statistics" />];
    case 'factors':
      return ['factors', <FactorsPage key="factors" tab={id} />];
    case 'meters':
      if (id) return ['meters', <MeterPage key={`meter-${id}`} meter={id} />];
      return ['meters', <MetersPage key="meters" />];
    case 'quality':
      return ['quality', <QualityPage key="quality" />];
    case 'microgrid':
      return ['microgrid', <MicrogridPage key={`microgrid-${id ?? ''}`} scenario={id} />];
    case 'setup':
      return ['setup', <SetupPage key="setup" tab={id} extra={extra} />];
    default:
      return ['overview', <NotFound key="nf" />];
  }
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="error-box error-forbidden" role="alert" data-testid="error-message">
      {t('error.pageNotFound')}
    </div>
  );
}

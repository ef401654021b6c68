/** 计量点: every meter the caller may see, with search and filters by organisation, carrier and role. */
import { useMemo, useState } from 'react';
import { listMeters } from '../../api/meters.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ErrorMessage, Loading, PageHeader } from '../../components/ui.tsx';
import { formatCount } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { carrierName, roleName } from '../../names.ts';
import { usePark } from '../../shell/park-context.tsx';
import { MetersTable } from './MetersTable.tsx';

export default function MetersPage() {
  const { t, tx } = useI18n();
  const { park, scope, orgName } = usePark();
  const meters = useApi((signal) => listMeters(park.id, scope, signal), [park.id, scope]);
  const [text, setText] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [carrier, setCarrier] = useState('');
  const [role, setRole] = useState('');
  const all = meters.data?.meters;

  const options = useMemo(() => {
    const list = all ?? [];
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    return {
      organisations: uniq(list.map((m) => m.organisation)),
      carriers: uniq(list.map((m) => m.carrier)),
      roles: uniq(list.map((m) => m.role)),
    };
  }, [all]);

  const filtered = useMemo(() => {
    const q = text.trim().toLowerCase();
    return (all ?? []).filter(
      (m) =>
        (!organisation || m.organisation === organisation) &&
        (!carrier || m.carrier === carrier) &&
        (!role || m.role === role) &&
        (!q || m.id.toLowerCase().includes(q) || (m.name ?? '').toLowerCase().includes(q)),
    );
  }, [all, text, organisation, carrier, role]);

  return (
    <>
      <PageHeader
        title={t('meters.title')}
        subtitle={all ? t('meters.subtitle', { count: formatCount(all.length) }) : undefined}
      />
      {meters.state === 'error' ? <ErrorMessage error={meters.error} onRetry={meters.reload} /> : null}
      {all ? (
        <Card>
          <div className="filters">
            <input
              type="search"
              placeholder={t('meters.search')}
              aria-label={t('meters.search')}
              value={text}
              onChange={(e) => setText(e.target.value)}
              data-testid="meter-search"
            />
            {scope ? null : (
              <select
                value={organisation}
                onChange={(e) => setOrganisation(e.target.value)}
                aria-label={t('meters.organisation')}
                data-testid="meter-filter-organisation"
              >
                <option value="">{t('meters.filterAll', { label: t('meters.organisation') })}</option>
                {options.organisations.map((o) => (
                  <option key={o} value={o}>
                    {orgName(o)}
                  </option>
                ))}
              </select>
            )}
            <select
              value={carrier}
              onChange={(e) => setCarrier(e.target.value)}
              aria-label={t('meters.carrier')}
              data-testid="meter-filter-carrier"
            >
              <option value="">{t('meters.filterAll', { label: t('meters.carrier') })}</option>
              {options.carriers.map((c) => (
                <option key={c} value={c}>
                  {carrierName(tx, c)}
                </option>
              ))}
            </select>
            <select value={role} onChange={(e) => setRole(e.target.value)} aria-label={t('meters.role')}>
              <option value="">{t('meters.filterAll', { label: t('meters.role') })}</option>
              {options.roles.map((r) => (
                <option key={r} value={r}>
                  {roleName(tx, r)}
                </option>
              ))}
            </select>
            <span className="muted filters-count">
              {t('meters.showing', { shown: formatCount(filtered.length), total: formatCount(all.length) })}
            </span>
          </div>
          <MetersTable meters={filtered} showOrganisation={!scope} />
        </Card>
      ) : meters.state === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}

/**
 * The factor library: by key family, each key and scope with the version in force on a date (today unless chosen),
 * or every version with the superseded ones greyed. Search, section, scope and status filters; park admins add a
 * version (never an edit: the new one supersedes from its date).
 */
import { useMemo, useState } from 'react';
import { FACTOR_STATUSES } from '../../../../src/modules/carbon/types.ts';
import { listFactors, type Factor, type FactorStatus } from '../../api/carbon.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, Empty, ErrorMessage, Loading } from '../../components/ui.tsx';
import { formatFactor, localDay } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { FactorForm } from './FactorForm.tsx';
import {
  factorGroup,
  factorRows,
  factorUnit,
  formatStoredValue,
  matchesSearch,
  scopeKind,
  scopeOrganisation,
  type FactorRow,
} from './factor-view.ts';
import { FactorStatusTag, scopeLabel } from './labels.tsx';
import { FACTOR_GROUPS, KEY_FAMILIES, keyFamily, type FactorGroup } from './key-families.ts';

type ScopeFilter = 'all' | 'default' | 'park' | 'org';

export function FactorLibrary() {
  const { t, locale } = useI18n();
  const { park, isAdmin, orgName } = usePark();
  const today = localDay(Date.now(), park.timezone);
  const [generation, setGeneration] = useState(0);
  const factors = useApi((signal) => listFactors(park.id, signal), [park.id, generation]);
  const [search, setSearch] = useState('');
  const [group, setGroup] = useState<FactorGroup | 'all'>('all');
  const [scope, setScope] = useState<ScopeFilter>('all');
  const [status, setStatus] = useState<FactorStatus | 'all'>('all');
  const [all, setAll] = useState(false);
  const [asOf, setAsOf] = useState(today);
  const [draft, setDraft] = useState<{ key: string; organisation: string; n: number } | null>(null);
  const [saved, setSaved] = useState<Factor | null>(null);

  const list = factors.data?.factors;
  const rows = useMemo(() => {
    if (!list) return [];
    return factorRows(list, asOf, all).filter(
      (r) =>
        (group === 'all' || factorGroup(r.factor.key) === group) &&
        (scope === 'all' || scopeKind(r.factor.scope) === scope) &&
        (status === 'all' || r.factor.status === status) &&
        matchesSearch(r.factor, search, scopeLabel(t, orgName, r.factor.scope)),
    );
  }, [list, asOf, all, group, scope, status, search, t, orgName]);

  const openForm = (key = '', organisation = '') => {
    setSaved(null);
    setDraft((d) => ({ key, organisation, n: (d?.n ?? 0) + 1 }));
  };
  const history = (key: string) => {
    setSearch(key);
    setAll(true);
  };

  // Families in the catalogue's order, keys outside it last.
  const sections = new Map<string, FactorRow[]>();
  for (const r of rows) {
    const family = keyFamily(r.factor.key)?.pattern ?? '';
    const list = sections.get(family);
    if (list) list.push(r);
    else sections.set(family, [r]);
  }
  const order = [...KEY_FAMILIES.map((f) => f.pattern), ''];

  return (
    <>
      {saved ? (
        <div className="success-box" role="status" data-testid="factor-saved">
          {t('factors.saved', {
            key: saved.key,
            version: saved.version,
            scope: scopeLabel(t, orgName, saved.scope),
            from: saved.validFrom,
          })}
        </div>
      ) : null}
      {isAdmin && draft && list ? (
        <FactorForm
          key={draft.n}
          factors={list}
          initialKey={draft.key}
          initialOrganisation={draft.organisation}
          today={today}
          onCancel={() => setDraft(null)}
          onAdded={(f) => {
            setDraft(null);
            setSaved(f);
            setSearch(f.key);
            setAll(false);
            setAsOf(today);
            setGeneration((g) => g + 1);
          }}
        />
      ) : null}
      <Card
        title={t('factors.library')}
        testId="factor-library"
        actions={
          isAdmin && !draft ? (
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => openForm()}
              data-testid="factor-add-open"
            >
              {t('factors.add')}
            </button>
          ) : null
        }
      >
        <p className="help">{t('factors.libraryHelp')}</p>
        <div className="filters" data-testid="factor-filters">
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={t('factors.searchPlaceholder')}
            aria-label={t('app.search')}
            data-testid="factor-search"
          />
          <select
            value={group}
            onChange={(e) => setGroup(e.target.value as FactorGroup | 'all')}
            aria-label={t('factors.group')}
            data-testid="factor-group"
          >
            <option value="all">{t('factors.group.all')}</option>
            {FACTOR_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`factors.group.${g}`)}
              </option>
            ))}
          </select>
          <select
            value={scope}
            onChange={(e) => setScope(e.target.value as ScopeFilter)}
            aria-label={t('factor.scope')}
            data-testid="factor-scope"
          >
            <option value="all">{t('factors.scope.all')}</option>
            <option value="default">{t('factors.scope.default')}</option>
            <option value="park">{t('factors.scope.park')}</option>
            <option value="org">{t('factors.scope.org')}</option>
          </select>
          <select
            value={status}
            onChange={(e) => setStatus(e.target.value as FactorStatus | 'all')}
            aria-label={t('factor.status')}
            data-testid="factor-status"
          >
            <option value="all">{t('factors.status.all')}</option>
            {FACTOR_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`factor.status.${s}`)}
              </option>
            ))}
          </select>
          <label className="inline-field">
            <span>{t('factors.asOf')}</span>
            <input
              type="date"
              value={asOf}
              onChange={(e) => {
                if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) setAsOf(e.target.value);
              }}
              data-testid="factor-as-of"
            />
          </label>
          <label className="inline-field checkbox-field">
            <input
              type="checkbox"
              checked={all}
              onChange={(e) => setAll(e.target.checked)}
              data-testid="factor-all-versions"
            />
            <span>{t('factors.allVersions')}</span>
          </label>
          <span className="filters-count muted" data-testid="factor-count">
            {t('factors.count', { count: rows.length })}
          </span>
        </div>
        {factors.state === 'error' ? <ErrorMessage error={factors.error} onRetry={factors.reload} /> : null}
        {!list ? (
          factors.state === 'loading' ? (
            <Loading />
          ) : null
        ) : rows.length === 0 ? (
          <Empty>{t('factors.none')}</Empty>
        ) : (
          <div className={`table-wrap ${factors.state === 'loading' ? 'stale' : ''}`}>
            <table className="table table-compact factor-library" data-testid="factor-table">
              <thead>
                <tr>
                  <th>{t('factor.key')}</th>
                  <th>{t('factor.scope')}</th>
                  <th>{t('factor.version')}</th>
                  <th className="num">{t('factor.value')}</th>
                  <th>{t('factor.validFrom')}</th>
                  <th>{t('factor.status')}</th>
                  <th>{t('factor.source')}</th>
                  <th>{t('factors.evidence')}</th>
                  {isAdmin ? <th /> : null}
                </tr>
              </thead>
              <tbody>
                {order.flatMap((pattern) => {
                  const section = sections.get(pattern);
                  if (!section) return [];
                  const family = KEY_FAMILIES.find((f) => f.pattern === pattern);
                  return [
                    <tr key={`h-${pattern}`} className="group-row" data-testid="factor-family">
                      <th colSpan={isAdmin ? 9 : 8}>
                        {family
                          ? locale === 'en'
                            ? family.meaning
                            : family.meaningZh
                          : t('factors.otherKeys')}
                        {family ? (
                          <span className="family-meta">
                            <code>{family.pattern}</code> ·{' '}
                            {family.units
                              .map((u) => (u === '1' ? t('factors.fraction') : factorUnit(u)))
                              .join(' / ')}
                          </span>
                        ) : null}
                      </th>
                    </tr>,
                    ...section.map((r) => (
                      <FactorLine
                        key={`${r.factor.key}|${r.factor.scope}|${r.factor.version}`}
                        row={r}
                        showAll={all}
                        onHistory={history}
                        onAdd={isAdmin ? openForm : null}
                      />
                    )),
                  ];
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

function FactorLine(props: {
  row: FactorRow;
  showAll: boolean;
  onHistory: (key: string) => void;
  onAdd: ((key: string, organisation: string) => void) | null;
}) {
  const { t } = useI18n();
  const { orgName } = usePark();
  const { factor: f, state } = props.row;
  const kind = scopeKind(f.scope);
  const kg = f.unit.startsWith('tce/') && f.value !== 0 && Math.abs(f.value) < 0.01;
  return (
    <tr
      className={
        state === 'superseded' ? 'row-superseded' : state === 'scheduled' ? 'row-scheduled' : undefined
      }
      data-testid="lib-factor-row"
      data-key={f.key}
      data-scope={f.scope}
      data-version={f.version}
      data-state={state}
    >
      <td className="mono factor-key">{f.key}</td>
      <td className="nowrap">
        <span className={`scope-tag scope-${kind}`} data-testid="lib-factor-scope">
          {scopeLabel(t, orgName, f.scope)}
        </span>
        {props.row.overriddenByPark ? (
          <div className="muted small" data-testid="lib-factor-overridden">
            {t('factors.overriddenByPark')}
          </div>
        ) : null}
      </td>
      <td className="nowrap">
        <span className="mono">v{f.version}</span>{' '}
        <span
          className={`tag ${state === 'in_force' ? '' : state === 'scheduled' ? 'tag-warn' : 'tag-muted'}`}
          data-testid="lib-factor-state"
        >
          {t(`factors.state.${state}`)}
        </span>
        {!props.showAll && props.row.versions > 1 ? (
          <div>
            <button
              type="button"
              className="link-btn small"
              onClick={() => props.onHistory(f.key)}
              data-testid="lib-factor-history"
            >
              {t('factors.versions', { count: props.row.versions })}
            </button>
          </div>
        ) : null}
      </td>
      <td className="num" data-testid="lib-factor-value">
        <span data-testid="lib-factor-number">{formatStoredValue(f.value)}</span>{' '}
        <span data-testid="lib-factor-unit">{factorUnit(f.unit)}</span>
        {kg ? <div className="muted small">= {formatFactor(f.value, f.unit)}</div> : null}
      </td>
      <td className="nowrap small" data-testid="lib-factor-valid-from">
        {f.validFrom}
        {f.dataYear ? <div className="muted">{t('factor.dataYear', { year: f.dataYear })}</div> : null}
      </td>
      <td>
        <FactorStatusTag status={f.status} testId="lib-factor-status" />
      </td>
      <td className="small factor-source" data-testid="lib-factor-source">
        {f.source}
        {f.note ? <div className="muted">{f.note}</div> : null}
      </td>
      <td className="small factor-evidence" data-testid="lib-factor-evidence">
        {f.evidence ?? <span className="muted">—</span>}
        {kind !== 'default' ? (
          <div className="muted">
            {t('factors.addedBy', { by: f.createdBy, at: f.createdAt.slice(0, 10) })}
          </div>
        ) : null}
      </td>
      {props.onAdd ? (
        <td className="nowrap">
          <button
            type="button"
            className="btn btn-small btn-ghost"
            onClick={() => props.onAdd?.(f.key, kind === 'org' ? scopeOrganisation(f.scope) : '')}
            title={t('factors.addVersionOf', { key: f.key })}
            data-testid="lib-factor-add"
          >
            {t('factors.newVersion')}
          </button>
        </td>
      ) : null}
    </tr>
  );
}

/**
 * Method profiles: the shipped ones and the park's own copies, every version. A selected profile shows its settings
 * and each choice with how sure it is (unverified choices marked); park admins save a changed copy.
 */
import { useState, type ReactNode } from 'react';
import { listProfiles, type MethodProfile } from '../../api/carbon.ts';
import { useApi } from '../../api/use-api.ts';
import { Card, ErrorMessage, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useQueryParam } from '../../router.ts';
import { usePark } from '../../shell/park-context.tsx';
import { FactorStatusTag } from './labels.tsx';
import { ProfileCopyForm } from './ProfileCopyForm.tsx';
import { fieldLabel, gridText, profileRef, sortProfiles, yesNo } from './profile-view.ts';
import { localName } from '../../names.ts';

export function MethodProfiles() {
  const { t, locale } = useI18n();
  const { park, isAdmin } = usePark();
  const [generation, setGeneration] = useState(0);
  const profiles = useApi((signal) => listProfiles(park.id, signal), [park.id, generation]);
  const [selectedParam, setSelected] = useQueryParam('profile');
  const [copying, setCopying] = useState(false);
  const [saved, setSaved] = useState<MethodProfile | null>(null);

  if (profiles.state === 'error') return <ErrorMessage error={profiles.error} onRetry={profiles.reload} />;
  if (!profiles.data) return <Loading />;
  const sorted = sortProfiles(profiles.data.profiles);
  const defaultId = profiles.data.default;
  const selected = sorted.find((p) => profileRef(p) === selectedParam) ?? sorted[0];

  return (
    <>
      {saved ? (
        <div className="success-box" role="status" data-testid="profile-saved">
          {t('profiles.saved', { ref: profileRef(saved), name: localName(saved, locale) })}
        </div>
      ) : null}
      <Card title={t('profiles.list')} testId="profile-list">
        <p className="help">{t('profiles.listHelp')}</p>
        <div className="table-wrap">
          <table className="table table-compact table-hover" data-testid="profile-table">
            <thead>
              <tr>
                <th>{t('profiles.col.id')}</th>
                <th>{t('factor.version')}</th>
                <th>{t('profiles.col.name')}</th>
                <th>{t('account.method.electricity')}</th>
                <th>{t('account.method.grid')}</th>
                <th>{t('account.method.basedOn')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((p) => {
                const ref = profileRef(p);
                const active = selected && ref === profileRef(selected);
                return (
                  <tr
                    key={ref}
                    className={active ? 'row-open' : undefined}
                    onClick={() => {
                      setSelected(ref);
                      setCopying(false);
                    }}
                    aria-selected={active}
                    data-testid="profile-row"
                    data-profile={ref}
                  >
                    <td className="mono">
                      {p.id}
                      <span className={`tag ${p.basedOn ? '' : 'tag-muted'}`}>
                        {p.basedOn ? t('profiles.origin.park') : t('profiles.origin.shipped')}
                      </span>
                      {p.id === defaultId ? (
                        <span className="tag" data-testid="profile-default">
                          {t('profiles.default')}
                        </span>
                      ) : null}
                    </td>
                    <td className="mono">v{p.version}</td>
                    <td>{localName(p, locale)}</td>
                    <td className="nowrap" data-testid="profile-electricity">
                      {t(`profiles.electricity.${p.electricityTce}`)}
                    </td>
                    <td className="small">{gridText(t, p)}</td>
                    <td className="mono small">{p.basedOn ? profileRef(p.basedOn) : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      {selected ? (
        <>
          {isAdmin && copying ? (
            <ProfileCopyForm
              key={profileRef(selected)}
              base={selected}
              profiles={sorted}
              onCancel={() => setCopying(false)}
              onSaved={(p) => {
                setCopying(false);
                setSaved(p);
                setGeneration((g) => g + 1);
                setSelected(profileRef(p));
              }}
            />
          ) : null}
          <ProfileDetail
            profile={selected}
            actions={
              isAdmin && !copying ? (
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  onClick={() => {
                    setSaved(null);
                    setCopying(true);
                  }}
                  data-testid="profile-copy-open"
                >
                  {t('profiles.copy')}
                </button>
              ) : null
            }
          />
        </>
      ) : null}
    </>
  );
}

function ProfileDetail({ profile: p, actions }: { profile: MethodProfile; actions: ReactNode }) {
  const { t, tx, locale } = useI18n();
  const settings: [string, ReactNode][] = [
    ['electricityTce', t(`profiles.electricity.${p.electricityTce}`)],
    ['gridFactor', gridText(t, p)],
    ['heatFactorKey', <code key="h">{p.heatFactorKey}</code>],
    ['creditExports', yesNo(t, p.creditExports)],
    ['processEmissions', t(`profiles.process.${p.processEmissions}`)],
    ['recoveredCo2', t(`profiles.recovered.${p.recoveredCo2}`)],
    ['offsets', t(`profiles.offsets.${p.offsets}`)],
    ['coreIndicatorBasis', t(`profiles.basis.${p.coreIndicatorBasis}`)],
    [
      'cleanEnergy',
      <>
        {t('profiles.clean.naturalGas', { value: yesNo(t, p.cleanEnergy.naturalGas) })} ·{' '}
        {p.cleanEnergy.gridCleanShareKey ? (
          <code>{p.cleanEnergy.gridCleanShareKey}</code>
        ) : (
          t('profiles.clean.noGridShare')
        )}
      </>,
    ],
    [
      'allocation',
      <>
        {t(`profiles.allocation.${p.allocation.key}`)}
        {p.allocation.key === 'none'
          ? null
          : ` · ${p.allocation.sharedKinds.map((k) => tx(`org.kind.${k}`, k)).join('、')}`}
      </>,
    ],
    [
      'carrierFuel',
      <span key="f" className="mono small">
        {Object.entries(p.carrierFuel)
          .map(([c, f]) => `${c} → ${f}`)
          .join(', ')}
      </span>,
    ],
    [
      'carrierTce',
      <span key="c" className="mono small">
        {Object.entries(p.carrierTce)
          .map(([c, k]) => `${c} → ${k}`)
          .join(', ')}
      </span>,
    ],
    [
      'rounding',
      t('profiles.roundingText', {
        tco2: p.rounding.tco2,
        tce: p.rounding.tce,
        indicator: p.rounding.indicator,
        share: p.rounding.share,
      }),
    ],
  ];
  const unverified = p.choices.filter((c) => c.status === 'unverified').length;
  return (
    <Card
      title={
        <>
          {localName(p, locale)}{' '}
          <code className="method-id" data-testid="profile-detail-ref">
            {profileRef(p)}
          </code>
        </>
      }
      actions={actions}
      testId="profile-detail"
    >
      <p className="help">{p.description}</p>
      <p className="muted small">
        {p.basedOn ? `${t('account.method.basedOn')} ${profileRef(p.basedOn)} · ` : ''}
        {t('profiles.createdBy', { by: p.createdBy, at: p.createdAt.slice(0, 10) })}
      </p>
      <h3 className="detail-title">{t('profiles.settings')}</h3>
      <dl className="profile-settings" data-testid="profile-settings">
        {settings.map(([field, value]) => (
          <div key={field} data-field={field}>
            <dt>{fieldLabel(tx, field)}</dt>
            <dd data-testid={`profile-setting-${field}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <h3 className="detail-title">
        {t('profiles.choices', { count: p.choices.length })}
        {unverified > 0 ? (
          <span className="tag status-unverified" data-testid="profile-unverified-count">
            {t('profiles.unverifiedCount', { count: unverified })}
          </span>
        ) : null}
      </h3>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="profile-choices">
          <thead>
            <tr>
              <th>{t('profiles.col.field')}</th>
              <th>{t('factor.status')}</th>
              <th>{t('profiles.col.note')}</th>
            </tr>
          </thead>
          <tbody>
            {p.choices.map((c, i) => (
              <tr
                key={`${c.field}-${i}`}
                className={c.status === 'unverified' ? 'choice-unverified' : undefined}
                data-testid="profile-choice"
                data-field={c.field}
                data-status={c.status}
              >
                <td className="nowrap">
                  {c.status === 'unverified' ? (
                    <span className="choice-flag" aria-label={t('factor.status.unverified')}>
                      ⚠
                    </span>
                  ) : null}
                  {fieldLabel(tx, c.field)}
                  <div className="muted small mono">{c.field}</div>
                </td>
                <td>
                  <FactorStatusTag status={c.status} />
                </td>
                <td className="small choice-note">{c.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

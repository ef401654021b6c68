/**
 * Copy and change a method profile (park admins): a new id and name, and the main switches — electricity convention,
 * grid-factor rule, level and data year, exports credited, process emissions, recovered CO₂, offsets, the core
 * indicator's basis, the allocation key. Only the switches that differ from the base are sent; each changed switch's
 * choice note is replaced by one that says what changed and why (unverified: the park's own decision), so the copy
 * does not carry the base's reasoning for a choice it no longer makes.
 */
import { useState } from 'react';
import {
  saveProfile,
  type MethodProfile,
  type ProfileChanges,
  type ProfileChoice,
} from '../../api/carbon.ts';
import { ErrorMessage } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { formIssues, type FormIssues } from './form-issues.ts';
import { usePark } from '../../shell/park-context.tsx';
import { fieldLabel, profileRef } from './profile-view.ts';
import { localName } from '../../names.ts';

interface Switches {
  electricityTce: MethodProfile['electricityTce'];
  gridRule: MethodProfile['gridFactor']['rule'];
  gridLevel: MethodProfile['gridFactor']['level'];
  /** 'latest' or a year as typed. */
  gridDataYear: string;
  creditExports: boolean;
  processEmissions: MethodProfile['processEmissions'];
  recoveredCo2: MethodProfile['recoveredCo2'];
  offsets: MethodProfile['offsets'];
  coreIndicatorBasis: MethodProfile['coreIndicatorBasis'];
  allocationKey: MethodProfile['allocation']['key'];
}

const switchesOf = (p: MethodProfile): Switches => ({
  electricityTce: p.electricityTce,
  gridRule: p.gridFactor.rule,
  gridLevel: p.gridFactor.level,
  gridDataYear: String(p.gridFactor.dataYear),
  creditExports: p.creditExports,
  processEmissions: p.processEmissions,
  recoveredCo2: p.recoveredCo2,
  offsets: p.offsets,
  coreIndicatorBasis: p.coreIndicatorBasis,
  allocationKey: p.allocation.key,
});

const FIELDS = [
  'from',
  'id',
  'name',
  'nameEn',
  'electricityTce',
  'gridFactor',
  'creditExports',
  'processEmissions',
  'recoveredCo2',
  'offsets',
  'coreIndicatorBasis',
  'allocation',
  'choices',
] as const;

/** The changed switches as profile fields (whole values: a change replaces the field). */
function profileChanges(base: MethodProfile, s: Switches): ProfileChanges {
  const changes: ProfileChanges = {};
  if (s.electricityTce !== base.electricityTce) changes.electricityTce = s.electricityTce;
  const year = s.gridDataYear.trim() === 'latest' ? 'latest' : Number(s.gridDataYear.trim());
  if (
    s.gridRule !== base.gridFactor.rule ||
    s.gridLevel !== base.gridFactor.level ||
    year !== base.gridFactor.dataYear
  )
    changes.gridFactor = { rule: s.gridRule, level: s.gridLevel, dataYear: year };
  if (s.creditExports !== base.creditExports) changes.creditExports = s.creditExports;
  if (s.processEmissions !== base.processEmissions) changes.processEmissions = s.processEmissions;
  if (s.recoveredCo2 !== base.recoveredCo2) changes.recoveredCo2 = s.recoveredCo2;
  if (s.offsets !== base.offsets) changes.offsets = s.offsets;
  if (s.coreIndicatorBasis !== base.coreIndicatorBasis) changes.coreIndicatorBasis = s.coreIndicatorBasis;
  if (s.allocationKey !== base.allocation.key)
    changes.allocation = { ...base.allocation, key: s.allocationKey };
  return changes;
}

/** The base's choices with each changed field's note replaced by what changed (from → to) and the reason given. */
function changedChoices(
  base: MethodProfile,
  changes: ProfileChanges,
  reason: string,
): ProfileChoice[] | undefined {
  const fields = Object.keys(changes);
  if (fields.length === 0) return undefined;
  const kept = base.choices.filter((c) => !fields.includes(c.field.split('.')[0] ?? ''));
  const added = fields.map((field) => {
    const from = JSON.stringify((base as unknown as Record<string, unknown>)[field]);
    const to = JSON.stringify((changes as Record<string, unknown>)[field]);
    const why = reason.trim() ? ` ${reason.trim()}` : '';
    return {
      field,
      status: 'unverified' as const,
      note: `Changed in this copy of ${profileRef(base)}: ${from} → ${to}.${why}`,
    };
  });
  return [...added, ...kept];
}

export function ProfileCopyForm(props: {
  base: MethodProfile;
  profiles: readonly MethodProfile[];
  onSaved: (p: MethodProfile) => void;
  onCancel: () => void;
}) {
  const { t, tx, locale } = useI18n();
  const { park } = usePark();
  const base = props.base;
  const own = !!base.basedOn;
  const [id, setId] = useState(own ? base.id : '');
  const [name, setName] = useState(own ? base.name : '');
  const [nameEn, setNameEn] = useState(own ? base.nameEn : '');
  const [s, setS] = useState<Switches>(() => switchesOf(base));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<FormIssues | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof Switches>(k: K, v: Switches[K]) => setS((prev) => ({ ...prev, [k]: v }));
  const changes = profileChanges(base, s);
  const nextOwn = props.profiles.filter((p) => p.id === id.trim());

  const submit = async () => {
    setIssues(null);
    setError(null);
    const choices = changedChoices(base, changes, reason);
    setBusy(true);
    try {
      const saved = await saveProfile(park.id, {
        from: profileRef(base),
        id: id.trim(),
        name: name.trim(),
        ...(nameEn.trim() ? { nameEn: nameEn.trim() } : {}),
        changes: { ...changes, ...(choices ? { choices } : {}) },
      });
      props.onSaved(saved);
    } catch (e) {
      const found = formIssues(e, FIELDS);
      if (found) setIssues(found);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const issue = (field: (typeof FIELDS)[number]) => {
    const reasons = issues?.byField.get(field);
    return reasons ? (
      <span className="field-issue" data-testid={`pf-issue-${field}`}>
        {reasons.join('；')}
      </span>
    ) : null;
  };
  const select = <K extends keyof Switches>(
    k: K,
    field: (typeof FIELDS)[number],
    options: readonly { value: string; label: string }[],
    parse: (v: string) => Switches[K],
  ) => (
    <label className={issues?.byField.has(field) ? 'field-invalid' : undefined}>
      {k === 'gridRule'
        ? t('profiles.form.gridRule')
        : k === 'gridLevel'
          ? t('profiles.form.gridLevel')
          : k === 'allocationKey'
            ? fieldLabel(tx, 'allocation')
            : fieldLabel(tx, field)}
      <select
        value={String(s[k])}
        onChange={(e) => set(k, parse(e.target.value))}
        className={String(s[k]) !== String(switchesOf(base)[k]) ? 'changed' : undefined}
        data-testid={`pf-${k}`}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {k === 'gridRule' || k === 'gridLevel' ? null : issue(field)}
    </label>
  );
  const opts = (values: readonly string[], label: (v: string) => string) =>
    values.map((v) => ({ value: v, label: label(v) }));

  return (
    <section className="card" data-testid="profile-copy-form">
      <div className="card-head">
        <h2>
          {t('profiles.form.title', { name: localName(base, locale) })}{' '}
          <code className="method-id">{profileRef(base)}</code>
        </h2>
      </div>
      <p className="notice">{own ? t('profiles.form.helpOwn') : t('profiles.form.help')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <label className={issues?.byField.has('id') ? 'field-invalid' : undefined}>
            {t('profiles.form.id')}
            <input
              type="text"
              value={id}
              onChange={(e) => setId(e.target.value)}
              placeholder={`${park.id}-method`}
              className="mono"
              autoComplete="off"
              data-testid="pf-id"
            />
            {issue('id')}
            {nextOwn.length > 0 ? (
              <span className="muted small">
                {t('profiles.form.nextVersion', {
                  version: Math.max(...nextOwn.map((p) => p.version)) + 1,
                })}
              </span>
            ) : null}
          </label>
          <label className={issues?.byField.has('name') ? 'field-invalid span-2' : 'span-2'}>
            {t('profiles.form.name')}
            <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="pf-name" />
            {issue('name')}
          </label>
          <label className={issues?.byField.has('nameEn') ? 'field-invalid' : undefined}>
            {t('profiles.form.nameEn')}
            <input
              type="text"
              value={nameEn}
              onChange={(e) => setNameEn(e.target.value)}
              placeholder={t('statistics.optional')}
              data-testid="pf-nameEn"
            />
            {issue('nameEn')}
          </label>
          {select(
            'electricityTce',
            'electricityTce',
            opts(['calorific', 'equivalent'], (v) => t(`profiles.electricity.${v as 'calorific'}`)),
            (v) => v as Switches['electricityTce'],
          )}
          {select(
            'gridRule',
            'gridFactor',
            opts(['average', 'residual_when_claimed'], (v) => t(`account.gridRule.${v as 'average'}`)),
            (v) => v as Switches['gridRule'],
          )}
          {select(
            'gridLevel',
            'gridFactor',
            opts(['national', 'regional', 'provincial'], (v) => t(`account.gridLevel.${v as 'national'}`)),
            (v) => v as Switches['gridLevel'],
          )}
          <label className={issues?.byField.has('gridFactor') ? 'field-invalid' : undefined}>
            {t('profiles.form.gridDataYear')}
            <input
              type="text"
              list="grid-data-years"
              value={s.gridDataYear}
              onChange={(e) => set('gridDataYear', e.target.value)}
              className={s.gridDataYear !== switchesOf(base).gridDataYear ? 'changed' : undefined}
              title={t('profiles.form.gridDataYearHelp')}
              placeholder={t('profiles.form.gridDataYearHelp')}
              data-testid="pf-gridDataYear"
            />
            <datalist id="grid-data-years">
              <option value="latest">{t('account.method.latest')}</option>
              {[2021, 2022, 2023].map((y) => (
                <option key={y} value={y} />
              ))}
            </datalist>
            {issue('gridFactor')}
          </label>
          {select(
            'creditExports',
            'creditExports',
            [
              { value: 'true', label: t('profiles.yes') },
              { value: 'false', label: t('profiles.no') },
            ],
            (v) => v === 'true',
          )}
          {select(
            'processEmissions',
            'processEmissions',
            opts(['include', 'memo'], (v) => t(`profiles.process.${v as 'include'}`)),
            (v) => v as Switches['processEmissions'],
          )}
          {select(
            'recoveredCo2',
            'recoveredCo2',
            opts(['deduct', 'memo'], (v) => t(`profiles.recovered.${v as 'deduct'}`)),
            (v) => v as Switches['recoveredCo2'],
          )}
          {select(
            'offsets',
            'offsets',
            opts(['net', 'memo'], (v) => t(`profiles.offsets.${v as 'net'}`)),
            (v) => v as Switches['offsets'],
          )}
          {select(
            'coreIndicatorBasis',
            'coreIndicatorBasis',
            opts(['gross', 'net'], (v) => t(`profiles.basis.${v as 'gross'}`)),
            (v) => v as Switches['coreIndicatorBasis'],
          )}
          {select(
            'allocationKey',
            'allocation',
            opts(['none', 'electricity', 'energy_tce'], (v) => t(`profiles.allocation.${v as 'none'}`)),
            (v) => v as Switches['allocationKey'],
          )}
          <label className="span-2">
            {t('profiles.form.reason')}
            <input
              type="text"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder={t('profiles.form.reasonPlaceholder')}
              data-testid="pf-reason"
            />
          </label>
        </div>
        <p className="muted small" data-testid="pf-changes">
          {Object.keys(changes).length === 0
            ? t('profiles.form.noChanges')
            : t('profiles.form.changes', {
                fields: Object.keys(changes)
                  .map((f) => fieldLabel(tx, f))
                  .join('、'),
              })}
        </p>
        {issues && issues.general.length > 0 ? (
          <ul className="row-issues" data-testid="pf-issues">
            {issues.general.map((g, i) => (
              <li key={i}>{g}</li>
            ))}
          </ul>
        ) : null}
        {issues ? (
          <p className="form-error" data-testid="pf-refused">
            {t('factors.form.refused')}
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} /> : null}
        <div className="form-row entry-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="pf-submit">
            {busy ? t('statistics.submitting') : t('profiles.form.submit')}
          </button>
          <button type="button" className="btn" onClick={props.onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

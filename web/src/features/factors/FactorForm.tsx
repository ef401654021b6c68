/**
 * Adding a factor version (park admins): key (an existing one or typed), organisation or the whole park, value with
 * the unit of the key's existing versions, the date it is in force from, status, source, and evidence when measured.
 * Posts it as it is; the server's reasons appear under the fields they name.
 */
import { useState } from 'react';
import { addFactor, type Factor, type FactorStatus, type FactorInput } from '../../api/carbon.ts';
import { ErrorMessage } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { existingUnit, factorUnit, formatStoredValue, versionStates } from './factor-view.ts';
import { formIssues, type FormIssues } from './form-issues.ts';
import { keyFamily } from './key-families.ts';
import { scopeLabel } from './labels.tsx';

const FIELDS = [
  'key',
  'organisation',
  'value',
  'unit',
  'validFrom',
  'dataYear',
  'status',
  'source',
  'evidence',
  'note',
] as const;
type Field = (typeof FIELDS)[number];
const STATUSES: readonly FactorStatus[] = ['measured', 'verified', 'secondary', 'unverified'];

export function FactorForm(props: {
  factors: readonly Factor[];
  initialKey: string;
  initialOrganisation: string;
  today: string;
  onAdded: (f: Factor) => void;
  onCancel: () => void;
}) {
  const { t, locale } = useI18n();
  const { park, orgName } = usePark();
  const unitFor = (key: string) => existingUnit(props.factors, key) ?? keyFamily(key)?.units[0] ?? '';
  const [key, setKey] = useState(props.initialKey);
  const [organisation, setOrganisation] = useState(props.initialOrganisation);
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState(() => unitFor(props.initialKey));
  const [validFrom, setValidFrom] = useState(props.today);
  const [dataYear, setDataYear] = useState('');
  const [status, setStatus] = useState<FactorStatus>('unverified');
  const [source, setSource] = useState('');
  const [evidence, setEvidence] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [issues, setIssues] = useState<FormIssues | null>(null);
  const [error, setError] = useState<unknown>(null);

  const keys = [...new Set(props.factors.map((f) => f.key))].sort();
  const family = keyFamily(key.trim());
  const fixedUnit = existingUnit(props.factors, key.trim());
  const scope = organisation ? `org:${park.id}/${organisation}` : `park:${park.id}`;
  const states = versionStates(props.factors, validFrom);
  const current = props.factors.filter(
    (f) => f.key === key.trim() && (f.scope === scope || f.scope === '*') && states.get(f) === 'in_force',
  );

  const changeKey = (next: string) => {
    setKey(next);
    setUnit(unitFor(next.trim()));
  };

  const submit = async () => {
    setIssues(null);
    setError(null);
    const number = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(number)) {
      setIssues({ byField: new Map([['value', [t('factors.form.valueNumber')]]]), general: [] });
      return;
    }
    const body: FactorInput = {
      key: key.trim(),
      value: number,
      unit: unit.trim(),
      validFrom,
      source: source.trim(),
      status,
      ...(organisation ? { organisation } : {}),
      ...(dataYear.trim() ? { dataYear: Number(dataYear.trim()) } : {}),
      ...(evidence.trim() ? { evidence: evidence.trim() } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    setBusy(true);
    try {
      props.onAdded(await addFactor(park.id, body));
    } catch (e) {
      const found = formIssues(e, FIELDS);
      if (found) setIssues(found);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const issue = (field: Field) => {
    const reasons = issues?.byField.get(field);
    return reasons ? (
      <span className="field-issue" data-testid={`ff-issue-${field}`}>
        {reasons.join('；')}
      </span>
    ) : null;
  };
  const cls = (field: Field, extra = '') =>
    `${issues?.byField.has(field) ? 'field-invalid' : ''} ${extra}`.trim() || undefined;

  return (
    <section className="card factor-form-card" data-testid="factor-form-card">
      <div className="card-head">
        <h2>{t('factors.form.title')}</h2>
      </div>
      <p className="notice" data-testid="factor-never-edited">
        {t('factors.form.neverEdited')}
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        data-testid="factor-form"
      >
        <div className="form-grid">
          <label className={cls('key', 'span-2')}>
            {t('factor.key')}
            <input
              type="text"
              list="factor-keys"
              value={key}
              onChange={(e) => changeKey(e.target.value)}
              placeholder="fuel.natural_gas.ncv"
              className="mono"
              autoComplete="off"
              data-testid="ff-key"
            />
            <datalist id="factor-keys">
              {keys.map((k) => (
                <option key={k} value={k} />
              ))}
            </datalist>
            {issue('key')}
          </label>
          <label className={cls('organisation')}>
            {t('factor.scope')}
            <select
              value={organisation}
              onChange={(e) => setOrganisation(e.target.value)}
              data-testid="ff-organisation"
            >
              <option value="">{t('factors.form.wholePark')}</option>
              {park.organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            {issue('organisation')}
          </label>
          <label className={cls('value')}>
            {t('factor.value')}
            <input
              type="text"
              inputMode="decimal"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              className="num-input"
              data-testid="ff-value"
            />
            {issue('value')}
          </label>
          <label className={cls('unit')}>
            {t('factors.form.unit')}
            {family ? (
              <select
                value={unit}
                onChange={(e) => setUnit(e.target.value)}
                disabled={fixedUnit !== undefined}
                title={fixedUnit ? t('factors.form.unitFixed') : undefined}
                data-testid="ff-unit"
              >
                {family.units.map((u) => (
                  <option key={u} value={u}>
                    {u === '1' ? t('factors.fraction') : factorUnit(u)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="text"
                value={unit}
                onChange={(e) => setUnit(e.target.value)}
                data-testid="ff-unit"
              />
            )}
            {issue('unit')}
          </label>
          <label className={cls('validFrom')}>
            {t('factor.validFrom')}
            <input
              type="date"
              value={validFrom}
              onChange={(e) => setValidFrom(e.target.value)}
              data-testid="ff-valid-from"
            />
            {issue('validFrom')}
          </label>
          <label className={cls('dataYear')}>
            {t('factors.form.dataYear')}
            <input
              type="number"
              min={1990}
              max={2100}
              step={1}
              value={dataYear}
              onChange={(e) => setDataYear(e.target.value)}
              placeholder={t('statistics.optional')}
              data-testid="ff-data-year"
            />
            {issue('dataYear')}
          </label>
          <label className={cls('status')}>
            {t('factor.status')}
            <select
              value={status}
              onChange={(e) => setStatus(e.target.value as FactorStatus)}
              data-testid="ff-status"
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`factor.status.${s}`)}
                </option>
              ))}
            </select>
            {issue('status')}
          </label>
          <label className={cls('source', 'span-2')}>
            {t('factor.source')}
            <input
              type="text"
              value={source}
              onChange={(e) => setSource(e.target.value)}
              maxLength={500}
              placeholder={t('factors.form.sourcePlaceholder')}
              data-testid="ff-source"
            />
            {issue('source')}
          </label>
          <label className={cls('evidence', 'span-2')}>
            <span>
              {t('factors.evidence')}{' '}
              {status === 'measured' ? (
                <span className="required-mark" data-testid="ff-evidence-required">
                  {t('factors.form.evidenceRequired')}
                </span>
              ) : (
                <span className="muted">{t('statistics.optional')}</span>
              )}
            </span>
            <input
              type="text"
              value={evidence}
              onChange={(e) => setEvidence(e.target.value)}
              maxLength={500}
              placeholder={t('factors.form.evidencePlaceholder')}
              className={status === 'measured' ? 'entry-required' : undefined}
              data-testid="ff-evidence"
            />
            {issue('evidence')}
          </label>
          <label className={cls('note', 'span-2')}>
            {t('statistics.col.note')}
            <input
              type="text"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={2000}
              data-testid="ff-note"
            />
            {issue('note')}
          </label>
        </div>
        <div className="factor-form-hint small" data-testid="ff-hint">
          {family ? (
            <span>
              {locale === 'en' ? family.meaning : family.meaningZh} · {t('factors.form.range')} {family.min}–
              {family.max} {factorUnit(unit)}
            </span>
          ) : key.trim() ? (
            <span className="missing-text">{t('factors.form.unknownKey')}</span>
          ) : null}
          {current.map((f) => (
            <span key={`${f.scope}|${f.version}`} className="muted" data-testid="ff-current">
              {t('factors.form.current', {
                scope: scopeLabel(t, orgName, f.scope),
                version: f.version,
                value: `${formatStoredValue(f.value)} ${factorUnit(f.unit)}`.trim(),
                from: f.validFrom,
              })}
            </span>
          ))}
        </div>
        {issues && issues.general.length > 0 ? (
          <ul className="row-issues" data-testid="ff-issues">
            {issues.general.map((g, i) => (
              <li key={i}>{g}</li>
            ))}
          </ul>
        ) : null}
        {issues ? (
          <p className="form-error" data-testid="ff-refused">
            {t('factors.form.refused')}
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} /> : null}
        <div className="form-row entry-actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || !key.trim()}
            data-testid="ff-submit"
          >
            {busy ? t('statistics.submitting') : t('factors.form.submit')}
          </button>
          <button type="button" className="btn" onClick={props.onCancel} data-testid="ff-cancel">
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

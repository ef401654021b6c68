/**
 * The data-entry form of one organisation and month: a row per kind (several for kinds with items), prefilled with
 * the latest values; the unit shown, item and evidence asked where the kind needs them, the emission factor for
 * process activity. Rows with a value are sent (POST statistics); refused rows are marked with their field and reason.
 */
import { useState } from 'react';
import {
  getStatistics,
  submitStatistics,
  type StatisticBatchResult,
  type StatisticInputRow,
  type StatisticKind,
  type StatisticValue,
} from '../../api/carbon.ts';
import { Card, ErrorMessage } from '../../components/ui.tsx';
import { displayUnit } from '../../format.ts';
import { useI18n } from '../../i18n/index.tsx';
import { usePark } from '../../shell/park-context.tsx';
import { statisticKindLabel } from '../carbon/AccountTables.tsx';
import { BatchResult } from './BatchResult.tsx';
import { FORM_KINDS, itemChoices, kindSpec, storedUnit } from './kinds.ts';

interface EntryRow {
  key: number;
  kind: StatisticKind;
  item: string;
  value: string;
  unit: string;
  evidence: string;
  note: string;
  factorValue: string;
  factorSource: string;
  /** The latest stored version this row was prefilled from. */
  version: number | null;
  /** The row's fields as stored (null for a new row): only rows that differ from it are sent. */
  stored: string | null;
}

/** The fields of a row that make a value (what a submission would change). */
const fieldsOf = (r: EntryRow): string =>
  JSON.stringify([
    r.item.trim(),
    r.value.trim(),
    r.unit.trim(),
    r.evidence.trim(),
    r.note.trim(),
    r.factorValue.trim(),
    r.factorSource.trim(),
  ]);

/** A row to send: a new value, or a changed one (untouched prefilled rows are not sent again). */
const isDirty = (r: EntryRow): boolean => r.value.trim() !== '' && fieldsOf(r) !== r.stored;

function storedRow(kind: StatisticKind, s: StatisticValue): EntryRow {
  const row: EntryRow = {
    key: nextKey++,
    kind,
    item: s.item,
    value: String(s.value),
    unit: s.unit,
    evidence: s.evidence ?? '',
    note: s.note ?? '',
    factorValue: s.factor ? String(s.factor.value) : '',
    factorSource: s.factor?.source ?? '',
    version: s.version,
    stored: null,
  };
  return { ...row, stored: fieldsOf(row) };
}

let nextKey = 1;

function blankRow(kind: StatisticKind): EntryRow {
  return {
    key: nextKey++,
    kind,
    item: itemChoices(kind)?.[0] ?? '',
    value: '',
    unit: storedUnit(kind),
    evidence: '',
    note: '',
    factorValue: '',
    factorSource: '',
    version: null,
    stored: null,
  };
}

function initialRows(existing: readonly StatisticValue[]): EntryRow[] {
  const rows: EntryRow[] = [];
  for (const kind of FORM_KINDS) {
    const have = existing.filter((s) => s.kind === kind).sort((a, b) => a.item.localeCompare(b.item));
    if (have.length === 0) rows.push(blankRow(kind));
    for (const s of have) rows.push(storedRow(kind, s));
  }
  return rows;
}

type Outcome =
  | { kind: 'none' }
  | { kind: 'empty' }
  | { kind: 'done'; result: StatisticBatchResult; sent: EntryRow[] }
  | { kind: 'error'; error: unknown };

export function EntryForm(props: {
  organisation: string;
  month: string;
  existing: readonly StatisticValue[];
  onSubmitted: () => void;
}) {
  const { t, tx } = useI18n();
  const { park, orgName } = usePark();
  const [rows, setRows] = useState<EntryRow[]>(() => initialRows(props.existing));
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });

  const update = (key: number, patch: Partial<EntryRow>) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const addItem = (kind: StatisticKind) =>
    setRows((rs) => {
      const last = rs.map((r) => r.kind).lastIndexOf(kind);
      const next = [...rs];
      next.splice(last + 1, 0, blankRow(kind));
      return next;
    });
  const remove = (key: number) => setRows((rs) => rs.filter((r) => r.key !== key));

  const submit = async () => {
    const sent = rows.filter(isDirty);
    if (sent.length === 0) {
      setOutcome({ kind: 'empty' });
      return;
    }
    const body: StatisticInputRow[] = sent.map((r) => ({
      organisation: props.organisation,
      month: props.month,
      kind: r.kind,
      item: r.item.trim(),
      value: r.value.trim(),
      unit: r.unit.trim(),
      evidence: r.evidence.trim(),
      note: r.note.trim(),
      factor_value: kindSpec(r.kind).factor ? r.factorValue.trim() : '',
      factor_unit: kindSpec(r.kind).factor && r.factorValue.trim() ? `tCO2/${r.unit.trim()}` : '',
      factor_source: kindSpec(r.kind).factor ? r.factorSource.trim() : '',
    }));
    setBusy(true);
    setOutcome({ kind: 'none' });
    try {
      const result = await submitStatistics(park.id, body);
      setOutcome({ kind: 'done', result, sent });
      props.onSubmitted();
      // Rows the server took now show their stored version; refused rows keep what was typed.
      const refusedKeys = new Set(result.rejected.map((r) => sent[r.line - 1]?.key));
      const fresh = await getStatistics(park.id, props.month, props.organisation).catch(() => null);
      if (!fresh) return;
      setRows((rs) =>
        rs.map((r) => {
          if (refusedKeys.has(r.key) || !sent.some((x) => x.key === r.key)) return r;
          const s = fresh.statistics.find((v) => v.kind === r.kind && v.item === r.item.trim());
          return s ? { ...storedRow(r.kind, s), key: r.key } : r;
        }),
      );
    } catch (error) {
      setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };

  // Refused rows of the last submission, by the form row they came from (lines are 1-based positions).
  const refused = new Map<number, string[]>();
  if (outcome.kind === 'done')
    for (const r of outcome.result.rejected) {
      const row = outcome.sent[r.line - 1];
      if (row)
        refused.set(
          row.key,
          r.issues.map((i) => `${fieldName(t, i.field)}：${i.reason}`),
        );
    }
  const describeLine = (line: number) => {
    if (outcome.kind !== 'done') return String(line);
    const row = outcome.sent[line - 1];
    return row ? `${statisticKindLabel(t, row.kind)}${row.item ? ` · ${row.item}` : ''}` : String(line);
  };

  return (
    <Card
      title={t('statistics.form', { organisation: orgName(props.organisation), month: props.month })}
      testId="stat-form-card"
    >
      <p className="help">{t('statistics.formHelp')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        data-testid="stat-form"
      >
        <div className="table-wrap">
          <table className="table table-compact entry-table">
            <thead>
              <tr>
                <th>{t('statistics.col.kind')}</th>
                <th>{t('statistics.col.item')}</th>
                <th>{t('statistics.col.value')}</th>
                <th>{t('statistics.col.unit')}</th>
                <th>{t('statistics.col.evidence')}</th>
                <th>{t('statistics.col.factor')}</th>
                <th>{t('statistics.col.note')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const spec = kindSpec(r.kind);
                const choices = itemChoices(r.kind);
                const first = rows[i - 1]?.kind !== r.kind;
                const issues = refused.get(r.key);
                const label = statisticKindLabel(t, r.kind);
                return (
                  <tr
                    key={r.key}
                    className={issues ? 'row-error' : first ? 'row-first' : undefined}
                    data-testid="stat-row"
                    data-kind={r.kind}
                  >
                    <td className="entry-kind">
                      {first ? (
                        <>
                          <span>{label}</span>
                          <div className="muted small mono">{r.kind}</div>
                        </>
                      ) : null}
                      {issues ? (
                        <ul className="row-issues" data-testid="stat-row-issues">
                          {issues.map((x, j) => (
                            <li key={j}>{x}</li>
                          ))}
                        </ul>
                      ) : null}
                    </td>
                    <td className="entry-item">
                      {spec.item === 'none' ? (
                        <span className="muted">—</span>
                      ) : choices ? (
                        <select
                          value={r.item}
                          onChange={(e) => update(r.key, { item: e.target.value })}
                          aria-label={`${label} ${t('statistics.col.item')}`}
                          data-testid={`stat-item-${r.kind}`}
                        >
                          {choices.includes(r.item) ? null : <option value={r.item}>{r.item}</option>}
                          {choices.map((item) => (
                            <option key={item} value={item}>
                              {tx(`carrier.${item}`, tx(`stat.item.${item}`, item))}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input
                          type="text"
                          value={r.item}
                          onChange={(e) => update(r.key, { item: e.target.value })}
                          placeholder={tx(`statistics.itemHint.${r.kind}`, t('statistics.itemHint'))}
                          required={spec.itemRequired && r.value.trim() !== ''}
                          aria-label={`${label} ${t('statistics.col.item')}`}
                          data-testid={`stat-item-${r.kind}`}
                        />
                      )}
                    </td>
                    <td>
                      <input
                        type="text"
                        inputMode="decimal"
                        className="entry-value"
                        value={r.value}
                        onChange={(e) => update(r.key, { value: e.target.value })}
                        aria-label={`${label} ${t('statistics.col.value')}`}
                        data-testid={`stat-value-${r.kind}`}
                      />
                      {r.version !== null ? (
                        <div className="muted small">{t('statistics.version', { version: r.version })}</div>
                      ) : null}
                    </td>
                    <td className="nowrap">
                      {spec.units ? (
                        <span data-testid={`stat-unit-${r.kind}`}>
                          {displayUnit(r.unit || storedUnit(r.kind))}
                        </span>
                      ) : (
                        <input
                          type="text"
                          className="entry-unit"
                          value={r.unit}
                          onChange={(e) => update(r.key, { unit: e.target.value })}
                          placeholder={t('statistics.unitHint')}
                          aria-label={`${label} ${t('statistics.col.unit')}`}
                          data-testid={`stat-unit-${r.kind}`}
                        />
                      )}
                    </td>
                    <td className="entry-evidence">
                      <input
                        type="text"
                        value={r.evidence}
                        onChange={(e) => update(r.key, { evidence: e.target.value })}
                        placeholder={
                          spec.evidence ? t('statistics.evidenceRequired') : t('statistics.optional')
                        }
                        className={spec.evidence ? 'entry-required' : undefined}
                        aria-label={`${label} ${t('statistics.col.evidence')}`}
                        data-testid={`stat-evidence-${r.kind}`}
                      />
                    </td>
                    <td>
                      {spec.factor ? (
                        <div className="entry-factor">
                          <input
                            type="text"
                            inputMode="decimal"
                            value={r.factorValue}
                            onChange={(e) => update(r.key, { factorValue: e.target.value })}
                            placeholder={`tCO₂/${displayUnit(r.unit || '…')}`}
                            aria-label={`${label} ${t('statistics.col.factor')}`}
                            data-testid="stat-factor-value"
                          />
                          <input
                            type="text"
                            value={r.factorSource}
                            onChange={(e) => update(r.key, { factorSource: e.target.value })}
                            placeholder={t('statistics.factorSource')}
                            aria-label={t('statistics.factorSource')}
                            data-testid="stat-factor-source"
                          />
                        </div>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="entry-note">
                      <input
                        type="text"
                        value={r.note}
                        onChange={(e) => update(r.key, { note: e.target.value })}
                        aria-label={`${label} ${t('statistics.col.note')}`}
                      />
                    </td>
                    <td className="nowrap">
                      {spec.item !== 'none' && rows[i + 1]?.kind !== r.kind ? (
                        <button
                          type="button"
                          className="btn btn-small btn-ghost"
                          onClick={() => addItem(r.kind)}
                          title={t('statistics.addItem')}
                          data-testid={`stat-add-${r.kind}`}
                        >
                          ＋
                        </button>
                      ) : null}
                      {!first || rows[i + 1]?.kind === r.kind ? (
                        r.version === null ? (
                          <button
                            type="button"
                            className="btn btn-small btn-ghost"
                            onClick={() => remove(r.key)}
                            title={t('statistics.removeRow')}
                          >
                            ×
                          </button>
                        ) : null
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div className="form-row entry-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="stat-submit">
            {busy ? t('statistics.submitting') : t('statistics.submit')}
          </button>
          <span className="muted small">{t('statistics.submitHelp')}</span>
        </div>
      </form>
      {outcome.kind === 'empty' ? <p className="form-error">{t('statistics.nothing')}</p> : null}
      {outcome.kind === 'error' ? <ErrorMessage error={outcome.error} /> : null}
      {outcome.kind === 'done' ? (
        <BatchResult result={outcome.result} describeLine={describeLine} testId="stat-result" />
      ) : null}
    </Card>
  );
}

/** A column name as the form labels it. */
export function fieldName(t: ReturnType<typeof useI18n>['t'], field: string | undefined): string {
  switch (field) {
    case 'organisation':
      return t('statistics.organisation');
    case 'month':
      return t('statistics.month');
    case 'kind':
      return t('statistics.col.kind');
    case 'item':
      return t('statistics.col.item');
    case 'value':
      return t('statistics.col.value');
    case 'unit':
      return t('statistics.col.unit');
    case 'evidence':
      return t('statistics.col.evidence');
    case 'note':
      return t('statistics.col.note');
    case 'factor_value':
    case 'factor_unit':
    case 'factor_source':
      return t('statistics.col.factor');
    case undefined:
      return '';
    default:
      return field ?? '';
  }
}

/**
 * Statistical inputs as people write them (a CSV file, or the rows of the data-entry form): parsed and checked row by
 * row, every problem named by file, line, field and reason. Pure: the service stores what passes and keeps the rest.
 */
import { splitCsvLine } from '../../lib/csv.ts';
import type { InputIssue } from '../../lib/errors.ts';
import {
  STATISTIC_KINDS,
  STATISTIC_SPECS,
  type RejectedStatistic,
  type StatisticKind,
  type StatisticValue,
} from './types.ts';

/** A row as written, before checking: every field a string (CSV) or whatever JSON carried (form). */
export type RawStatisticRow = Record<string, unknown>;

/** A checked row, ready to become a version of a statistical value. */
export interface StatisticRow extends Omit<StatisticValue, 'version' | 'enteredBy' | 'enteredAt'> {
  /** 1-based line in the file (the header is line 1), or the row's position in a form submission. */
  line: number;
}

export const STATISTIC_COLUMNS = [
  'organisation',
  'month',
  'kind',
  'item',
  'value',
  'unit',
  'evidence',
  'note',
  'factor_value',
  'factor_unit',
  'factor_source',
] as const;
const REQUIRED_COLUMNS = ['organisation', 'month', 'kind', 'value', 'unit'] as const;

const text = (v: unknown): string =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

/**
 * Checks one row. `organisations`: the ids of the park's organisations (rows naming others are refused).
 * @example checkStatisticRow({organisation: 'ALU', month: '2025-01', kind: 'water_used', value: '120', unit: 't'}, 2, 'stats.csv', ids)
 */
function checkStatisticRow(
  raw: RawStatisticRow,
  line: number,
  file: string | undefined,
  organisations: ReadonlySet<string>,
): { ok: true; row: StatisticRow } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const bad = (field: string, reason: string) =>
    issues.push({ ...(file ? { file } : {}), line, field, reason });

  const organisation = text(raw.organisation);
  if (!organisation) bad('organisation', 'missing');
  else if (!organisations.has(organisation))
    bad('organisation', `"${organisation}" is not an organisation of this park`);

  const month = text(raw.month);
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) bad('month', `"${month}" is not a month (YYYY-MM)`);
  else if (Number(m[2]) < 1 || Number(m[2]) > 12) bad('month', `"${month}": month ${m[2]} does not exist`);

  const kindText = text(raw.kind);
  const kind = (STATISTIC_KINDS as readonly string[]).includes(kindText)
    ? (kindText as StatisticKind)
    : undefined;
  if (!kind)
    bad('kind', `"${kindText}" is not a statistic kind; expected one of ${STATISTIC_KINDS.join(', ')}`);

  const item = text(raw.item);
  const spec = kind ? STATISTIC_SPECS[kind] : undefined;
  if (spec?.fromLedger)
    bad(
      'kind',
      `${kind} is not entered as a statistic: claims are made in the certificate ledger (lingtan green claim), so that a certificate counts once`,
    );
  if (spec?.itemRequired && !item) bad('item', `a ${kind} row must name its item`);
  else if (spec && typeof spec.item !== 'string' && item && !spec.item.includes(item))
    bad('item', `"${item}" for ${kind}; expected one of ${spec.item.join(', ')}`);
  else if (spec?.item === 'none' && item)
    bad('item', `${kind} has one value per organisation and month, no item`);

  const valueText = text(raw.value);
  const value = valueText === '' ? NaN : Number(valueText);
  if (valueText === '') bad('value', 'missing');
  else if (!Number.isFinite(value)) bad('value', `"${valueText}" is not a number`);
  else if (value < 0) bad('value', `${value} is negative; statistical quantities are ≥ 0`);

  const unit = text(raw.unit);
  if (!unit) bad('unit', 'missing');
  else if (spec?.units && !spec.units.includes(unit))
    bad('unit', `"${unit}" for ${kind}; expected ${spec.units.join(' or ')}`);

  const evidence = text(raw.evidence);
  if (spec?.evidence && !evidence)
    bad('evidence', `a ${kind} row needs evidence (a certificate, contract or report reference)`);
  const note = text(raw.note);

  let factor: StatisticRow['factor'];
  const fValue = text(raw.factor_value);
  const fUnit = text(raw.factor_unit);
  const fSource = text(raw.factor_source);
  if (spec?.factor) {
    const fv = Number(fValue);
    if (fValue === '')
      bad('factor_value', 'a process_activity row needs its emission factor (tCO2 per unit)');
    else if (!Number.isFinite(fv) || fv < 0) bad('factor_value', `"${fValue}" is not a number ≥ 0`);
    if (!fUnit) bad('factor_unit', 'missing (e.g. tCO2/t)');
    else if (unit && fUnit !== `tCO2/${unit}`)
      bad('factor_unit', `"${fUnit}" does not match the activity unit; expected tCO2/${unit}`);
    if (!fSource) bad('factor_source', 'name the source of the emission factor');
    if (issues.length === 0) factor = { value: fv, unit: fUnit, source: fSource };
  } else if (fValue || fUnit || fSource) bad('factor_value', `only process_activity rows carry a factor`);

  if (issues.length > 0 || !kind || !spec) return { ok: false, issues };
  return {
    ok: true,
    row: {
      line,
      organisation,
      month,
      kind,
      item,
      value,
      unit: spec.units?.[0] ?? unit,
      ...(factor ? { factor } : {}),
      ...(evidence ? { evidence } : {}),
      ...(note ? { note } : {}),
    },
  };
}

/** Parses a statistics CSV (header row naming the columns, UTF-8, optional BOM) into checked and refused rows. */
export function parseStatisticsCsv(
  content: string,
  file: string | undefined,
  organisations: ReadonlySet<string>,
): { rows: StatisticRow[]; rejected: RejectedStatistic[]; issues: InputIssue[] } {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const issues: InputIssue[] = [];
  for (const c of REQUIRED_COLUMNS)
    if (!header.includes(c))
      issues.push({ ...(file ? { file } : {}), line: 1, field: c, reason: `the header lacks column "${c}"` });
  for (const h of header)
    if (!(STATISTIC_COLUMNS as readonly string[]).includes(h))
      issues.push({
        ...(file ? { file } : {}),
        line: 1,
        field: h,
        reason: `unknown column "${h}"; columns are ${STATISTIC_COLUMNS.join(', ')}`,
      });
  if (issues.length > 0) return { rows: [], rejected: [], issues };

  const rows: StatisticRow[] = [];
  const rejected: RejectedStatistic[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const rawLine = lines[i]!;
    if (rawLine.trim() === '') continue;
    const fields = splitCsvLine(rawLine);
    const raw: RawStatisticRow = {};
    header.forEach((h, j) => (raw[h] = fields[j] ?? ''));
    const line = i + 1;
    const checked = checkStatisticRow(raw, line, file, organisations);
    if (!checked.ok) {
      rejected.push({ line, raw: rawLine, issues: checked.issues });
      continue;
    }
    const r = checked.row;
    const key = `${r.organisation}\u0000${r.month}\u0000${r.kind}\u0000${r.item}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      rejected.push({
        line,
        raw: rawLine,
        issues: [
          {
            ...(file ? { file } : {}),
            line,
            field: 'item',
            reason: `repeats line ${earlier} (same organisation, month, kind and item); one value per file`,
          },
        ],
      });
      continue;
    }
    seen.set(key, line);
    rows.push(r);
  }
  return { rows, rejected, issues: [] };
}

/** The checked rows of a form submission (JSON objects with the CSV's column names). */
export function parseStatisticsRows(
  raws: readonly RawStatisticRow[],
  organisations: ReadonlySet<string>,
): { rows: StatisticRow[]; rejected: RejectedStatistic[] } {
  const rows: StatisticRow[] = [];
  const rejected: RejectedStatistic[] = [];
  raws.forEach((raw, i) => {
    const checked = checkStatisticRow(raw, i + 1, undefined, organisations);
    if (checked.ok) rows.push(checked.row);
    else rejected.push({ line: i + 1, raw: JSON.stringify(raw), issues: checked.issues });
  });
  return { rows, rejected };
}

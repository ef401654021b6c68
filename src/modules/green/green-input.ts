/**
 * Green-electricity inputs as people write them — certificate ranges, trade contracts, trade settlements and the
 * grid's green share, as CSV — checked row by row. Every problem names the file, line, field and reason; good rows
 * go on and refused rows are kept with their reasons. Pure.
 */
import { splitCsvLine } from '../../lib/csv.ts';
import type { InputIssue } from '../../lib/errors.ts';
import { localBucketStart, parseTimestamp } from '../../lib/time.ts';
import { isMonth } from './ledger.ts';
import {
  CERTIFICATE_TECHNOLOGIES,
  type CertificateTechnology,
  type ImportedRange,
  type RejectedRow,
} from './types.ts';

export type { RejectedRow };

/** Rows that passed (with their line) and rows that did not; `issues` refuse the whole file (its header). */
export interface Parsed<T> {
  rows: (T & { line: number })[];
  rejected: RejectedRow[];
  issues: InputIssue[];
}

interface Table {
  required: readonly string[];
  optional: readonly string[];
}

type Check<T> = (
  get: (field: string) => string,
  bad: (field: string, reason: string) => void,
) => T | undefined;

function parseTable<T>(content: string, file: string, table: Table, check: Check<T>): Parsed<T> {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const issues: InputIssue[] = [];
  const known = [...table.required, ...table.optional];
  for (const c of table.required)
    if (!header.includes(c))
      issues.push({ file, line: 1, field: c, reason: `the header lacks column "${c}"` });
  for (const h of header)
    if (!known.includes(h))
      issues.push({
        file,
        line: 1,
        field: h,
        reason: `unknown column "${h}"; columns are ${known.join(', ')}`,
      });
  const out: Parsed<T> = { rows: [], rejected: [], issues };
  if (issues.length > 0) return out;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    const line = i + 1;
    const rowIssues: InputIssue[] = [];
    const get = (f: string) => (fields[header.indexOf(f)] ?? '').trim();
    const bad = (field: string, reason: string) => rowIssues.push({ file, line, field, reason });
    if (fields.length > header.length) bad('', `${fields.length} fields, the header has ${header.length}`);
    const value = check(get, bad);
    if (rowIssues.length > 0 || value === undefined) out.rejected.push({ line, raw, issues: rowIssues });
    else out.rows.push({ ...value, line });
  }
  return out;
}

const number = (
  get: (f: string) => string,
  bad: (f: string, r: string) => void,
  field: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined => {
  const text = get(field);
  if (text === '') return (bad(field, 'missing'), undefined);
  const n = Number(text);
  if (!Number.isFinite(n)) return (bad(field, `"${text}" is not a number`), undefined);
  if (opts.integer && !Number.isSafeInteger(n))
    return (bad(field, `"${text}" is not a whole number`), undefined);
  if (opts.min !== undefined && n < opts.min) return (bad(field, `${n} is below ${opts.min}`), undefined);
  if (opts.max !== undefined && n > opts.max) return (bad(field, `${n} is above ${opts.max}`), undefined);
  return n;
};

const month = (get: (f: string) => string, bad: (f: string, r: string) => void, field: string) => {
  const text = get(field);
  if (!isMonth(text)) return (bad(field, `"${text}" is not a month (YYYY-MM)`), undefined);
  return text;
};

const technology = (get: (f: string) => string, bad: (f: string, r: string) => void) => {
  const text = get('technology');
  if (!(CERTIFICATE_TECHNOLOGIES as readonly string[]).includes(text))
    return (bad('technology', `"${text}" is not one of ${CERTIFICATE_TECHNOLOGIES.join(', ')}`), undefined);
  return text as CertificateTechnology;
};

const YES = new Set(['true', 'yes', 'y', '1', '是']);
const NO = new Set(['false', 'no', 'n', '0', '否']);

/** Columns of a certificates file. */
export const CERTIFICATE_COLUMNS = {
  required: ['series', 'first_serial', 'last_serial', 'project_id', 'technology', 'production_month'],
  optional: ['project_name', 'tradable', 'holder', 'state', 'trade_id'],
} as const;

/**
 * Parses certificate ranges: one row per run of serials. `holder` empty = the park's own account; `state` held or
 * transferred (transferred when a trade id is given); `tradable` true unless false/no/否.
 */
export function parseCertificatesCsv(
  content: string,
  file: string,
  organisations: ReadonlySet<string>,
): Parsed<ImportedRange> {
  return parseTable(content, file, CERTIFICATE_COLUMNS, (get, bad) => {
    const series = get('series');
    if (!series) bad('series', 'missing');
    const firstSerial = number(get, bad, 'first_serial', { integer: true, min: 0 });
    const lastSerial = number(get, bad, 'last_serial', { integer: true, min: 0 });
    if (firstSerial !== undefined && lastSerial !== undefined && firstSerial > lastSerial)
      bad('last_serial', `${lastSerial} is before the first serial ${firstSerial}`);
    const projectId = get('project_id');
    if (!projectId) bad('project_id', 'missing');
    const tech = technology(get, bad);
    const productionMonth = month(get, bad, 'production_month');
    const tradableText = get('tradable').toLowerCase();
    if (tradableText && !YES.has(tradableText) && !NO.has(tradableText))
      bad('tradable', `"${get('tradable')}" is not true/false`);
    const holder = get('holder');
    if (holder && !organisations.has(holder))
      bad('holder', `"${holder}" is not an organisation of this park`);
    const tradeId = get('trade_id');
    const stateText = get('state') || (tradeId ? 'transferred' : 'held');
    if (stateText !== 'held' && stateText !== 'transferred')
      bad('state', `"${stateText}": certificates arrive held or transferred`);
    if (stateText === 'transferred' && !holder)
      bad('holder', 'transferred certificates need the receiving organisation');
    if (
      !series ||
      firstSerial === undefined ||
      lastSerial === undefined ||
      !projectId ||
      !tech ||
      !productionMonth
    )
      return undefined;
    return {
      series,
      firstSerial,
      lastSerial,
      projectId,
      projectName: get('project_name') || projectId,
      technology: tech,
      productionMonth,
      tradable: !NO.has(tradableText),
      holder,
      state: stateText === 'transferred' ? 'transferred' : 'held',
      ...(tradeId ? { tradeId } : {}),
    };
  });
}

/** A trade contract as written in a trades file. */
export interface TradeRow {
  id: string;
  buyer: string;
  counterparty: string;
  technology: CertificateTechnology;
  from: string;
  to: string;
  contractedMwh: number;
  settlement: 'month' | 'hour';
  evidence: string;
}

/** Columns of a trades file. */
export const TRADE_COLUMNS = {
  required: ['id', 'buyer', 'counterparty', 'technology', 'from', 'to', 'contracted_mwh', 'evidence'],
  optional: ['settlement'],
} as const;

/** Parses green-power trade contracts. */
export function parseTradesCsv(
  content: string,
  file: string,
  organisations: ReadonlySet<string>,
): Parsed<TradeRow> {
  return parseTable(content, file, TRADE_COLUMNS, (get, bad) => {
    const id = get('id');
    if (!id) bad('id', 'missing');
    const buyer = get('buyer');
    if (!organisations.has(buyer)) bad('buyer', `"${buyer}" is not an organisation of this park`);
    const counterparty = get('counterparty');
    if (!counterparty) bad('counterparty', 'missing');
    const tech = technology(get, bad);
    const from = month(get, bad, 'from');
    const to = month(get, bad, 'to');
    if (from && to && from > to) bad('to', `${to} is before ${from}`);
    const contractedMwh = number(get, bad, 'contracted_mwh', { min: 0 });
    const settlement = get('settlement') || 'month';
    if (settlement !== 'month' && settlement !== 'hour')
      bad('settlement', `"${settlement}" is not month or hour`);
    const evidence = get('evidence');
    if (!evidence) bad('evidence', 'a trade needs its evidence (the contract or the trading centre record)');
    if (!id || !counterparty || !tech || !from || !to || contractedMwh === undefined || !evidence)
      return undefined;
    return {
      id,
      buyer,
      counterparty,
      technology: tech,
      from,
      to,
      contractedMwh,
      settlement: settlement === 'hour' ? 'hour' : 'month',
      evidence,
    };
  });
}

/** A settled volume as written: a month (YYYY-MM) or an hour (its start, ISO UTC after parsing). */
export interface SettlementRow {
  tradeId: string;
  at: string;
  mwh: number;
}

/** Columns of a settlements file. */
export const SETTLEMENT_COLUMNS = { required: ['trade_id', 'at', 'mwh'], optional: [] } as const;

/**
 * Parses settled volumes. `at` is a month (monthly trades) or an hour start — ISO with offset, or park-local
 * "YYYY-MM-DD HH:00" — which must fall on a park-local hour.
 */
export function parseSettlementsCsv(content: string, file: string, timeZone: string): Parsed<SettlementRow> {
  return parseTable(content, file, SETTLEMENT_COLUMNS, (get, bad) => {
    const tradeId = get('trade_id');
    if (!tradeId) bad('trade_id', 'missing');
    const at = periodKey(get('at'), timeZone, (r) => bad('at', r));
    const mwh = number(get, bad, 'mwh', { min: 0 });
    if (!tradeId || at === undefined || mwh === undefined) return undefined;
    return { tradeId, at, mwh };
  });
}

/** A value of the grid's green share. */
export interface GridShareRow {
  at: string;
  share: number;
}

/** Columns of a grid green share file (the output of `lingtan trace … --csv` reads back as such). */
export const GRID_SHARE_COLUMNS = { required: ['at', 'green_share'], optional: [] } as const;

/** Parses the grid's green share per hour or per month (all rows of one file at one resolution). */
export function parseGridShareCsv(
  content: string,
  file: string,
  timeZone: string,
): Parsed<GridShareRow> & { resolution: 'hour' | 'month' | null } {
  const parsed = parseTable(content, file, { required: ['at', 'green_share'], optional: [] }, (get, bad) => {
    const at = periodKey(get('at'), timeZone, (r) => bad('at', r));
    const share = number(get, bad, 'green_share', { min: 0, max: 1 });
    if (at === undefined || share === undefined) return undefined;
    return { at, share };
  });
  const kinds = new Set(parsed.rows.map((r) => (isMonth(r.at) ? 'month' : 'hour')));
  if (kinds.size > 1)
    parsed.issues.push({
      file,
      line: 1,
      field: 'at',
      reason: 'mixes months and hours: one resolution per file',
    });
  const seen = new Map<string, number>();
  parsed.rows = parsed.rows.filter((r) => {
    const earlier = seen.get(r.at);
    if (earlier === undefined) return (seen.set(r.at, r.line), true);
    parsed.rejected.push({
      line: r.line,
      raw: `${r.at},${r.share}`,
      issues: [{ file, line: r.line, field: 'at', reason: `${r.at} is already on line ${earlier}` }],
    });
    return false;
  });
  return { ...parsed, resolution: kinds.size === 1 ? ([...kinds][0] as 'hour' | 'month') : null };
}

/** A month stays YYYY-MM; a time becomes the ISO UTC start of its hour (refused unless on a park-local hour). */
function periodKey(text: string, timeZone: string, bad: (reason: string) => void): string | undefined {
  if (isMonth(text)) return text;
  const t = parseTimestamp(text, timeZone);
  if (!t.ok) return (bad(`${t.reason}; expected a month YYYY-MM or an hour's start`), undefined);
  if (localBucketStart(t.atMs, 'hour', timeZone) !== t.atMs)
    return (bad(`"${text}" is not the start of an hour`), undefined);
  return new Date(t.atMs).toISOString();
}

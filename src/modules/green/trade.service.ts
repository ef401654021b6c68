/**
 * Green-power trades (绿电交易) and the grid's green share as data sets: imported from CSV (raw text and refused rows
 * kept; a re-import of the same rows changes nothing; a changed row is a new version), listed with what they hold.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../db/copy.ts';
import { AppError, formatIssue, type InputIssue } from '../../lib/errors.ts';
import { parkSnapshot } from '../registry/index.ts';
import { parseGridShareCsv, parseSettlementsCsv, parseTradesCsv, type Parsed } from './green-input.ts';
import * as repo from './green.repo.ts';
import { countOf, isMonth } from './ledger.ts';
import { localMonth } from './ledger.service.ts';
import type { GreenImportResult, GreenTrade, GridShareSetRow, TradeSummary } from './types.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function refuseHeader(issues: readonly InputIssue[]): void {
  if (issues.length > 0) throw new AppError('BAD_INPUT', issues.map(formatIssue).join('\n'), { issues });
}

function lineOf(content: string, line: number): string {
  return content.replace(/^\uFEFF/, '').split(/\r?\n/)[line - 1] ?? '';
}

function rejectRow<T>(
  parsed: Parsed<T>,
  content: string,
  file: string,
  line: number,
  field: string,
  reason: string,
) {
  parsed.rejected.push({ line, raw: lineOf(content, line), issues: [{ file, line, field, reason }] });
}

/** Imports trade contracts: a new id or a changed contract becomes a version; the same contract again is unchanged. */
export async function importTradesCsv(
  pool: pg.Pool,
  parkId: string,
  content: string,
  options: { file: string; actor: string },
): Promise<GreenImportResult> {
  const snapshot = await parkSnapshot(pool, parkId);
  const parsed = parseTradesCsv(content, options.file, new Set(snapshot.allOrganisations.map((o) => o.id)));
  refuseHeader(parsed.issues);
  return inTransaction(pool, async (client) => {
    const current = new Map((await repo.latestTrades(client, parkId)).map((t) => [t.id, t]));
    let accepted = 0;
    let unchanged = 0;
    const seen = new Set<string>();
    for (const r of parsed.rows) {
      if (seen.has(r.id)) {
        rejectRow(parsed, content, options.file, r.line, 'id', `trade ${r.id} appears twice in this file`);
        continue;
      }
      seen.add(r.id);
      const t = current.get(r.id);
      const same =
        t &&
        t.buyer === r.buyer &&
        t.counterparty === r.counterparty &&
        t.technology === r.technology &&
        t.period.from === r.from &&
        t.period.to === r.to &&
        t.contractedMwh === r.contractedMwh &&
        t.settlement === r.settlement &&
        t.evidence === r.evidence;
      if (same) {
        unchanged++;
        continue;
      }
      await repo.insertTrade(client, parkId, {
        id: r.id,
        version: (t?.version ?? 0) + 1,
        buyer: r.buyer,
        counterparty: r.counterparty,
        technology: r.technology,
        period: { from: r.from, to: r.to },
        contractedMwh: r.contractedMwh,
        settlement: r.settlement,
        evidence: r.evidence,
        createdBy: options.actor,
      });
      accepted++;
    }
    return finish(client, parkId, 'trades', content, options, parsed, accepted, unchanged);
  });
}

async function finish<T>(
  client: pg.PoolClient,
  parkId: string,
  kind: repo.ImportRecord['kind'],
  content: string,
  options: { file: string; actor: string },
  parsed: Parsed<T>,
  accepted: number,
  unchanged: number,
): Promise<GreenImportResult> {
  const rejected = [...parsed.rejected].sort((a, b) => a.line - b.line);
  const received = content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '').length;
  const importId = await repo.insertImport(client, parkId, {
    kind,
    file: options.file,
    raw: content,
    sha256: sha(content),
    received,
    accepted,
    unchanged,
    rejected,
    eventId: null,
    actor: options.actor,
  });
  return { importId, received, accepted, unchanged, rejected };
}

/**
 * Imports settled volumes: each row names a trade of the park and a period of the trade's settlement resolution
 * (a month for monthly trades, an hour for hourly ones) inside the contract period.
 */
export async function importSettlementsCsv(
  pool: pg.Pool,
  parkId: string,
  content: string,
  options: { file: string; actor: string },
): Promise<GreenImportResult> {
  const snapshot = await parkSnapshot(pool, parkId);
  const tz = snapshot.park.timezone;
  const parsed = parseSettlementsCsv(content, options.file, tz);
  refuseHeader(parsed.issues);
  return inTransaction(pool, async (client) => {
    const trades = new Map((await repo.latestTrades(client, parkId)).map((t) => [t.id, t]));
    const current = new Map(
      (await repo.latestSettlements(client, parkId)).map((s) => [`${s.tradeId}\u0000${s.at}`, s]),
    );
    const fresh: { tradeId: string; at: string; mwh: number; version: number }[] = [];
    let unchanged = 0;
    const seen = new Map<string, number>();
    for (const r of parsed.rows) {
      const t = trades.get(r.tradeId);
      const key = `${r.tradeId}\u0000${r.at}`;
      const month = isMonth(r.at) ? r.at : localMonth(Date.parse(r.at), tz);
      const reason = !t
        ? `no trade "${r.tradeId}" in this park: import the contract first`
        : t.settlement === 'hour' && isMonth(r.at)
          ? `trade ${t.id} is settled per hour: give the hour's start`
          : t.settlement === 'month' && !isMonth(r.at)
            ? `trade ${t.id} is settled per month: give the month (YYYY-MM)`
            : month < t.period.from || month > t.period.to
              ? `${month} is outside the contract period ${t.period.from}..${t.period.to}`
              : seen.has(key)
                ? `${r.at} of ${r.tradeId} is already on line ${seen.get(key)}`
                : undefined;
      if (reason) {
        rejectRow(
          parsed,
          content,
          options.file,
          r.line,
          reason.includes('no trade') ? 'trade_id' : 'at',
          reason,
        );
        continue;
      }
      seen.set(key, r.line);
      const before = current.get(key);
      if (before && before.mwh === r.mwh) {
        unchanged++;
        continue;
      }
      fresh.push({ tradeId: r.tradeId, at: r.at, mwh: r.mwh, version: (before?.version ?? 0) + 1 });
    }
    const result = await finish(
      client,
      parkId,
      'settlements',
      content,
      options,
      parsed,
      fresh.length,
      unchanged,
    );
    await repo.insertSettlements(client, parkId, fresh, result.importId, options.actor);
    return result;
  });
}

/** Every trade of the park with its settled volumes by month and the certificates that travelled with it. */
export async function listTrades(pool: pg.Pool, parkId: string, buyer?: string): Promise<TradeSummary[]> {
  const snapshot = await parkSnapshot(pool, parkId);
  const [trades, settlements, ranges] = await Promise.all([
    repo.latestTrades(pool, parkId),
    repo.latestSettlements(pool, parkId),
    repo.loadRanges(pool, parkId),
  ]);
  return trades
    .filter((t) => buyer === undefined || t.buyer === buyer)
    .map((t: GreenTrade): TradeSummary => {
      const byMonth: Record<string, number> = {};
      for (const s of settlements) {
        if (s.tradeId !== t.id) continue;
        const m = isMonth(s.at) ? s.at : localMonth(Date.parse(s.at), snapshot.park.timezone);
        byMonth[m] = (byMonth[m] ?? 0) + s.mwh;
      }
      const certs = ranges.filter((r) => r.tradeId === t.id);
      return {
        ...t,
        settledMwh: Object.values(byMonth).reduce((a, b) => a + b, 0),
        settledByMonth: byMonth,
        certificatesMwh: certs.reduce((s, r) => s + countOf(r), 0),
        claimedMwh: certs.filter((r) => r.state === 'claimed').reduce((s, r) => s + countOf(r), 0),
      };
    });
}

/** Hourly settled volumes of the park's trades in hours [fromMs, toMs): trade → [hour start ms, MWh][]. */
export async function hourlySettlements(
  pool: pg.Pool,
  parkId: string,
  fromMs: number,
  toMs: number,
): Promise<Map<string, { atMs: number; mwh: number }[]>> {
  const out = new Map<string, { atMs: number; mwh: number }[]>();
  const hours = { from: new Date(fromMs).toISOString(), to: new Date(toMs - 3_600_000).toISOString() };
  for (const s of await repo.latestSettlements(pool, parkId, hours)) {
    const list = out.get(s.tradeId) ?? [];
    list.push({ atMs: Date.parse(s.at), mwh: s.mwh });
    out.set(s.tradeId, list);
  }
  return out;
}

/** How a grid green share data set was obtained. */
export type GridShareStatus = GridShareSetRow['status'];

/**
 * Imports the grid's green share per hour or per month as a new version of data set `id` (`lingtan trace … --csv`
 * writes such a file). The same values again change nothing.
 */
export async function importGridShareCsv(
  pool: pg.Pool,
  parkId: string,
  content: string,
  options: {
    file: string;
    actor: string;
    id: string;
    label: string;
    source: string;
    status: GridShareStatus;
  },
): Promise<GreenImportResult & { version: number | null }> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.id))
    throw new AppError('BAD_INPUT', `data set id "${options.id}": letters, digits, . _ - only`);
  if (!options.source.trim()) throw new AppError('BAD_INPUT', 'a grid green share needs its source');
  const snapshot = await parkSnapshot(pool, parkId);
  const parsed = parseGridShareCsv(content, options.file, snapshot.park.timezone);
  refuseHeader(parsed.issues);
  if (parsed.rows.length === 0) throw new AppError('BAD_INPUT', `${options.file}: no values`);
  return inTransaction(pool, async (client) => {
    const [latest] = await repo.gridShareSets(client, parkId, options.id);
    if (latest) {
      const values = await repo.gridShareValues(client, parkId, options.id, latest.version);
      const sorted = [...parsed.rows].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const same =
        values.length === sorted.length &&
        values.every((v, i) => v.at === sorted[i]?.at && v.share === sorted[i]?.share) &&
        latest.source === options.source &&
        latest.label === options.label &&
        latest.status === options.status;
      if (same) {
        const r = await finish(client, parkId, 'grid_share', content, options, parsed, 0, parsed.rows.length);
        return { ...r, version: null };
      }
    }
    const r = await finish(client, parkId, 'grid_share', content, options, parsed, parsed.rows.length, 0);
    const version = (latest?.version ?? 0) + 1;
    await repo.insertGridShareSet(
      client,
      parkId,
      {
        id: options.id,
        version,
        label: options.label,
        source: options.source,
        status: options.status,
        resolution: parsed.resolution ?? 'hour',
        createdBy: options.actor,
      },
      parsed.rows,
      r.importId,
    );
    return { ...r, version };
  });
}

export { gridShareSets, gridShareValues } from './green.repo.ts';

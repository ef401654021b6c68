/**
 * Accounts over the database: gathers an account's request (boundary-meter energy per month, statistical inputs,
 * factor versions, the method profile), computes it with the pure `computeAccount`, and closes periods (frozen,
 * reproducible, restated visibly). Month energy is cached per month and recomputed only for months whose data moved.
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { canonicalJson } from '../../lib/json.ts';
import { nextBucketStart, parseDateOrInstant } from '../../lib/time.ts';
import { convertAmount } from '../../lib/units.ts';
import { claimEvidence, claimsOverlapping, monthsOf, periodSpan, type LedgerClaim } from '../green/index.ts';
import { parkSnapshot, type MeterRow, type ParkSnapshot } from '../registry/index.ts';
import { expectedSlots, meterTotalsOver, monthStamps, type MeterAmounts } from '../telemetry/index.ts';
import { computeAccount } from './account.ts';
import * as closes from './close.repo.ts';
import { listFactors } from './factor.service.ts';
import { findProfile } from './profile.service.ts';
import { latestStatistics } from './statistic.repo.ts';
import type {
  Account,
  AccountAnswer,
  AccountClose,
  AccountRequest,
  EnergyLine,
  Restatement,
  StatisticValue,
} from './types.ts';

/** Months of an accounting period: `2025`, `2025-Q2`, `2025-03` or `2025-01..2025-06` (both months included). */
export function accountMonths(text: string): string[] {
  const months = monthsOf(periodSpan(text));
  if (months.length > 120) throw new AppError('BAD_INPUT', `period "${text}": at most 120 months`);
  return months;
}

/** The UTC instants at which a park-local month starts and the next one starts. */
function monthBounds(month: string, timeZone: string): { fromMs: number; toMs: number } {
  const r = parseDateOrInstant(`${month}-01`, timeZone);
  if (!r.ok) throw new AppError('BAD_INPUT', `month ${month}: ${r.reason}`);
  return { fromMs: r.atMs, toMs: nextBucketStart(r.atMs, 'month', timeZone) };
}

interface MonthEntry {
  stamp: string;
  lines: EnergyLine[];
}
/** Month energy per pool and park definition version: month start → entry (only months that are over). */
const monthCache = new WeakMap<pg.Pool, Map<string, MonthEntry>>();

/** Statistics of how the last `energyByMonth` call used the cache (for the benchmark and tests). */
export const monthCacheStats = { hits: 0, misses: 0 };

/** Groups one month's boundary-meter amounts into energy lines. Pure. */
function groupEnergyLines(
  meters: readonly MeterRow[],
  amounts: ReadonlyMap<number, MeterAmounts>,
  fromMs: number,
  toMs: number,
  nowMs: number,
): EnergyLine[] {
  const groups = new Map<string, EnergyLine>();
  for (const meter of meters) {
    const s = meter.spec;
    const expected = expectedSlots(meter, fromMs, toMs, nowMs);
    const a = amounts.get(meter.id);
    if (expected === 0 && !a) continue;
    const technology = s.role === 'generation' || s.role === 'direct_green_supply' ? s.technology : undefined;
    const internal = s.internalTransfer === true;
    const key = [
      s.organisation,
      s.carrier,
      s.role,
      technology ?? '',
      internal ? 1 : 0,
      meter.quantityUnit,
    ].join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = {
        organisation: s.organisation,
        carrier: s.carrier,
        role: s.role,
        ...(technology ? { technology } : {}),
        internalTransfer: internal,
        unit: meter.quantityUnit,
        quantity: 0,
        estimated: 0,
        measuredSlots: 0,
        expectedSlots: 0,
        meters: [],
      };
      groups.set(key, g);
    }
    g.quantity += a ? a.measured + a.estimated : 0;
    g.estimated += a?.estimated ?? 0;
    g.measuredSlots += a?.measuredSlots ?? 0;
    g.expectedSlots += expected;
    g.meters.push(meter.code);
  }
  return [...groups.values()];
}

/**
 * Energy lines of every organisation per month: from `rollup_month`, reusing the lines of months that are over and
 * whose change stamp has not moved (late data recomputes only the months it touched).
 */
export async function energyByMonth(
  pool: pg.Pool,
  snapshot: ParkSnapshot,
  months: readonly string[],
  nowMs = Date.now(),
): Promise<Record<string, EnergyLine[]>> {
  const tz = snapshot.park.timezone;
  const boundary = snapshot.meters.filter((m) => !m.spec.parent);
  const ids = boundary.map((m) => m.id);
  const bounds = months.map((month) => ({ month, ...monthBounds(month, tz) }));
  const first = bounds[0]!.fromMs;
  const last = bounds[bounds.length - 1]!.toMs;
  let cache = monthCache.get(pool);
  if (!cache) monthCache.set(pool, (cache = new Map<string, MonthEntry>()));
  const stamps = await monthStamps(pool, ids, first, last);
  const keyOf = (fromMs: number) => `${snapshot.park.id}:${snapshot.definitionVersion}:${fromMs}`;
  const out: Record<string, EnergyLine[]> = {};
  const stale = bounds.filter((b) => {
    const hit = b.toMs <= nowMs ? cache.get(keyOf(b.fromMs)) : undefined;
    if (hit && hit.stamp === (stamps.get(b.fromMs) ?? '')) {
      out[b.month] = hit.lines;
      monthCacheStats.hits++;
      return false;
    }
    monthCacheStats.misses++;
    return true;
  });
  if (stale.length > 0) {
    // One statement for the stale months (one in the common case of late data), each from its rollup_month rows.
    const rows = await meterTotalsOver(
      pool,
      ids,
      stale.map((b) => ({ resolution: 'month' as const, fromMs: b.fromMs, toMs: b.toMs })),
    );
    const byPart = stale.map(() => new Map<number, MeterAmounts>());
    for (const r of rows) byPart[r.part]!.set(r.meterId, r);
    for (const [i, b] of stale.entries()) {
      const lines = groupEnergyLines(boundary, byPart[i]!, b.fromMs, b.toMs, nowMs);
      out[b.month] = lines;
      if (b.toMs <= nowMs) cache.set(keyOf(b.fromMs), { stamp: stamps.get(b.fromMs) ?? '', lines });
    }
  }
  return out;
}

/** What an account is asked for. */
export interface AccountQuery {
  /** null: the whole park. */
  organisation: string | null;
  /** Period text (see `accountMonths`) or the months themselves. */
  period: string | readonly string[];
  /** Profile id, optionally `id@version`; default: the park's province profile, else the national one. */
  profile?: string;
  nowMs?: number;
}

/** Gathers the request of an account: everything `computeAccount` needs, and nothing it has to fetch. */
export async function buildAccountRequest(
  pool: pg.Pool,
  parkId: string,
  query: AccountQuery,
): Promise<AccountRequest> {
  const snapshot = await parkSnapshot(pool, parkId);
  const months = typeof query.period === 'string' ? accountMonths(query.period) : [...query.period];
  if (months.length === 0) throw new AppError('BAD_INPUT', 'an account needs at least one month');
  const orgs = snapshot.allOrganisations;
  if (query.organisation !== null && !orgs.some((o) => o.id === query.organisation))
    throw new AppError('NOT_FOUND', `no organisation "${query.organisation}" in park ${parkId}`);
  const first = months[0]!;
  const last = months[months.length - 1]!;
  const [energy, entered, claims, factors, profile] = await Promise.all([
    energyByMonth(pool, snapshot, months, query.nowMs),
    latestStatistics(pool, parkId, first, last),
    claimsOverlapping(pool, parkId, first, last),
    listFactors(pool, parkId),
    findProfile(pool, parkId, query.profile ?? defaultProfileId(snapshot.park.province)),
  ]);
  // Green claims come only from the ledger (statistics of that kind entered before it are left out), so that a
  // certificate counts once.
  const statistics = [
    ...entered.filter((s) => s.kind !== 'green_claim'),
    ...(await claimStatistics(pool, snapshot, claims, energy, query.nowMs)),
  ];
  return {
    park: {
      id: snapshot.park.id,
      name: snapshot.park.name,
      province: snapshot.park.province,
      gridRegion: snapshot.park.gridRegion,
    },
    organisation: query.organisation,
    months,
    organisations: orgs.map((o) => ({ id: o.id, name: o.name, kind: o.kind ?? 'enterprise' })),
    energy,
    statistics,
    factors,
    profile,
  };
}

/** MWh of grid electricity imported by each organisation in each month (the key claims are spread by). */
function gridImportMwh(energy: Record<string, EnergyLine[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [month, lines] of Object.entries(energy))
    for (const l of lines) {
      if (l.carrier !== 'electricity' || l.role !== 'import' || l.internalTransfer) continue;
      const mwh = convertAmount(l.quantity, l.unit, 'MWh') ?? 0;
      const key = `${l.organisation}\u0000${month}`;
      out.set(key, (out.get(key) ?? 0) + mwh);
    }
  return out;
}

/**
 * Ledger claims as the account's green-claim inputs, per organisation and month. A claim for several months is spread
 * over them pro rata to the consumer's grid import in each (evenly when there was none); a claim of the park as a
 * whole (consumer '') is spread over the organisations and months the same way. Only the request's months (those of
 * `energy`, already gathered) are kept; the energy of a claim's other months is read here.
 */
async function claimStatistics(
  pool: pg.Pool,
  snapshot: ParkSnapshot,
  claims: readonly LedgerClaim[],
  energy: Record<string, EnergyLine[]>,
  nowMs?: number,
): Promise<StatisticValue[]> {
  if (claims.length === 0) return [];
  const wanted = new Set(Object.keys(energy));
  const others = [...new Set(claims.flatMap((c) => monthsOf(c.period)))].filter((m) => !wanted.has(m)).sort();
  const grid = gridImportMwh({
    ...energy,
    ...(others.length > 0 ? await energyByMonth(pool, snapshot, others, nowMs) : {}),
  });
  const orgs = snapshot.allOrganisations.map((o) => o.id);
  const out: StatisticValue[] = [];
  for (const c of claims) {
    const cells = monthsOf(c.period).flatMap((month) =>
      (c.consumer ? [c.consumer] : orgs).map((organisation) => ({
        organisation,
        month,
        weight: grid.get(`${organisation}\u0000${month}`) ?? 0,
      })),
    );
    const total = cells.reduce((s, x) => s + x.weight, 0);
    for (const cell of cells) {
      if (!wanted.has(cell.month)) continue;
      const share = total > 0 ? cell.weight / total : 1 / cells.length;
      for (const [item, mwh] of [
        ['certificate', c.certificateMwh],
        ['trade', c.tradeMwh],
      ] as const) {
        if (mwh === 0 || share === 0) continue;
        out.push({
          organisation: cell.organisation,
          month: cell.month,
          kind: 'green_claim',
          item,
          value: mwh * share,
          unit: 'MWh',
          evidence: claimEvidence(c),
          version: c.eventId,
          enteredBy: c.actor,
          enteredAt: c.at,
        });
      }
    }
  }
  return out;
}

/** The profile a park's accounts use unless asked otherwise: its province's, else the national one. */
export function defaultProfileId(province: string): string {
  if (province === 'yunnan') return 'yn-zero-carbon-park';
  if (province === 'hunan') return 'hn-zero-carbon-park';
  return 'cn-zero-carbon-park-2025';
}

/** The latest close of a scope, the period of these months and a profile id. */
function latestClose(
  pool: pg.Pool,
  parkId: string,
  organisation: string | null,
  months: readonly string[],
  profileId: string,
) {
  return closes.findLatestClose(
    pool,
    parkId,
    organisation,
    months[0]!,
    months[months.length - 1]!,
    profileId,
  );
}

/**
 * The account of a scope and period. When the period is closed (for this profile id), the closed account is the
 * answer, and a current computation that differs from it is returned beside it as a restatement — never in its place.
 */
export async function accountFor(pool: pg.Pool, parkId: string, query: AccountQuery): Promise<AccountAnswer> {
  const request = await buildAccountRequest(pool, parkId, query);
  return answerFor(pool, parkId, request, computeAccount(request));
}

/** The answer for an account computed from `request` (`current`): it, or the closed one with any restatement. */
export async function answerFor(
  pool: pg.Pool,
  parkId: string,
  request: AccountRequest,
  current: Account,
): Promise<AccountAnswer> {
  const closed = await latestClose(pool, parkId, request.organisation, request.months, request.profile.id);
  if (!closed) return { account: current, close: null, restatement: null };
  const { request: closedRequest, account: closedAccount, ...close } = closed;
  return {
    account: closedAccount,
    close,
    restatement: restatementOf(closedRequest, closedAccount, request, current),
  };
}

const DIFF_TOLERANCE = 1e-9;

/** The restatement between a closed account and the current one, or null when the figures are the same. */
function restatementOf(
  closedRequest: AccountRequest,
  closed: Account,
  request: AccountRequest,
  current: Account,
): Restatement | null {
  const d = (a: number, b: number) => b - a;
  const delta = {
    grossTco2: d(closed.totals.grossTco2, current.totals.grossTco2),
    netTco2: d(closed.totals.netTco2, current.totals.netTco2),
    energyTce: d(closed.totals.energyTce, current.totals.energyTce),
  };
  const changes: string[] = [];
  for (const month of request.months) {
    const before = canonicalJson(closedRequest.energy[month] ?? []);
    const after = canonicalJson(request.energy[month] ?? []);
    if (before !== after) changes.push(`energy of ${month} changed (late or revised readings)`);
  }
  const stat = (s: AccountRequest['statistics'][number]) =>
    `${s.organisation}/${s.month}/${s.kind}/${s.item}`;
  const oldStats = new Map(closedRequest.statistics.map((s) => [stat(s), s.version]));
  for (const s of request.statistics) {
    const v = oldStats.get(stat(s));
    if (v === undefined) changes.push(`statistic ${stat(s)} added (v${s.version})`);
    else if (v !== s.version) changes.push(`statistic ${stat(s)} v${v} → v${s.version}`);
  }
  const fac = (f: AccountRequest['factors'][number]) => `${f.key}@${f.scope}#${f.version}`;
  const oldFactors = new Set(closedRequest.factors.map(fac));
  for (const f of request.factors)
    if (!oldFactors.has(fac(f)))
      changes.push(`factor ${f.key} v${f.version} (${f.scope}) from ${f.validFrom} added`);
  if (closedRequest.profile.version !== request.profile.version)
    changes.push(
      `profile ${request.profile.id} v${closedRequest.profile.version} → v${request.profile.version}`,
    );
  const moved = Object.values(delta).some((x) => Math.abs(x) > DIFF_TOLERANCE);
  if (!moved && changes.length === 0) return null;
  return { current, delta, changes };
}

/**
 * Closes a period: freezes the account and its whole request. Closing a closed period again is a restatement: it
 * needs a reason and supersedes the earlier close (CONFLICT when nothing changed).
 */
export async function closePeriod(
  pool: pg.Pool,
  parkId: string,
  query: AccountQuery & { by: string; reason?: string },
): Promise<{ close: AccountClose; account: Account }> {
  const request = await buildAccountRequest(pool, parkId, query);
  const account = computeAccount(request);
  const months = request.months;
  const earlier = await latestClose(pool, parkId, query.organisation, months, request.profile.id);
  if (earlier) {
    if (!restatementOf(earlier.request, earlier.account, request, account))
      throw new AppError(
        'CONFLICT',
        `the period is closed (close ${earlier.id}) and nothing has changed since`,
      );
    if (!query.reason)
      throw new AppError(
        'BAD_INPUT',
        `the period is closed (close ${earlier.id}): a restatement needs a reason`,
      );
  }
  const close = await closes.insertClose(pool, parkId, {
    organisation: query.organisation,
    fromMonth: months[0]!,
    toMonth: months[months.length - 1]!,
    profileId: request.profile.id,
    profileVersion: request.profile.version,
    request,
    account,
    supersedes: earlier?.id ?? null,
    reason: query.reason ?? null,
    closedBy: query.by,
  });
  return { close, account };
}

/** Recomputes a closed account from its frozen request: true when it reproduces the closed account exactly. */
export async function verifyClose(
  pool: pg.Pool,
  parkId: string,
  query: AccountQuery,
): Promise<{ close: AccountClose; identical: boolean }> {
  const months = typeof query.period === 'string' ? accountMonths(query.period) : [...query.period];
  const snapshot = await parkSnapshot(pool, parkId);
  const profileId = (query.profile ?? defaultProfileId(snapshot.park.province)).split('@')[0]!;
  const found = await latestClose(pool, parkId, query.organisation, months, profileId);
  if (!found) throw new AppError('NOT_FOUND', 'this period is not closed');
  const { request, account, ...close } = found;
  return { close, identical: canonicalJson(computeAccount(request)) === canonicalJson(account) };
}

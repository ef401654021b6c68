/**
 * Matching over the database: hourly electricity of every organisation from its boundary meters (rollup_hour), the
 * park's shared sources and storage, hourly-settled trades, claimed certificates from the ledger and the grid's green
 * share from a data set, fed to the pure `matchGreenSupply`. The answer names the method, the rules, the grid share
 * data set and the data completeness behind it.
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { localBucketStart, nextBucketStart, parseDateOrInstant } from '../../lib/time.ts';
import { convertAmount } from '../../lib/units.ts';
import { parkSnapshot, type MeterRow, type ParkSnapshot } from '../registry/index.ts';
import { expectedSlots, groupBucketSums } from '../telemetry/index.ts';
import * as repo from './green.repo.ts';
import { monthsOf, periodSpan } from './ledger.ts';
import { claimsOverlapping, localMonth } from './ledger.service.ts';
import { matchGreenSupply, matchingResultToJson } from './matching.ts';
import type {
  AllocationRule,
  GridGreenShare,
  HourlyGreenSource,
  MatchingConsumer,
  MatchingInput,
  MonthlyInstrument,
  SharedCertificates,
  SharedHourlySource,
  SharedStorage,
  StorageProfile,
} from './matching-types.ts';
import { hourlySettlements } from './trade.service.ts';
import { GREEN_TECHNOLOGIES, type GreenTrade, type LedgerClaim, type MatchingAnswer } from './types.ts';

const HOUR_MS = 3_600_000;
/** Below this share of expected readings a matching says so (standards.md §7: completeness ≥ 90 %). */
const COMPLETENESS_WARNING = 0.9;
/** Organisations whose generation, direct line and storage are the park's shared resources. */
const SHARED_KINDS = new Set(['park_operator']);

/** What to match: the period, and the grid green share data set (`none`: count the grid as 0 % green). */
export interface MatchingQuery {
  period: string;
  /** Data set id (latest version), `id@version`, or 'none'; default: the park's latest hourly set, else monthly. */
  gridShare?: string;
  /**
   * How shared resources are divided, by resource id (a shared meter's code, `<org>:storage`, `park-claims`); the
   * default is pro rata to each hour's (each month's, for certificates) consumption.
   */
  allocation?: Readonly<Record<string, AllocationRule>>;
  /** Organisations that get a heat map ('all' by default: the pages show them). */
  heatMaps?: 'all' | 'none' | readonly string[];
  nowMs?: number;
}

interface Slot {
  consumer: string;
  kind: 'load' | 'source' | 'charge' | 'discharge';
  meter?: MeterRow;
  shared: boolean;
}

/** `OPS-EL-PV=ALU:0.5,DC:0.3` (one per resource) → contract allocation rules by resource id. */
export function parseContracts(
  texts: readonly string[],
): Record<string, { rule: 'contract'; shares: Record<string, number> }> {
  const out: Record<string, { rule: 'contract'; shares: Record<string, number> }> = {};
  for (const text of texts) {
    const [resource = '', list = ''] = text.split('=', 2);
    const shares: Record<string, number> = {};
    for (const part of list.split(',')) {
      const [org = '', share = ''] = part.split(':');
      const n = Number(share);
      if (!resource.trim() || !org.trim() || !Number.isFinite(n) || n < 0 || n > 1)
        throw new AppError(
          'BAD_INPUT',
          `contract "${text}": expected RESOURCE=ORG:SHARE,… with shares in 0..1`,
        );
      shares[org.trim()] = n;
    }
    out[resource.trim()] = { rule: 'contract', shares };
  }
  return out;
}

/** Matches a park's organisations and the park over a period. */
export async function matchingFor(
  pool: pg.Pool,
  parkId: string,
  query: MatchingQuery,
): Promise<MatchingAnswer> {
  return (await matchWithInputs(pool, parkId, query)).answer;
}

/** A matching with what it was computed from (the statement shows the claims' spans and the trades' contracts). */
export async function matchWithInputs(
  pool: pg.Pool,
  parkId: string,
  query: MatchingQuery,
): Promise<{ answer: MatchingAnswer; snapshot: ParkSnapshot; claims: LedgerClaim[]; trades: GreenTrade[] }> {
  const snapshot = await parkSnapshot(pool, parkId);
  const tz = snapshot.park.timezone;
  const span = periodSpan(query.period);
  const months = monthsOf(span);
  if (months.length > 24) throw new AppError('BAD_INPUT', `period ${query.period}: at most 24 months`);
  const startMs = monthStart(span.from, tz);
  const endMs = nextBucketStart(monthStart(span.to, tz), 'month', tz);
  const nowMs = query.nowMs ?? Date.now();
  const hours = Math.round((endMs - startMs) / HOUR_MS);
  const warnings: string[] = [];

  // ---- Meter groups: one per consumer load, per source meter, per storage side.
  const orgs = snapshot.allOrganisations;
  const sharedOrgs = new Set(orgs.filter((o) => SHARED_KINDS.has(o.kind ?? 'enterprise')).map((o) => o.id));
  const slots: Slot[] = [];
  const meterIds: number[] = [];
  const signs: number[] = [];
  const groups: number[] = [];
  const loadGroup = new Map<string, number>();
  // Slots each group's meters should have sent (a meter in two groups counts in both, as its known slots do).
  const expectedByGroup = new Map<number, number>();
  const add = (meter: MeterRow, group: number, sign: number) => {
    const perMwh = convertAmount(1, meter.quantityUnit, 'MWh');
    if (perMwh === undefined) {
      warnings.push(`meter ${meter.code}: ${meter.quantityUnit} is not electric energy; left out`);
      return;
    }
    meterIds.push(meter.id);
    signs.push(sign * perMwh);
    groups.push(group);
    expectedByGroup.set(
      group,
      (expectedByGroup.get(group) ?? 0) + expectedSlots(meter, startMs, endMs, nowMs),
    );
  };
  const slotOf = (s: Slot) => (slots.push(s), slots.length - 1);
  for (const o of orgs) loadGroup.set(o.id, slotOf({ consumer: o.id, kind: 'load', shared: false }));
  for (const m of snapshot.meters) {
    const s = m.spec;
    if (s.carrier !== 'electricity' || s.parent) continue;
    const org = s.organisation;
    const shared = sharedOrgs.has(org);
    const green =
      (s.role === 'generation' || s.role === 'direct_green_supply') &&
      GREEN_TECHNOLOGIES.includes(s.technology ?? '');
    switch (s.role) {
      case 'import':
      case 'consumption':
        add(m, loadGroup.get(org)!, 1);
        break;
      case 'export':
        add(m, loadGroup.get(org)!, -1);
        break;
      case 'generation':
      case 'direct_green_supply':
        // A shared organisation's plant serves the park: it is a shared source, not its own load. An organisation's
        // own plant feeds its load behind its meter (load = import + generation − export).
        if (!shared) add(m, loadGroup.get(org)!, 1);
        if (green) add(m, slotOf({ consumer: org, kind: 'source', meter: m, shared }), 1);
        break;
      case 'storage_charge':
      case 'storage_discharge':
        if (!shared) add(m, loadGroup.get(org)!, s.role === 'storage_charge' ? -1 : 1);
        add(
          m,
          slotOf({
            consumer: org,
            kind: s.role === 'storage_charge' ? 'charge' : 'discharge',
            meter: m,
            shared,
          }),
          1,
        );
        break;
    }
  }
  const rows = await groupBucketSums(pool, 'hour', { meterIds, signs, groups }, startMs, endMs);
  const series = slots.map(() => new Float64Array(hours));
  const knownByGroup = new Float64Array(slots.length);
  for (const r of rows) {
    const h = Math.round((r.bucketMs - startMs) / HOUR_MS);
    if (h < 0 || h >= hours) continue;
    series[r.group]![h] = r.net;
    knownByGroup[r.group] = knownByGroup[r.group]! + r.knownSlots;
  }

  // ---- Consumers, own sources and storage; shared sources and storage.
  const consumers: MatchingConsumer[] = [];
  const sharedSources: SharedHourlySource[] = [];
  const sharedStorages: SharedStorage[] = [];
  const storageOf = (org: string, shared: boolean) => {
    const charges = slots
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.consumer === org && s.kind === 'charge' && s.shared === shared);
    const discharges = slots
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.consumer === org && s.kind === 'discharge' && s.shared === shared);
    if (charges.length === 0 || discharges.length === 0) return undefined;
    const charge = sumSeries(
      charges.map(({ i }) => series[i]!),
      hours,
    );
    const discharge = sumSeries(
      discharges.map(({ i }) => series[i]!),
      hours,
    );
    const c = charge.reduce((a, b) => a + b, 0);
    const d = discharge.reduce((a, b) => a + b, 0);
    // Round-trip efficiency measured over the period (discharged ÷ charged), within (0, 1]; 0.9 when either is 0.
    const eta = c > 0 && d > 0 ? Math.min(1, d / c) : 0.9;
    const profile: StorageProfile = {
      id: `${org}:storage`,
      chargeMwh: charge,
      dischargeMwh: discharge,
      roundTripEfficiency: eta,
    };
    return profile;
  };
  const [settlements, trades, claims] = await Promise.all([
    hourlySettlements(pool, parkId, startMs, endMs),
    repo.latestTrades(pool, parkId),
    claimsOverlapping(pool, parkId, span.from, span.to),
  ]);
  for (const o of orgs) {
    const load = series[loadGroup.get(o.id)!]!;
    for (let h = 0; h < hours; h++) if (load[h]! < 0) load[h] = 0;
    const own: HourlyGreenSource[] = [];
    slots.forEach((s, i) => {
      if (s.consumer !== o.id || s.kind !== 'source' || !s.meter) return;
      const src = {
        id: s.meter.code,
        kind: s.meter.spec.role === 'direct_green_supply' ? ('direct_supply' as const) : ('onsite' as const),
        technology: s.meter.spec.technology ?? '',
        energyMwh: clampNonNegative(series[i]!),
      };
      if (s.shared) sharedSources.push({ ...src, allocation: { rule: 'pro_rata' } });
      else own.push(src);
    });
    // Hourly-settled trades count the settled hours, scaled per month to the certificates of the trade the buyer
    // claimed for that month, so that nothing without a claimed certificate counts.
    for (const t of trades.filter((x) => x.buyer === o.id && x.settlement === 'hour')) {
      const energy = new Float64Array(hours);
      for (const s of settlements.get(t.id) ?? []) {
        const h = Math.round((s.atMs - startMs) / HOUR_MS);
        if (h >= 0 && h < hours) energy[h] = s.mwh;
      }
      const settledByMonth = monthTotals(energy, startMs, tz);
      const claimedByMonth = tradeClaimsByMonth(claims, o.id, t.id, settledByMonth);
      for (let h = 0; h < hours; h++) {
        const m = localMonth(startMs + h * HOUR_MS, tz);
        const settled = settledByMonth.get(m) ?? 0;
        energy[h] = settled > 0 ? energy[h]! * Math.min(1, (claimedByMonth.get(m) ?? 0) / settled) : 0;
      }
      if (energy.some((x) => x > 0))
        own.push({ id: t.id, kind: 'trade_hourly', technology: t.technology, energyMwh: energy });
    }
    const storage = sharedOrgs.has(o.id) ? undefined : storageOf(o.id, false);
    consumers.push({ id: o.id, loadMwh: load, sources: own, ...(storage ? { storages: [storage] } : {}) });
    if (sharedOrgs.has(o.id)) {
      const st = storageOf(o.id, true);
      if (st) sharedStorages.push({ ...st, allocation: { rule: 'pro_rata' } });
    }
  }

  // ---- Monthly instruments from the ledger's claims (hourly trades' certificates are represented by their hours).
  const hourlyTrades = new Set(trades.filter((t) => t.settlement === 'hour').map((t) => t.id));
  const instruments: MonthlyInstrument[] = [];
  const parkCertificates: Record<string, number> = {};
  const loadByMonth = new Map(consumers.map((c) => [c.id, monthTotals(c.loadMwh, startMs, tz)]));
  const inPeriod = new Set(months);
  for (const c of claims) {
    const claimMonths = monthsOf(c.period);
    const spread = (mwh: number, weightOf: (m: string) => number) => {
      const total = claimMonths.reduce((s, m) => s + weightOf(m), 0);
      return claimMonths.map((m) => ({
        month: m,
        mwh: mwh * (total > 0 ? weightOf(m) / total : 1 / claimMonths.length),
      }));
    };
    const tradeMwh = c.tradeIds.some((id) => hourlyTrades.has(id)) ? 0 : c.tradeMwh;
    if (c.tradeIds.some((id) => hourlyTrades.has(id)) && c.tradeIds.some((id) => !hourlyTrades.has(id)))
      warnings.push(
        `claim #${c.eventId} mixes hourly and monthly trades: its trade certificates count by the hourly settlements`,
      );
    if (!c.consumer) {
      const parkLoad = (m: string) => consumers.reduce((s, x) => s + (loadByMonth.get(x.id)?.get(m) ?? 0), 0);
      for (const { month, mwh } of spread(c.certificateMwh + tradeMwh, parkLoad))
        if (inPeriod.has(month)) parkCertificates[month] = (parkCertificates[month] ?? 0) + mwh;
      continue;
    }
    const weight = (m: string) => loadByMonth.get(c.consumer)?.get(m) ?? 0;
    for (const [kind, mwh] of [
      ['certificate', c.certificateMwh],
      ['trade', tradeMwh],
    ] as const)
      if (mwh > 0)
        for (const x of spread(mwh, weight))
          if (inPeriod.has(x.month) && x.mwh > 0)
            instruments.push({
              id: `claim#${c.eventId}`,
              consumerId: c.consumer,
              month: x.month,
              energyMwh: x.mwh,
              kind,
              technology: c.technologies.join('+'),
            });
  }
  const certificates: SharedCertificates[] = Object.keys(parkCertificates).length
    ? [{ id: 'park-claims', monthlyMwh: parkCertificates, allocation: { rule: 'pro_rata' } }]
    : [];

  // ---- The grid's green share.
  const grid = await gridShareFor(pool, parkId, query.gridShare, startMs, hours, months);
  if (grid.warning) warnings.push(grid.warning);

  // Contract shares asked for replace pro rata, resource by resource.
  const rules = query.allocation ?? {};
  const resourceIds = [
    ...sharedSources.map((x) => x.id),
    ...sharedStorages.map((x) => x.id),
    ...certificates.map((x) => x.id),
  ];
  for (const id of Object.keys(rules))
    if (!resourceIds.includes(id))
      throw new AppError(
        'BAD_INPUT',
        `allocation: "${id}" is not a shared resource of this park and period (${resourceIds.join(', ') || 'none'})`,
      );
  const ruled = <T extends { id: string; allocation: AllocationRule }>(x: T): T =>
    rules[x.id] ? { ...x, allocation: rules[x.id]! } : x;

  const input: MatchingInput = {
    startMs,
    hours,
    timeZone: tz,
    consumers,
    shared: {
      sources: sharedSources.map(ruled),
      storages: sharedStorages.map(ruled),
      certificates: certificates.map(ruled),
    },
    instruments,
    ...(grid.share ? { gridGreenShare: grid.share } : {}),
    options: { heatMaps: query.heatMaps ?? 'all', parkHeatMap: true },
  };
  const result = matchingResultToJson(matchGreenSupply(input));

  let known = 0;
  let expected = 0;
  const byOrganisation: Record<string, number | null> = {};
  for (const o of orgs) {
    let k = 0;
    let e = 0;
    slots.forEach((x, i) => {
      if (x.consumer !== o.id) return;
      k += knownByGroup[i]!;
      e += expectedByGroup.get(i) ?? 0;
    });
    byOrganisation[o.id] = e > 0 ? Math.min(1, k / e) : null;
    known += k;
    expected += e;
  }
  const share = expected > 0 ? Math.min(1, known / expected) : null;
  if (share !== null && share < COMPLETENESS_WARNING)
    warnings.push(
      `data completeness ${(share * 100).toFixed(1)} % (below ${COMPLETENESS_WARNING * 100} %): hours without readings count as no load and no supply, while claimed certificates count for whole months`,
    );
  const answer: MatchingAnswer = {
    park: parkId,
    period: span,
    result,
    gridShare: grid.meta,
    claims: claims.map((c) => ({
      eventId: c.eventId,
      consumer: c.consumer,
      period: c.period,
      certificateMwh: c.certificateMwh,
      tradeMwh: c.tradeMwh,
    })),
    completeness: {
      knownSlots: known,
      expectedSlots: expected,
      share,
      byOrganisation,
    },
    warnings,
  };
  return { answer, snapshot, claims, trades };
}

function monthStart(month: string, tz: string): number {
  const r = parseDateOrInstant(`${month}-01`, tz);
  if (!r.ok) throw new AppError('BAD_INPUT', `month ${month}: ${r.reason}`);
  return r.atMs;
}

function clampNonNegative(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) if (a[i]! < 0) a[i] = 0;
  return a;
}

function sumSeries(list: readonly Float64Array[], hours: number): Float64Array {
  const out = new Float64Array(hours);
  for (const a of list) for (let h = 0; h < hours; h++) out[h] = out[h]! + Math.max(0, a[h]!);
  return out;
}

function monthTotals(a: Float64Array, startMs: number, tz: string): Map<string, number> {
  const out = new Map<string, number>();
  let month = localMonth(startMs, tz);
  let nextMs = nextBucketStart(localBucketStart(startMs, 'month', tz), 'month', tz);
  for (let h = 0; h < a.length; h++) {
    const at = startMs + h * HOUR_MS;
    if (at >= nextMs) {
      month = localMonth(at, tz);
      nextMs = nextBucketStart(localBucketStart(at, 'month', tz), 'month', tz);
    }
    out.set(month, (out.get(month) ?? 0) + a[h]!);
  }
  return out;
}

/** Trade certificates a consumer claimed per month, spread over each claim's months pro rata to the settlements. */
function tradeClaimsByMonth(
  claims: readonly LedgerClaim[],
  consumer: string,
  tradeId: string,
  settled: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of claims) {
    if (c.consumer !== consumer || !c.tradeIds.includes(tradeId) || c.tradeMwh === 0) continue;
    const ms = monthsOf(c.period);
    const total = ms.reduce((s, m) => s + (settled.get(m) ?? 0), 0);
    // A claim naming several trades is divided evenly between them (the ledger keeps the exact serials).
    const mwh = c.tradeMwh / c.tradeIds.length;
    for (const m of ms)
      out.set(m, (out.get(m) ?? 0) + (total > 0 ? (mwh * (settled.get(m) ?? 0)) / total : mwh / ms.length));
  }
  return out;
}

async function gridShareFor(
  pool: pg.Pool,
  parkId: string,
  wanted: string | undefined,
  startMs: number,
  hours: number,
  months: readonly string[],
): Promise<{ share?: GridGreenShare; meta: MatchingAnswer['gridShare']; warning?: string }> {
  if (wanted === 'none') return { meta: null };
  const [idPart, versionPart] = (wanted ?? '').split('@');
  const sets = await repo.gridShareSets(pool, parkId);
  let set = idPart
    ? sets.find((s) => s.id === idPart)
    : (sets.find((s) => s.resolution === 'hour') ?? sets[0]);
  if (idPart && !set)
    throw new AppError('NOT_FOUND', `no grid green share data set "${idPart}" in park ${parkId}`);
  if (!set)
    return {
      meta: null,
      warning:
        'no grid green share data set: the grid counts as 0 % green (import one: lingtan green grid-share import)',
    };
  if (versionPart) {
    const v = (await repo.gridShareSets(pool, parkId, set.id)).find((s) => s.version === Number(versionPart));
    if (!v) throw new AppError('NOT_FOUND', `data set ${set.id} has no version ${versionPart}`);
    set = v;
  }
  // Only the period's values: hour starts (ISO UTC) from the first hour to the last, or the months.
  const values = await repo.gridShareValues(
    pool,
    parkId,
    set.id,
    set.version,
    set.resolution === 'month'
      ? { from: months[0]!, to: months[months.length - 1]! }
      : {
          from: new Date(startMs).toISOString(),
          to: new Date(startMs + (hours - 1) * HOUR_MS).toISOString(),
        },
  );
  const source = `${set.label} (${set.id} v${set.version}, ${set.status}): ${set.source}`;
  let missing = 0;
  let share: GridGreenShare;
  if (set.resolution === 'month') {
    const byMonth: Record<string, number> = {};
    for (const v of values) byMonth[v.at] = v.share;
    for (const m of months)
      if (byMonth[m] === undefined) {
        byMonth[m] = 0;
        missing += 1;
      }
    share = { resolution: 'monthly', share: byMonth, source };
  } else {
    const arr = new Float64Array(hours).fill(Number.NaN);
    for (const v of values) {
      const h = Math.round((Date.parse(v.at) - startMs) / HOUR_MS);
      if (h >= 0 && h < hours) arr[h] = v.share;
    }
    for (let h = 0; h < hours; h++)
      if (Number.isNaN(arr[h])) {
        arr[h] = 0;
        missing++;
      }
    share = { resolution: 'hourly', share: arr, source };
  }
  return {
    share,
    meta: {
      id: set.id,
      version: set.version,
      status: set.status,
      source: set.source,
      resolution: set.resolution,
      missingHours: missing,
    },
    ...(missing > 0
      ? {
          warning: `grid green share ${set.id}: ${missing} ${set.resolution === 'month' ? 'months' : 'hours'} of the period have no value and count as 0 % green`,
        }
      : {}),
  };
}

/** Reading queries: a meter's series at any resolution, energy by carrier, the sub-metering balance. */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import {
  formatLocal,
  localBucketStart,
  nextBucketStart,
  parseDateOrInstant,
  SLOT_MS,
} from '../../lib/time.ts';
import { getPark, parkSnapshot, type MeterRow } from '../registry/index.ts';
import { addAmounts, type Amounts } from './amounts.ts';
import { FLAG } from './derive.ts';
import * as q from './queries.repo.ts';
import type { BucketRow, Resolution } from './queries.repo.ts';

export type { Resolution };

/** A half-open period [fromMs, toMs) in a park's calendar. */
export interface Period {
  fromMs: number;
  toMs: number;
  label: string;
}

/**
 * Parses a period in the park's zone: `2025`, `2025-03`, `2025-Q2`, `2025-03-14` (a day), or `FROM..TO` with dates or
 * instants (TO exclusive).
 */
export function parsePeriod(text: string, timeZone: string): Period {
  const t = text.trim();
  const bad = (reason: string) => new AppError('BAD_INPUT', `period "${text}": ${reason}`);
  const at = (s: string) => {
    const r = parseDateOrInstant(s, timeZone);
    if (!r.ok) throw bad(r.reason);
    return r.atMs;
  };
  let m = /^(\d{4})$/.exec(t);
  if (m) {
    const from = at(`${m[1]}-01-01`);
    return { fromMs: from, toMs: nextBucketStart(from, 'year', timeZone), label: t };
  }
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(t))) {
    const month = (Number(m[2]) - 1) * 3 + 1;
    let from = at(`${m[1]}-${String(month).padStart(2, '0')}-01`);
    const start = from;
    for (let i = 0; i < 3; i++) from = nextBucketStart(from, 'month', timeZone);
    return { fromMs: start, toMs: from, label: t.toUpperCase() };
  }
  if (/^\d{4}-\d{2}$/.test(t)) {
    const from = at(`${t}-01`);
    return { fromMs: from, toMs: nextBucketStart(from, 'month', timeZone), label: t };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const from = at(t);
    return { fromMs: from, toMs: nextBucketStart(from, 'day', timeZone), label: t };
  }
  const parts = t.split('..');
  if (parts.length === 2 && parts[0] && parts[1]) {
    const fromMs = at(parts[0]);
    const toMs = at(parts[1]);
    if (toMs <= fromMs) throw bad('the end must be after the start');
    return { fromMs, toMs, label: t };
  }
  throw bad('expected YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or FROM..TO');
}

/** The coarsest resolution whose buckets tile [fromMs, toMs) exactly. */
export function tilingResolution(period: Period, timeZone: string): Resolution {
  const aligned = (b: 'hour' | 'day' | 'month') =>
    localBucketStart(period.fromMs, b, timeZone) === period.fromMs &&
    localBucketStart(period.toMs, b, timeZone) === period.toMs;
  if (aligned('month')) return 'month';
  if (aligned('day')) return 'day';
  if (aligned('hour')) return 'hour';
  return '15m';
}

/** 15-minute slots a meter was expected to report in [fromMs, toMs): its service period, up to now. */
export function expectedSlots(meter: MeterRow, fromMs: number, toMs: number, nowMs: number): number {
  const start = Math.max(fromMs, meter.installedAtMs ?? -Infinity);
  const end = Math.min(toMs, meter.removedAtMs ?? Infinity, Math.floor(nowMs / SLOT_MS) * SLOT_MS);
  return end > start ? (end - start) / SLOT_MS : 0;
}

export type PointStatus = 'measured' | 'partial' | 'estimated' | 'missing' | 'quarantined';

/** One bucket of a series. `quantity` is null when nothing is known: missing is a state, never a zero. */
export interface SeriesPoint {
  startMs: number;
  endMs: number;
  /** Measured + estimated (quarantined spikes are never counted). */
  quantity: number | null;
  measured: number;
  estimated: number;
  quarantined: number;
  /** Share of the expected 15-minute slots that were measured. */
  coverage: number;
  status: PointStatus;
  /** Reading flags seen in the bucket (15-minute resolution): reset, rollover, replacement, spike, revised … */
  flags: string[];
}

export interface Series {
  meter: string;
  unit: string;
  resolution: Resolution;
  period: Period;
  points: SeriesPoint[];
  totals: { quantity: number; measured: number; estimated: number; quarantined: number; coverage: number };
  revisions: q.RevisionView[];
}

const FLAG_NAMES: [number, string][] = [
  [FLAG.ROLLOVER, 'rollover'],
  [FLAG.RESET, 'reset'],
  [FLAG.REPLACEMENT, 'replacement'],
  [FLAG.SPIKE, 'spike'],
  [FLAG.GAP_BRIDGED, 'gap_bridged'],
  [FLAG.REVISED, 'revised'],
];

export function flagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
}

/** Most buckets one series may have (a year of 15-minute slots is 35,040). */
export const MAX_SERIES_POINTS = 100_000;

function bucketStarts(period: Period, resolution: Resolution, timeZone: string): number[] {
  const roughMs = { '15m': SLOT_MS, hour: 3_600_000, day: 86_400_000, month: 28 * 86_400_000 }[resolution];
  if ((period.toMs - period.fromMs) / roughMs > MAX_SERIES_POINTS) {
    throw new AppError(
      'BAD_INPUT',
      `period "${period.label}" has more than ${MAX_SERIES_POINTS.toLocaleString('en-US')} buckets at ${resolution}: choose a coarser resolution or a shorter period`,
    );
  }
  const starts: number[] = [];
  if (resolution === '15m') {
    for (let t = Math.floor(period.fromMs / SLOT_MS) * SLOT_MS; t < period.toMs; t += SLOT_MS) starts.push(t);
    return starts;
  }
  for (let t = localBucketStart(period.fromMs, resolution, timeZone); t < period.toMs;) {
    starts.push(t);
    t = nextBucketStart(t, resolution, timeZone);
  }
  return starts;
}

/** A meter's series at a resolution, every bucket present, with coverage, flags and revisions. */
export async function meterSeries(
  pool: pg.Pool,
  parkId: string,
  meterCode: string,
  period: Period,
  resolution: Resolution,
  nowMs = Date.now(),
  definitionVersion?: number,
): Promise<Series> {
  const { park, metersByCode } = await parkSnapshot(pool, parkId, definitionVersion);
  const meter = metersByCode.get(meterCode);
  if (!meter) throw new AppError('NOT_FOUND', `no meter "${meterCode}" in park "${parkId}"`);
  const starts = bucketStarts(period, resolution, park.timezone);
  const rows =
    resolution === '15m'
      ? await q.slotRows(pool, [meter.id], period.fromMs, period.toMs)
      : await q.rollupRows(pool, resolution, [meter.id], period.fromMs, period.toMs);
  const byStart = new Map(rows.map((r) => [r.bucketMs, r]));
  const points = starts.map((startMs, i) => {
    const endMs =
      starts[i + 1] ??
      (resolution === '15m' ? startMs + SLOT_MS : nextBucketStart(startMs, resolution, park.timezone));
    return toPoint(byStart.get(startMs), startMs, endMs, expectedSlots(meter, startMs, endMs, nowMs));
  });
  const sum = (f: (p: SeriesPoint) => number) => points.reduce((a, p) => a + f(p), 0);
  const expected = expectedSlots(meter, period.fromMs, period.toMs, nowMs);
  const measuredSlots = rows.reduce((a, r) => a + r.measuredSlots, 0);
  return {
    meter: meter.code,
    unit: meter.quantityUnit,
    resolution,
    period,
    points,
    totals: {
      quantity: sum((p) => p.quantity ?? 0),
      measured: sum((p) => p.measured),
      estimated: sum((p) => p.estimated),
      quarantined: sum((p) => p.quarantined),
      coverage: expected > 0 ? Math.min(1, measuredSlots / expected) : 0,
    },
    revisions: await q.revisionsOf(pool, meter.id, period.fromMs, period.toMs),
  };
}

function toPoint(row: BucketRow | undefined, startMs: number, endMs: number, expected: number): SeriesPoint {
  if (!row) {
    return {
      startMs,
      endMs,
      quantity: null,
      measured: 0,
      estimated: 0,
      quarantined: 0,
      coverage: 0,
      status: 'missing',
      flags: [],
    };
  }
  const known = row.measuredSlots + row.estimatedSlots;
  const coverage = expected > 0 ? Math.min(1, row.measuredSlots / expected) : 0;
  let status: PointStatus;
  if (known === 0) status = row.quarantinedSlots > 0 ? 'quarantined' : 'missing';
  else if (row.estimatedSlots > 0 && row.measuredSlots === 0) status = 'estimated';
  else if (coverage >= 0.999999) status = 'measured';
  else status = 'partial';
  const flags = flagNames(row.flags);
  if (row.quarantinedSlots > 0 && !flags.includes('spike')) flags.push('spike');
  if (row.estimatedSlots > 0 && !flags.includes('gap_bridged')) flags.push('gap_bridged');
  return {
    startMs,
    endMs,
    quantity: known > 0 ? row.measured + row.estimated : null,
    measured: row.measured,
    estimated: row.estimated,
    quarantined: row.quarantined,
    coverage,
    status,
    flags,
  };
}

/** Totals per meter over a period, from the coarsest rollup that tiles it (or the 15-minute slots). */
async function totalsByMeter(
  pool: pg.Pool,
  meters: readonly MeterRow[],
  period: Period,
  timeZone: string,
): Promise<Map<number, Omit<BucketRow, 'bucketMs' | 'flags'>>> {
  const ids = meters.map((m) => m.id);
  const resolution = tilingResolution(period, timeZone);
  const rows =
    resolution === '15m'
      ? await q.meterTotalsFromReadings(pool, ids, period.fromMs, period.toMs)
      : await q.meterTotals(pool, resolution, ids, period.fromMs, period.toMs);
  const out = new Map<number, Omit<BucketRow, 'bucketMs' | 'flags'>>();
  for (const r of rows) {
    const prev = out.get(r.meterId);
    if (!prev) out.set(r.meterId, { ...r });
    else addAmounts(prev, r);
  }
  return out;
}

/** Roles that bring a carrier into an organisation's boundary, and roles that take it out. */
const SUPPLY_ROLES = new Set(['import', 'generation', 'direct_green_supply', 'storage_discharge']);
const OUTFLOW_ROLES = new Set(['export', 'storage_charge']);

export interface CarrierEnergy {
  organisation: string | null;
  carrier: string;
  unit: string;
  /** Quantity by role, boundary meters only (meters with no parent); sub-meters are breakdowns, never added. */
  byRole: Record<string, number>;
  /** import + generation + direct green supply + storage discharge + top-level consumption − export − storage charge */
  net: number;
  estimated: number;
  quarantined: number;
  coverage: number;
  meters: number;
}

/** Energy by carrier of a period: per organisation, and for the park. */
export interface CarrierEnergyByScope {
  period: Period;
  organisations: CarrierEnergy[];
  park: CarrierEnergy[];
}

/**
 * Energy by carrier for each organisation and for the park over a period: from the boundary meters (meters without
 * a parent), by role, with coverage (measured slots ÷ expected slots). At the park level, meters marked
 * `internalTransfer` (sales between the park's organisations) are left out: they cancel at the park boundary.
 * `definitionVersion`: the park's, when the caller has just read it (see `parkSnapshot`).
 */
export async function energyByCarrier(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  nowMs = Date.now(),
  definitionVersion?: number,
): Promise<CarrierEnergyByScope> {
  const [result] = await energyByCarrierOver(pool, parkId, [period], nowMs, definitionVersion);
  return result!;
}

/** `energyByCarrier` for several periods at once, with one query for all of them. */
export async function energyByCarrierOver(
  pool: pg.Pool,
  parkId: string,
  periods: readonly Period[],
  nowMs = Date.now(),
  definitionVersion?: number,
): Promise<CarrierEnergyByScope[]> {
  const snapshot = await parkSnapshot(pool, parkId, definitionVersion);
  const timeZone = snapshot.park.timezone;
  const meters = snapshot.meters.filter((m) => !m.spec.parent);
  const rows = await q.meterTotalsOver(
    pool,
    meters.map((m) => m.id),
    periods.map((p) => ({ resolution: tilingResolution(p, timeZone), fromMs: p.fromMs, toMs: p.toMs })),
  );
  const totals = periods.map(() => new Map<number, Amounts>());
  for (const r of rows) {
    const byMeter = totals[r.part]!;
    const prev = byMeter.get(r.meterId);
    if (!prev) byMeter.set(r.meterId, { ...r });
    else addAmounts(prev, r);
  }
  return periods.map((p, i) => carrierEnergy(meters, totals[i]!, p, nowMs));
}

/**
 * Energy by carrier (see `energyByCarrier`) from the boundary meters' totals over the period (meters absent from
 * `totals` measured nothing). Pure: the overview computes it from totals it has loaded anyway.
 */
export function carrierEnergy(
  boundary: readonly MeterRow[],
  totals: ReadonlyMap<number, Amounts>,
  period: Period,
  nowMs: number,
): CarrierEnergyByScope {
  const groups = new Map<string, CarrierEnergy & { expected: number; measuredSlots: number }>();
  const add = (org: string | null, meter: MeterRow) => {
    const key = `${org ?? ''}\u0000${meter.spec.carrier}\u0000${meter.quantityUnit}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        organisation: org,
        carrier: meter.spec.carrier,
        unit: meter.quantityUnit,
        byRole: {},
        net: 0,
        estimated: 0,
        quarantined: 0,
        coverage: 0,
        meters: 0,
        expected: 0,
        measuredSlots: 0,
      };
      groups.set(key, g);
    }
    const t = totals.get(meter.id);
    const quantity = t ? t.measured + t.estimated : 0;
    const role = meter.spec.role;
    g.byRole[role] = (g.byRole[role] ?? 0) + quantity;
    if (SUPPLY_ROLES.has(role) || role === 'consumption') g.net += quantity;
    else if (OUTFLOW_ROLES.has(role)) g.net -= quantity;
    g.estimated += t?.estimated ?? 0;
    g.quarantined += t?.quarantined ?? 0;
    g.meters += 1;
    g.expected += expectedSlots(meter, period.fromMs, period.toMs, nowMs);
    g.measuredSlots += t?.measuredSlots ?? 0;
  };
  for (const m of boundary) {
    add(m.spec.organisation, m);
    // Transfers between the park's own organisations cancel at the park boundary.
    if (!m.spec.internalTransfer) add(null, m);
  }
  const all = [...groups.values()].map(({ expected, measuredSlots, ...g }) => ({
    ...g,
    coverage: expected > 0 ? Math.min(1, measuredSlots / expected) : 0,
  }));
  const byName = (a: CarrierEnergy, b: CarrierEnergy) =>
    (a.organisation ?? '').localeCompare(b.organisation ?? '') || a.carrier.localeCompare(b.carrier);
  return {
    period,
    organisations: all.filter((g) => g.organisation !== null).sort(byName),
    park: all.filter((g) => g.organisation === null).sort(byName),
  };
}

export interface BalanceRow {
  parent: string;
  carrier: string;
  unit: string;
  parentQuantity: number;
  children: { meter: string; quantity: number; coverage: number }[];
  childrenQuantity: number;
  /** parent − Σ children: losses and unmetered loads; negative means the meters disagree. */
  unmetered: number;
  unmeteredShare: number | null;
  parentCoverage: number;
  /** Lowest coverage of parent and children: the balance is only as good as its worst meter. */
  coverage: number;
}

/** The sub-metering balance of every parent meter (or one), over a period. */
export async function subMeterBalance(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  parentCode?: string,
  nowMs = Date.now(),
  definitionVersion?: number,
): Promise<BalanceRow[]> {
  const { park, meters, metersByCode: byCode } = await parkSnapshot(pool, parkId, definitionVersion);
  const children = new Map<string, MeterRow[]>();
  for (const m of meters) {
    if (!m.spec.parent) continue;
    const list = children.get(m.spec.parent) ?? [];
    list.push(m);
    children.set(m.spec.parent, list);
  }
  if (parentCode !== undefined && !byCode.has(parentCode)) {
    throw new AppError('NOT_FOUND', `no meter "${parentCode}" in park "${parkId}"`);
  }
  const parents = [...children.keys()].filter((p) => parentCode === undefined || p === parentCode);
  if (parentCode !== undefined && parents.length === 0) {
    throw new AppError('BAD_INPUT', `meter "${parentCode}" has no sub-meters`);
  }
  const involved = parents.flatMap((p) => [byCode.get(p)!, ...children.get(p)!]);
  const totals = await totalsByMeter(pool, involved, period, park.timezone);
  const quantityOf = (m: MeterRow) => {
    const t = totals.get(m.id);
    return t ? t.measured + t.estimated : 0;
  };
  const coverageOf = (m: MeterRow) => {
    const expected = expectedSlots(m, period.fromMs, period.toMs, nowMs);
    return expected > 0 ? Math.min(1, (totals.get(m.id)?.measuredSlots ?? 0) / expected) : 0;
  };
  return parents.map((code) => {
    const parent = byCode.get(code)!;
    const kids = children
      .get(code)!
      .map((c) => ({ meter: c.code, quantity: quantityOf(c), coverage: coverageOf(c) }));
    const parentQuantity = quantityOf(parent);
    const childrenQuantity = kids.reduce((a, k) => a + k.quantity, 0);
    const parentCoverage = coverageOf(parent);
    return {
      parent: code,
      carrier: parent.spec.carrier,
      unit: parent.quantityUnit,
      parentQuantity,
      children: kids,
      childrenQuantity,
      unmetered: parentQuantity - childrenQuantity,
      unmeteredShare: parentQuantity > 0 ? (parentQuantity - childrenQuantity) / parentQuantity : null,
      parentCoverage,
      coverage: Math.min(parentCoverage, ...kids.map((k) => k.coverage)),
    };
  });
}

export async function rejectedRecords(
  pool: pg.Pool,
  parkId: string,
  meterCode?: string,
  limit = 100,
  onlyMeters?: readonly string[],
) {
  return q.rejectedRecords(pool, parkId, meterCode, limit, onlyMeters);
}

export const rejectedCountsByMeter = q.rejectedCountsByMeter;
export const firstDataMonth = q.firstDataMonth;

/** The park-local year of the park's latest data, or undefined when it has none. */
export async function latestDataYear(pool: pg.Pool, parkId: string): Promise<string | undefined> {
  const park = await getPark(pool, parkId);
  const atMs = await q.latestRollupMonth(pool, parkId);
  return atMs === undefined ? undefined : formatLocal(atMs, park.timezone).slice(0, 4);
}

/** The park's energy overview, trend and flow in physical units and tce, for the park or one organisation. */
import type pg from 'pg';
import type {
  Alarm,
  CarrierTotal,
  FlowResponse,
  OverviewResponse,
  PeriodView,
  TrendPoint,
  TrendResponse,
} from '../../server/api-types.ts';
import { AppError } from '../../lib/errors.ts';
import { formatLocal, localBucketStart, nextBucketStart, SLOT_MS } from '../../lib/time.ts';
import { parkSnapshot, type MeterRow } from '../registry/index.ts';
import {
  carrierEnergy,
  expectedSlots,
  groupBucketSums,
  meterAmounts,
  rejectedCountsByMeter,
  silentMeters,
  tilingResolution,
  type CarrierEnergy,
  type GroupBucketRow,
  type MeterAmounts,
  type Period,
  type Resolution,
} from '../telemetry/index.ts';
import { buildEnergyFlow, netSign } from './flow.ts';
import { DISPLAY_METHOD, tceFactorFor, tceOf } from './tce.ts';

/** Options shared by the overview, trend and flow. */
export interface ScopeOptions {
  /** Limit everything to this organisation's meters (an enterprise user's view). */
  organisation?: string;
  /** The clock (coverage counts slots up to now; silence is judged before now). */
  nowMs?: number;
  /** The park's definition version, when the caller has just read it: saves the query that checks it. */
  definitionVersion?: number;
}

/** A meter with no reading in this long before the end of the period (or now) is silent. */
export const SILENT_AFTER_MS = 24 * 3_600_000;
/** Below this coverage a meter raises a low-coverage alarm (online monitoring rules expect ≥ 90 %). */
export const LOW_COVERAGE = 0.9;
/** Most alarms one overview lists. */
export const MAX_ALARMS = 200;
/** Most buckets one trend series may have. */
export const MAX_TREND_POINTS = 100_000;
/** Longest period a 15-minute trend may cover: it is summed from the readings, not from rollups. */
export const MAX_15M_DAYS = 31;

const periodView = (p: Period): PeriodView => ({ label: p.label, fromMs: p.fromMs, toMs: p.toMs });

interface Scope {
  timeZone: string;
  organisation: string | null;
  /** Every meter of the scope (the park's, or the organisation's), sub-meters included. */
  meters: readonly MeterRow[];
  /** Meters with no parent: the ones that are added. */
  boundary: readonly MeterRow[];
  organisationNames: Map<string, string>;
}

/** Loads the park's meters limited to the scope; an unknown organisation is NOT_FOUND. */
async function loadScope(
  pool: pg.Pool,
  parkId: string,
  organisation: string | undefined,
  definitionVersion: number | undefined,
): Promise<Scope> {
  const {
    park,
    meters,
    allOrganisations: organisations,
  } = await parkSnapshot(pool, parkId, definitionVersion);
  const org = organisation ?? null;
  const found = org === null ? undefined : organisations.find((o) => o.id === org);
  if (org !== null && !found) {
    throw new AppError('NOT_FOUND', `no organisation "${org}" in park "${parkId}"`);
  }
  const inScope = org === null ? meters : meters.filter((m) => m.spec.organisation === org);
  return {
    timeZone: park.timezone,
    organisation: org,
    meters: inScope,
    boundary: inScope.filter((m) => !m.spec.parent),
    // An organisation's view never carries another organisation's name.
    organisationNames: new Map(
      organisations.filter((o) => org === null || o.id === org).map((o) => [o.id, o.name]),
    ),
  };
}

function carrierTotal(g: CarrierEnergy): CarrierTotal {
  return {
    carrier: g.carrier,
    unit: g.unit,
    quantity: g.net,
    byRole: { ...g.byRole },
    tce: tceOf(g.carrier, g.unit, g.net),
    tceFactor: tceFactorFor(g.carrier, g.unit),
    coverage: g.coverage,
    estimated: g.estimated,
    quarantined: g.quarantined,
    meters: g.meters,
  };
}

const SEVERITY_RANK: Record<Alarm['severity'], number> = { error: 0, warning: 1, info: 2 };
const KIND_RANK: Record<Alarm['kind'], number> = {
  silent_meter: 0,
  low_coverage: 1,
  quarantined_spike: 2,
  rejected_records: 3,
};

/** Alarms by severity, then count (largest first), then kind and meter, so that the list is stable. */
function compareAlarms(a: Alarm, b: Alarm): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (b.count ?? 0) - (a.count ?? 0) ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    (a.meter ?? '').localeCompare(b.meter ?? '')
  );
}

const coverageOf = (measuredSlots: number, expected: number) =>
  expected > 0 ? Math.min(1, measuredSlots / expected) : 0;

/**
 * The energy overview of a period: per carrier net quantity and tce (from `energyByCarrier`), completeness of the
 * boundary meters, and alarms (silent meters, quarantined spikes, rejected records, low coverage). With
 * `organisation`, every figure and alarm is limited to that organisation's meters.
 */
export async function parkOverview(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  options: ScopeOptions = {},
): Promise<OverviewResponse> {
  const nowMs = options.nowMs ?? Date.now();
  const scope = await loadScope(pool, parkId, options.organisation, options.definitionVersion);
  const judgedAtMs = Math.min(period.toMs, nowMs);
  const ids = scope.meters.map((m) => m.id);
  const inService = (m: MeterRow) =>
    !m.archived &&
    (m.installedAtMs === null || m.installedAtMs < judgedAtMs) &&
    (m.removedAtMs === null || m.removedAtMs > judgedAtMs);
  const [amounts, silentAt, rejected] = await Promise.all([
    meterAmounts(pool, ids, period.fromMs, period.toMs, tilingResolution(period, scope.timeZone)),
    // Only meters in service at the judging time can be silent.
    silentMeters(
      pool,
      scope.meters.filter(inService).map((m) => m.id),
      judgedAtMs,
      SILENT_AFTER_MS,
    ),
    rejectedCountsByMeter(pool, parkId),
  ]);
  const amountsById = new Map<number, MeterAmounts>(amounts.map((a) => [a.meterId, a]));
  // energyByCarrier's figures, from the totals just loaded: the scope's boundary meters are among them.
  const energy = carrierEnergy(scope.boundary, amountsById, period, nowMs);
  const rows =
    scope.organisation === null
      ? energy.park
      : energy.organisations.filter((g) => g.organisation === scope.organisation);
  const carriers = rows.map(carrierTotal);
  const totalTce = carriers.reduce((a, c) => a + (c.tce ?? 0), 0);

  const alarms: Alarm[] = [];
  const alarm = (a: Omit<Alarm, 'count' | 'sinceMs' | 'coverage'> & Partial<Alarm>) =>
    alarms.push({ count: null, sinceMs: null, coverage: null, ...a });
  const silent = new Set<number>();
  let expectedTotal = 0;
  let measuredTotal = 0;
  let boundaryMeters = 0;
  for (const m of scope.meters) {
    const isBoundary = !m.spec.parent;
    const a = amountsById.get(m.id);
    const expected = expectedSlots(m, period.fromMs, period.toMs, nowMs);
    const inServiceDuringPeriod =
      !m.archived &&
      (m.installedAtMs === null || m.installedAtMs < period.toMs) &&
      (m.removedAtMs === null || m.removedAtMs > period.fromMs);
    if (isBoundary && inServiceDuringPeriod) {
      boundaryMeters++;
      expectedTotal += expected;
      measuredTotal += a?.measuredSlots ?? 0;
    }
    const org = m.spec.organisation;
    // Silent: in service at T and no reading in (T − 24 h, T]; lastMs is its last reading at or before T.
    const silentSince = silentAt.get(m.id);
    if (silentSince !== undefined) {
      const lastMs = silentSince ?? undefined;
      if (isBoundary) silent.add(m.id);
      alarm({
        kind: 'silent_meter',
        severity: isBoundary ? 'error' : 'warning',
        meter: m.code,
        organisation: org,
        sinceMs: lastMs ?? null,
        message:
          lastMs === undefined
            ? `meter ${m.code} has sent no reading before ${formatLocal(judgedAtMs, scope.timeZone)}`
            : `meter ${m.code} has sent no reading since ${formatLocal(lastMs, scope.timeZone)}`,
      });
    }
    const coverage = coverageOf(a?.measuredSlots ?? 0, expected);
    if (!m.archived && expected > 0 && coverage < LOW_COVERAGE) {
      alarm({
        kind: 'low_coverage',
        severity: coverage < 0.5 ? 'error' : 'warning',
        meter: m.code,
        organisation: org,
        coverage,
        message: `meter ${m.code} measured ${(coverage * 100).toFixed(1)} % of its 15-minute slots in ${period.label}`,
      });
    }
    if (a && a.quarantinedSlots > 0) {
      const slots = Math.ceil(a.quarantinedSlots - 1e-6);
      alarm({
        kind: 'quarantined_spike',
        severity: 'warning',
        meter: m.code,
        organisation: org,
        count: slots,
        message: `meter ${m.code}: ${Number(a.quarantined.toPrecision(6))} ${m.quantityUnit} in ${slots} quarantined 15-minute slot(s) (implausible spikes, not counted)`,
      });
    }
    const rejectedCount = rejected.get(m.code);
    if (rejectedCount) {
      alarm({
        kind: 'rejected_records',
        severity: 'warning',
        meter: m.code,
        organisation: org,
        count: rejectedCount,
        message: `${rejectedCount} record(s) for meter ${m.code} were rejected (all time)`,
      });
    }
  }
  if (scope.organisation === null) {
    // Records that named no meter of the park (or none at all) belong to no organisation: the park sees them.
    const known = new Set(scope.meters.map((m) => m.code));
    let orphans = 0;
    for (const [code, n] of rejected) if (code === null || !known.has(code)) orphans += n;
    if (orphans > 0) {
      alarm({
        kind: 'rejected_records',
        severity: 'warning',
        meter: null,
        organisation: null,
        count: orphans,
        message: `${orphans} record(s) naming no meter of the park were rejected (all time)`,
      });
    }
  }
  alarms.sort(compareAlarms);

  return {
    period: periodView(period),
    organisation: scope.organisation,
    carriers,
    totalTce,
    completeness: {
      coverage: coverageOf(measuredTotal, expectedTotal),
      meters: boundaryMeters,
      silentMeters: silent.size,
    },
    alarms: alarms.slice(0, MAX_ALARMS),
    method: DISPLAY_METHOD,
  };
}

const RESOLUTIONS: readonly Resolution[] = ['15m', 'hour', 'day', 'month'];

/** Bucket starts of a trend; the resolution's buckets must tile the period. */
function trendBuckets(period: Period, resolution: Resolution, timeZone: string): number[] {
  const bad = (reason: string) => new AppError('BAD_INPUT', `period "${period.label}": ${reason}`);
  const tiling = tilingResolution(period, timeZone);
  if (RESOLUTIONS.indexOf(resolution) > RESOLUTIONS.indexOf(tiling)) {
    throw bad(`its ends are not ${resolution} boundaries; choose ${tiling} or finer`);
  }
  if (resolution === '15m') {
    if (period.fromMs % SLOT_MS !== 0 || period.toMs % SLOT_MS !== 0) {
      throw bad('its ends are not 15-minute boundaries');
    }
    if (period.toMs - period.fromMs > MAX_15M_DAYS * 86_400_000) {
      throw bad(`a 15-minute trend covers at most ${MAX_15M_DAYS} days; choose hour or coarser`);
    }
  }
  const roughMs = { '15m': SLOT_MS, hour: 3_600_000, day: 86_400_000, month: 28 * 86_400_000 }[resolution];
  if ((period.toMs - period.fromMs) / roughMs > MAX_TREND_POINTS) {
    throw bad(`more than ${MAX_TREND_POINTS.toLocaleString('en-US')} buckets at ${resolution}`);
  }
  const starts: number[] = [];
  if (resolution === '15m') {
    for (let t = period.fromMs; t < period.toMs; t += SLOT_MS) starts.push(t);
    return starts;
  }
  for (let t = localBucketStart(period.fromMs, resolution, timeZone); t < period.toMs;) {
    starts.push(t);
    t = nextBucketStart(t, resolution, timeZone);
  }
  return starts;
}

/**
 * The net quantity of each carrier per bucket (energyByCarrier's sign rule over boundary meters; internal transfers
 * left out for the park, kept for an organisation), with tce and coverage, in one grouped query.
 */
export async function energyTrend(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  resolution: Resolution,
  options: ScopeOptions = {},
): Promise<TrendResponse> {
  const nowMs = options.nowMs ?? Date.now();
  const scope = await loadScope(pool, parkId, options.organisation, options.definitionVersion);
  const starts = trendBuckets(period, resolution, scope.timeZone);
  const ends = starts.map(
    (s, i) =>
      starts[i + 1] ?? (resolution === '15m' ? s + SLOT_MS : nextBucketStart(s, resolution, scope.timeZone)),
  );
  const members = scope.boundary.filter((m) => scope.organisation !== null || !m.spec.internalTransfer);
  const groups: { carrier: string; unit: string; meters: MeterRow[] }[] = [];
  const groupIndex = new Map<string, number>();
  const memberGroups = members.map((m) => {
    const key = `${m.spec.carrier}\u0000${m.quantityUnit}`;
    let i = groupIndex.get(key);
    if (i === undefined) {
      i = groups.length;
      groupIndex.set(key, i);
      groups.push({ carrier: m.spec.carrier, unit: m.quantityUnit, meters: [] });
    }
    groups[i]!.meters.push(m);
    return i;
  });
  const rows = await groupBucketSums(
    pool,
    resolution,
    {
      meterIds: members.map((m) => m.id),
      signs: members.map((m) => netSign(m.spec.role)),
      groups: memberGroups,
    },
    period.fromMs,
    period.toMs,
  );
  const byGroup = new Map<number, Map<number, GroupBucketRow>>();
  for (const r of rows) {
    let map = byGroup.get(r.group);
    if (!map) byGroup.set(r.group, (map = new Map<number, GroupBucketRow>()));
    map.set(r.bucketMs, r);
  }
  const series = groups.map((g, gi) => {
    // Meters sharing a service period expect the same slots: count each service period once per bucket.
    const servicePeriods = new Map<string, { meter: MeterRow; count: number }>();
    for (const m of g.meters) {
      const key = `${m.installedAtMs}/${m.removedAtMs}`;
      const entry = servicePeriods.get(key);
      if (entry) entry.count++;
      else servicePeriods.set(key, { meter: m, count: 1 });
    }
    const rowsByBucket = byGroup.get(gi);
    const points: TrendPoint[] = starts.map((startMs, i) => {
      const endMs = ends[i]!;
      let expected = 0;
      for (const { meter, count } of servicePeriods.values()) {
        expected += count * expectedSlots(meter, startMs, endMs, nowMs);
      }
      const r = rowsByBucket?.get(startMs);
      const quantity = r && r.knownSlots > 0 ? r.net : null;
      return {
        startMs,
        quantity,
        tce: quantity === null ? null : tceOf(g.carrier, g.unit, quantity),
        coverage: coverageOf(r?.measuredSlots ?? 0, expected),
      };
    });
    return { carrier: g.carrier, unit: g.unit, points };
  });
  series.sort((a, b) => a.carrier.localeCompare(b.carrier) || a.unit.localeCompare(b.unit));
  return {
    period: periodView(period),
    resolution,
    organisation: scope.organisation,
    series,
    method: DISPLAY_METHOD,
  };
}

/**
 * The energy flow (Sankey) of a period in tce: supplies → carriers → organisations, exports, storage and the unmetered
 * remainder; with `organisation`, only that organisation's meters (see `buildEnergyFlow`).
 */
export async function energyFlow(
  pool: pg.Pool,
  parkId: string,
  period: Period,
  options: Pick<ScopeOptions, 'organisation' | 'definitionVersion'> = {},
): Promise<FlowResponse> {
  const scope = await loadScope(pool, parkId, options.organisation, options.definitionVersion);
  const amounts = await meterAmounts(
    pool,
    scope.boundary.map((m) => m.id),
    period.fromMs,
    period.toMs,
    tilingResolution(period, scope.timeZone),
  );
  const byId = new Map(amounts.map((a) => [a.meterId, a]));
  const { nodes, links } = buildEnergyFlow({
    organisation: scope.organisation,
    organisationNames: scope.organisationNames,
    meters: scope.boundary.map((m) => {
      const a = byId.get(m.id);
      return {
        organisation: m.spec.organisation,
        carrier: m.spec.carrier,
        unit: m.quantityUnit,
        role: m.spec.role,
        technology: m.spec.technology ?? null,
        internalTransfer: m.spec.internalTransfer === true,
        quantity: a ? a.measured + a.estimated : 0,
      };
    }),
  });
  return {
    period: periodView(period),
    organisation: scope.organisation,
    nodes,
    links,
    method: DISPLAY_METHOD,
  };
}

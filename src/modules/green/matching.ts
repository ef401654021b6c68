/**
 * Green-electricity matching (method `green-matching-1`): how much of each consumer's load, and of the park's, is met
 * by green supply hour by hour (Google's 24/7 carbon-free-energy score, standards.md §5), month by month and over the
 * period. Pure: no I/O; the DB layer feeds it hourly arrays. Every rule is in docs/green-matching.md.
 */
import { AppError } from '../../lib/errors.ts';
import { isValidTimeZone, localBucketStart, zoneOffsetMinutes } from '../../lib/time.ts';
import type {
  AllocationRule,
  ConsumerMatching,
  ConsumerMatchingJson,
  ConsumerSelection,
  GreenMatchingMethod,
  GreenSupplyKind,
  HeatMap,
  HeatMapJson,
  HourlySeries,
  MatchingInput,
  MatchingResult,
  MatchingResultJson,
  MatchingConsumer,
  MatchingRules,
  MethodFigures,
  MonthMatching,
  SharedCertificates,
  SharedHourlySource,
  SharedResourceReport,
  SharedStorage,
  StorageProfile,
  StorageReport,
  SupplyLine,
} from './matching-types.ts';

/** The method version every result names. */
export const GREEN_MATCHING_METHOD: GreenMatchingMethod = 'green-matching-1';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** An hour counts as unmatched when matched < load × (1 − this): allocation by ratios leaves rounding dust. */
const UNMATCHED_TOLERANCE = 1e-9;
/** Discharge left over after the parcels ran out counts as unknown origin only above this fraction of it (dust). */
const DUST = 1e-12;
/** Contract shares may add up to 1 plus this (shares written as thirds). */
const SHARE_TOLERANCE = 1e-9;
/** The id of the park aggregate's result. */
const PARK_ID = 'park';
const GRID_NOT_GIVEN =
  'grid carbon-free share not given: the grid counts as 0 % carbon-free, so CFE scores equal the hourly matched shares';

// ---- validation ---------------------------------------------------------------------------------------------------

function bad(message: string, field: string): never {
  throw new AppError('BAD_INPUT', message, { issues: [{ field, reason: message }] });
}

/** Checks that `values` is a Float64Array of one finite value in [0, max] per hour. */
function checkHourly(values: unknown, hours: number, owner: string, field: string, max = Infinity): void {
  if (!(values instanceof Float64Array)) bad(`${owner}: ${field} must be a Float64Array`, field);
  if (values.length !== hours) {
    bad(`${owner}: ${field} has ${values.length} values, expected ${hours} (one per hour)`, field);
  }
  for (let h = 0; h < hours; h++) {
    const v = values[h]!;
    // The negated test also catches NaN.
    if (!(v >= 0 && v <= max)) {
      bad(
        `${owner}: ${field}[${h}] is ${v}, expected a finite value ${max === Infinity ? '≥ 0' : `in [0, ${max}]`}`,
        field,
      );
    }
  }
}

function checkAmount(value: number, owner: string, field: string): void {
  if (!(Number.isFinite(value) && value >= 0))
    bad(`${owner}: ${field} is ${value}, expected a finite value ≥ 0`, field);
}

function checkId(id: unknown, seen: Set<string>, owner: string): void {
  if (typeof id !== 'string' || id === '') bad(`${owner}: id must be a non-empty string`, 'id');
  if (seen.has(id)) bad(`${owner}: id "${id}" is used twice`, 'id');
  seen.add(id);
}

function checkStorage(storage: StorageProfile, hours: number, owner: string): void {
  checkHourly(storage.chargeMwh, hours, owner, 'chargeMwh');
  checkHourly(storage.dischargeMwh, hours, owner, 'dischargeMwh');
  const eta = storage.roundTripEfficiency;
  if (!(eta > 0 && eta <= 1))
    bad(`${owner}: roundTripEfficiency is ${eta}, expected 0 < η ≤ 1`, 'roundTripEfficiency');
}

function checkAllocation(rule: AllocationRule, consumerIds: Set<string>, owner: string): void {
  if (rule.rule === 'pro_rata') return;
  if (rule.rule !== 'contract')
    bad(`${owner}: allocation rule must be "pro_rata" or "contract"`, 'allocation.rule');
  let sum = 0;
  for (const [id, share] of Object.entries(rule.shares)) {
    if (!consumerIds.has(id))
      bad(`${owner}: allocation share names unknown consumer "${id}"`, 'allocation.shares');
    if (!(share >= 0 && share <= 1)) {
      bad(
        `${owner}: allocation share of "${id}" is ${share}, expected a fraction in [0, 1]`,
        'allocation.shares',
      );
    }
    sum += share;
  }
  if (sum > 1 + SHARE_TOLERANCE) {
    bad(`${owner}: allocation shares add up to ${sum}, more than 1`, 'allocation.shares');
  }
}

function checkSelection(
  selection: ConsumerSelection | undefined,
  consumerIds: Set<string>,
  field: string,
): void {
  if (selection === undefined || selection === 'all' || selection === 'none') return;
  for (const id of selection)
    if (!consumerIds.has(id)) bad(`options.${field} names unknown consumer "${id}"`, field);
}

function validate(input: MatchingInput, months: Map<string, number>): void {
  const { hours } = input;
  const consumerIds = new Set<string>();
  for (const consumer of input.consumers) {
    checkId(consumer.id, consumerIds, 'consumer');
    const owner = `consumer "${consumer.id}"`;
    checkHourly(consumer.loadMwh, hours, owner, 'loadMwh');
    const ownIds = new Set<string>();
    for (const source of consumer.sources ?? []) {
      checkId(source.id, ownIds, `${owner} source`);
      checkHourly(source.energyMwh, hours, `${owner} source "${source.id}"`, 'energyMwh');
    }
    for (const storage of consumer.storages ?? []) {
      checkId(storage.id, ownIds, `${owner} storage`);
      checkStorage(storage, hours, `${owner} storage "${storage.id}"`);
    }
  }
  const sharedIds = new Set<string>();
  for (const source of input.shared?.sources ?? []) {
    checkId(source.id, sharedIds, 'shared source');
    const owner = `shared source "${source.id}"`;
    checkHourly(source.energyMwh, hours, owner, 'energyMwh');
    checkAllocation(source.allocation, consumerIds, owner);
  }
  for (const storage of input.shared?.storages ?? []) {
    checkId(storage.id, sharedIds, 'shared storage');
    const owner = `shared storage "${storage.id}"`;
    checkStorage(storage, hours, owner);
    checkAllocation(storage.allocation, consumerIds, owner);
  }
  for (const certificates of input.shared?.certificates ?? []) {
    checkId(certificates.id, sharedIds, 'shared certificates');
    const owner = `shared certificates "${certificates.id}"`;
    for (const [month, mwh] of Object.entries(certificates.monthlyMwh)) {
      if (!months.has(month)) bad(`${owner}: month "${month}" is not in the period`, 'monthlyMwh');
      checkAmount(mwh, owner, `monthlyMwh["${month}"]`);
    }
    checkAllocation(certificates.allocation, consumerIds, owner);
  }
  for (const [i, instrument] of (input.instruments ?? []).entries()) {
    const owner = `instrument "${instrument.id}" (#${i})`;
    if (typeof instrument.id !== 'string' || instrument.id === '')
      bad(`instrument #${i}: id must be non-empty`, 'id');
    if (!consumerIds.has(instrument.consumerId)) {
      bad(`${owner}: unknown consumer "${instrument.consumerId}"`, 'consumerId');
    }
    if (!months.has(instrument.month))
      bad(`${owner}: month "${instrument.month}" is not in the period`, 'month');
    if (instrument.kind !== 'certificate' && instrument.kind !== 'trade') {
      bad(`${owner}: kind must be "certificate" or "trade"`, 'kind');
    }
    checkAmount(instrument.energyMwh, owner, 'energyMwh');
  }
  const grid = input.gridGreenShare;
  if (grid?.resolution === 'hourly') checkHourly(grid.share, hours, 'gridGreenShare', 'share', 1);
  else if (grid?.resolution === 'monthly') {
    for (const month of months.keys()) {
      const share = grid.share[month];
      if (share === undefined) bad(`gridGreenShare: no share for month ${month}`, 'share');
      if (!(share >= 0 && share <= 1))
        bad(`gridGreenShare: share of ${month} is ${share}, expected 0..1`, 'share');
    }
  } else if (grid !== undefined)
    bad('gridGreenShare: resolution must be "hourly" or "monthly"', 'resolution');
  checkSelection(input.options?.heatMaps, consumerIds, 'heatMaps');
  checkSelection(input.options?.series, consumerIds, 'series');
}

// ---- calendar -----------------------------------------------------------------------------------------------------

/** Park-local month and heat-map cell of every hour of the period. */
interface Calendar {
  months: string[];
  monthIndex: Map<string, number>;
  monthOf: Uint16Array;
  monthHours: Int32Array;
  days: string[];
  /** day × 24 + local hour of day of the hour's start. */
  cellOf: Int32Array;
}

const isoDay = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

function buildCalendar(startMs: number, hours: number, timeZone: string): Calendar {
  const dayOf = new Float64Array(hours);
  const hourOf = new Uint8Array(hours);
  const monthOf = new Uint16Array(hours);
  const months: string[] = [];
  const monthIndex = new Map<string, number>();
  let firstDay = Infinity;
  let lastDay = -Infinity;
  let cachedDay = NaN;
  let cachedMonth = 0;
  for (let h = 0; h < hours; h++) {
    const atMs = startMs + h * HOUR_MS;
    // time.ts caches the zone's offset per UTC day, so this is one map lookup per hour.
    const localMs = atMs + zoneOffsetMinutes(timeZone, atMs) * MINUTE_MS;
    const day = Math.floor(localMs / DAY_MS);
    if (day !== cachedDay) {
      const month = isoDay(day).slice(0, 7);
      let index = monthIndex.get(month);
      if (index === undefined) {
        index = months.length;
        months.push(month);
        monthIndex.set(month, index);
      }
      cachedDay = day;
      cachedMonth = index;
    }
    dayOf[h] = day;
    hourOf[h] = Math.floor((localMs - day * DAY_MS) / HOUR_MS);
    monthOf[h] = cachedMonth;
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  const days: string[] = [];
  for (let day = firstDay; day <= lastDay; day++) days.push(isoDay(day));
  const cellOf = new Int32Array(hours);
  const monthHours = new Int32Array(months.length);
  for (let h = 0; h < hours; h++) {
    cellOf[h] = (dayOf[h]! - firstDay) * 24 + hourOf[h]!;
    const m = monthOf[h]!;
    monthHours[m] = monthHours[m]! + 1;
  }
  return { months, monthIndex, monthOf, monthHours, days, cellOf };
}

// ---- storage ------------------------------------------------------------------------------------------------------

/** A storage's parcels in a growable ring buffer, oldest first (FIFO), with running totals. */
class FifoStorage {
  readonly chargeMwh: Float64Array;
  readonly dischargeMwh: Float64Array;
  private readonly eta: number;
  private energy = new Float64Array(16);
  private green = new Float64Array(16);
  private gridGreen = new Float64Array(16);
  private head = 0;
  private size = 0;
  /** The parts of the last discharge. */
  outGreen = 0;
  outGrid = 0;
  outGridGreen = 0;
  outUnknown = 0;
  private readonly totals = {
    chargedMwh: 0,
    chargedGreenMwh: 0,
    chargedGridGreenMwh: 0,
    lossesMwh: 0,
    dischargedMwh: 0,
    dischargedGreenMwh: 0,
    dischargedGridMwh: 0,
    dischargedGridGreenMwh: 0,
    unknownOriginMwh: 0,
  };

  constructor(
    readonly id: string,
    readonly origin: 'own' | 'shared',
    profile: StorageProfile,
  ) {
    this.chargeMwh = profile.chargeMwh;
    this.dischargeMwh = profile.dischargeMwh;
    this.eta = profile.roundTripEfficiency;
  }

  /** Stores a charge of `chargeMwh`, green up to `greenAvailableMwh`, the rest grid at `gridShare`; returns the green taken. */
  charge(chargeMwh: number, greenAvailableMwh: number, gridShare: number): number {
    if (chargeMwh <= 0) return 0;
    const greenMwh =
      greenAvailableMwh <= 0 ? 0 : chargeMwh < greenAvailableMwh ? chargeMwh : greenAvailableMwh;
    const gridGreenMwh = gridShare * (chargeMwh - greenMwh);
    const eta = this.eta;
    if (this.size === this.energy.length) this.grow();
    const tail = (this.head + this.size) % this.energy.length;
    // Losses are taken at charging: the parcel keeps η of every part (standards: net of round-trip losses).
    this.energy[tail] = chargeMwh * eta;
    this.green[tail] = greenMwh * eta;
    this.gridGreen[tail] = gridGreenMwh * eta;
    this.size++;
    const t = this.totals;
    t.chargedMwh += chargeMwh;
    t.chargedGreenMwh += greenMwh;
    t.chargedGridGreenMwh += gridGreenMwh;
    t.lossesMwh += chargeMwh * (1 - eta);
    return greenMwh;
  }

  /** Takes `dischargeMwh` from the oldest parcels; the parts land in the `out…` fields. */
  discharge(dischargeMwh: number): void {
    this.outGreen = this.outGrid = this.outGridGreen = this.outUnknown = 0;
    if (dischargeMwh <= 0) return;
    let need = dischargeMwh;
    const capacity = this.energy.length;
    while (need > 0 && this.size > 0) {
      const i = this.head;
      const e = this.energy[i]!;
      const g = this.green[i]!;
      const gg = this.gridGreen[i]!;
      if (e <= need) {
        this.outGreen += g;
        this.outGrid += e - g;
        this.outGridGreen += gg;
        need -= e;
        this.head = (i + 1) % capacity;
        this.size--;
      } else {
        const f = need / e;
        this.outGreen += g * f;
        this.outGrid += (e - g) * f;
        this.outGridGreen += gg * f;
        this.energy[i] = e - need;
        this.green[i] = g - g * f;
        this.gridGreen[i] = gg - gg * f;
        need = 0;
      }
    }
    // More out than was ever put in: the data started mid-cycle; this energy carries no green attribute.
    if (need > DUST * dischargeMwh) this.outUnknown = need;
    const t = this.totals;
    t.dischargedMwh += dischargeMwh;
    t.dischargedGreenMwh += this.outGreen;
    t.dischargedGridMwh += this.outGrid;
    t.dischargedGridGreenMwh += this.outGridGreen;
    t.unknownOriginMwh += this.outUnknown;
  }

  private grow(): void {
    const n = this.energy.length;
    const copy = (from: Float64Array) => {
      const to = new Float64Array(n * 2);
      for (let k = 0; k < this.size; k++) to[k] = from[(this.head + k) % n]!;
      return to;
    };
    this.energy = copy(this.energy);
    this.green = copy(this.green);
    this.gridGreen = copy(this.gridGreen);
    this.head = 0;
  }

  report(): StorageReport {
    let endStoredMwh = 0;
    let endStoredGreenMwh = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % this.energy.length;
      endStoredMwh += this.energy[i]!;
      endStoredGreenMwh += this.green[i]!;
    }
    return {
      id: this.id,
      origin: this.origin,
      roundTripEfficiency: this.eta,
      ...this.totals,
      endStoredMwh,
      endStoredGreenMwh,
    };
  }
}

// ---- allocation ---------------------------------------------------------------------------------------------------

/** One hourly stream of a shared resource, ready to divide among consumers. */
interface HourlyShare {
  rule: AllocationRule;
  values: Float64Array;
  /** pro_rata: values[h] ÷ park load[h] (0 when the park's load is 0). */
  perLoad: Float64Array | null;
  totalMwh: number;
  unallocatedMwh: number;
}

function hourlyShare(values: Float64Array, rule: AllocationRule, parkLoad: Float64Array): HourlyShare {
  const hours = values.length;
  let totalMwh = 0;
  for (let h = 0; h < hours; h++) totalMwh += values[h]!;
  if (rule.rule === 'contract') {
    const allocated = Object.values(rule.shares).reduce((s, x) => s + x, 0);
    return { rule, values, perLoad: null, totalMwh, unallocatedMwh: Math.max(0, totalMwh * (1 - allocated)) };
  }
  const perLoad = new Float64Array(hours);
  let unallocatedMwh = 0;
  for (let h = 0; h < hours; h++) {
    const load = parkLoad[h]!;
    if (load > 0) perLoad[h] = values[h]! / load;
    else unallocatedMwh += values[h]!; // no load anywhere: nobody to give it to
  }
  return { rule, values, perLoad, totalMwh, unallocatedMwh };
}

/** Adds consumer `id`'s part of `share` to `into` (when given); returns the MWh allocated. */
function allocateHourly(
  share: HourlyShare,
  id: string,
  load: Float64Array,
  into: Float64Array | null,
): number {
  if (share.totalMwh === 0) return 0;
  const hours = load.length;
  let sum = 0;
  const perLoad = share.perLoad;
  if (perLoad) {
    for (let h = 0; h < hours; h++) {
      const a = perLoad[h]! * load[h]!;
      if (into) into[h] = into[h]! + a;
      sum += a;
    }
    return sum;
  }
  const fraction = share.rule.rule === 'contract' ? (share.rule.shares[id] ?? 0) : 0;
  if (fraction === 0) return 0;
  const values = share.values;
  for (let h = 0; h < hours; h++) {
    const a = values[h]! * fraction;
    if (into) into[h] = into[h]! + a;
    sum += a;
  }
  return sum;
}

// ---- matching one party -------------------------------------------------------------------------------------------

interface Context {
  hours: number;
  calendar: Calendar;
  /** Grid carbon-free share per hour (0 when not given). */
  grid: Float64Array;
  gridGiven: boolean;
  cellCfe: Float64Array;
  cellLoad: Float64Array;
}

/** A consumer or the park, with its hourly supply before its own storages. */
interface Party {
  id: string;
  isPark: boolean;
  loadMwh: Float64Array;
  /** S_h: own sources + allocated shared sources + green of allocated shared storage discharge. */
  supplyMwh: Float64Array;
  /** Allocated shared storage discharge of grid origin, its carbon-free part, and of unknown origin (or null). */
  gridInMwh: Float64Array | null;
  gridGreenInMwh: Float64Array | null;
  unknownInMwh: Float64Array | null;
  storages: FifoStorage[];
  /** Monthly instruments and allocated park certificates, by month index. */
  instrumentsMwh: Float64Array;
  /** Supply lines known before matching (sources, shared storage, instruments). */
  lines: SupplyLine[];
  unknownFromSharedMwh: number;
  heatMap: boolean;
  series: boolean;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function figures(
  greenSupplyMwh: number,
  matchedMwh: number,
  surplusMwh: number,
  loadMwh: number,
  withGridMwh: number,
): MethodFigures {
  return {
    greenSupplyMwh,
    matchedMwh,
    surplusMwh,
    matchedShare: share(matchedMwh, loadMwh),
    withGridShare: share(withGridMwh, loadMwh),
  };
}

function matchParty(ctx: Context, party: Party): ConsumerMatching {
  const { hours, calendar, grid } = ctx;
  const { monthOf, cellOf } = calendar;
  const nMonths = calendar.months.length;
  const load = party.loadMwh;
  const supply = party.supplyMwh;
  const gridIn = party.gridInMwh;
  const gridGreenIn = party.gridGreenInMwh;
  const unknownIn = party.unknownInMwh;
  const storages = party.storages;
  const nStorages = storages.length;
  const mLoad = new Float64Array(nMonths);
  const mGreen = new Float64Array(nMonths);
  const mMatched = new Float64Array(nMonths);
  const mCfe = new Float64Array(nMonths);
  const mSurplus = new Float64Array(nMonths);
  const mGridLoad = new Float64Array(nMonths);
  const mUnmatchedHours = new Int32Array(nMonths);
  let greenCharged = 0;
  let unmatchedMwh = 0;
  const { cellCfe, cellLoad } = ctx;
  if (party.heatMap) {
    cellCfe.fill(0);
    cellLoad.fill(0);
  }
  const series: HourlySeries | undefined = party.series
    ? {
        greenSupplyMwh: new Float64Array(hours),
        matchedMwh: new Float64Array(hours),
        cfeMwh: new Float64Array(hours),
        surplusMwh: new Float64Array(hours),
      }
    : undefined;

  for (let h = 0; h < hours; h++) {
    const l = load[h]!;
    const s = supply[h]!;
    const g = grid[h]!;
    let gridE = gridIn ? gridIn[h]! : 0;
    let gridG = gridGreenIn ? gridGreenIn[h]! : 0;
    let unknown = unknownIn ? unknownIn[h]! : 0;
    let charged = 0;
    let discharged = 0;
    if (nStorages > 0) {
      // Charging takes this hour's green surplus first; discharged green is not charged again (no loop).
      const surplus = s > l ? s - l : 0;
      for (let k = 0; k < nStorages; k++) {
        const st = storages[k]!;
        charged += st.charge(st.chargeMwh[h]!, surplus - charged, g);
        st.discharge(st.dischargeMwh[h]!);
        discharged += st.outGreen;
        gridE += st.outGrid;
        gridG += st.outGridGreen;
        unknown += st.outUnknown;
      }
      greenCharged += charged;
    }
    const c = s - charged + discharged;
    const matched = l < c ? l : c;
    let rest = l - matched;
    let cfe = matched;
    if (rest > 0) {
      unmatchedMwh += rest;
      // Stored grid power serves the rest before fresh grid power, carrying its charging hours' share.
      if (gridE > 0) {
        const used = rest < gridE ? rest : gridE;
        cfe += (gridG * used) / gridE;
        rest -= used;
      }
      if (unknown > 0) rest -= rest < unknown ? rest : unknown;
      cfe += g * rest;
    }
    const m = monthOf[h]!;
    mLoad[m] = mLoad[m]! + l;
    mGreen[m] = mGreen[m]! + c;
    mMatched[m] = mMatched[m]! + matched;
    mCfe[m] = mCfe[m]! + cfe;
    mSurplus[m] = mSurplus[m]! + (c - matched);
    mGridLoad[m] = mGridLoad[m]! + g * l;
    if (matched < l * (1 - UNMATCHED_TOLERANCE)) mUnmatchedHours[m] = mUnmatchedHours[m]! + 1;
    if (party.heatMap) {
      const cell = cellOf[h]!;
      cellCfe[cell] = cellCfe[cell]! + cfe;
      cellLoad[cell] = cellLoad[cell]! + l;
    }
    if (series) {
      series.greenSupplyMwh[h] = c;
      series.matchedMwh[h] = matched;
      series.cfeMwh[h] = cfe;
      series.surplusMwh[h] = c - matched;
    }
  }

  // Months, then the period, always summed in month order: monotone rounding keeps annual ≥ monthly ≥ hourly exact.
  const byMonth: MonthMatching[] = [];
  let loadMwh = 0;
  let hourlyGreen = 0;
  let hourlyMatched = 0;
  let hourlySurplus = 0;
  let cfeMwh = 0;
  let monthlyGreen = 0;
  let monthlyMatched = 0;
  let monthlySurplus = 0;
  let monthlyWithGrid = 0;
  let gridLoad = 0;
  let unmatchedHours = 0;
  for (let m = 0; m < nMonths; m++) {
    const l = mLoad[m]!;
    const instruments = party.instrumentsMwh[m]!;
    const green = mGreen[m]! + instruments;
    const matched = l < green ? l : green;
    const gridMean = ctx.gridGiven ? share(mGridLoad[m]!, l) : null;
    byMonth.push({
      month: calendar.months[m]!,
      hours: calendar.monthHours[m]!,
      loadMwh: l,
      hourlyGreenMwh: mGreen[m]!,
      instrumentsMwh: instruments,
      matchedHourlyMwh: mMatched[m]!,
      cfeMwh: mCfe[m]!,
      unmatchedHours: mUnmatchedHours[m]!,
      matchedMonthlyMwh: matched,
      surplusMonthlyMwh: green - matched,
      gridShareMean: gridMean,
    });
    loadMwh += l;
    hourlyGreen += mGreen[m]!;
    hourlyMatched += mMatched[m]!;
    hourlySurplus += mSurplus[m]!;
    cfeMwh += mCfe[m]!;
    monthlyGreen += green;
    monthlyMatched += matched;
    monthlySurplus += green - matched;
    monthlyWithGrid += matched + (gridMean ?? 0) * (l - matched);
    gridLoad += mGridLoad[m]!;
    unmatchedHours += mUnmatchedHours[m]!;
  }
  const annualMatched = loadMwh < monthlyGreen ? loadMwh : monthlyGreen;
  const annualGridMean = share(gridLoad, loadMwh) ?? 0;

  const storageReports = storages.map((st) => st.report());
  const lines = [...party.lines];
  let consumersStorageLine: SupplyLine | undefined;
  for (const st of storageReports) {
    // A consumer's shared-storage lines are its allocations (already in party.lines); the park's are whole.
    if (st.origin === 'shared' && !party.isPark) continue;
    const line: SupplyLine = {
      id: st.id,
      origin: st.origin,
      kind: 'storage_discharge',
      technology: 'storage',
      energyMwh: st.dischargedGreenMwh,
    };
    if (party.isPark && st.origin === 'own') {
      // One line for all the consumers' storages, as for their sources.
      if (consumersStorageLine) consumersStorageLine.energyMwh += line.energyMwh;
      else lines.push((consumersStorageLine = { ...line, id: 'consumers:storage_discharge:storage' }));
    } else lines.push(line);
  }
  const greenSupplyByKindMwh: Record<GreenSupplyKind, number> = {
    onsite: 0,
    direct_supply: 0,
    trade_hourly: 0,
    storage_discharge: 0,
    certificate: 0,
    trade: 0,
  };
  for (const line of lines) greenSupplyByKindMwh[line.kind] += line.energyMwh;

  const result: ConsumerMatching = {
    id: party.id,
    loadMwh,
    greenSupplyByKindMwh,
    supplyLines: lines,
    storageGreenChargedMwh: greenCharged,
    storageLossesMwh: storageReports.reduce((sum, st) => sum + st.lossesMwh, 0),
    unknownOriginMwh:
      party.unknownFromSharedMwh + storageReports.reduce((sum, st) => sum + st.unknownOriginMwh, 0),
    hourly: figures(hourlyGreen, hourlyMatched, hourlySurplus, loadMwh, cfeMwh),
    monthly: figures(monthlyGreen, monthlyMatched, monthlySurplus, loadMwh, monthlyWithGrid),
    annual: figures(
      monthlyGreen,
      annualMatched,
      monthlyGreen - annualMatched,
      loadMwh,
      annualMatched + annualGridMean * (loadMwh - annualMatched),
    ),
    cfeScore: share(cfeMwh, loadMwh),
    unmatched: { hours: unmatchedHours, energyMwh: unmatchedMwh },
    byMonth,
    storages: storageReports,
  };
  if (party.heatMap) {
    const values = new Float32Array(cellCfe.length).fill(NaN);
    for (let cell = 0; cell < values.length; cell++) {
      const l = cellLoad[cell]!;
      if (l > 0) values[cell] = cellCfe[cell]! / l;
    }
    result.heatMap = { days: calendar.days, values };
  }
  if (series) result.series = series;
  return result;
}

// ---- the engine ---------------------------------------------------------------------------------------------------

const selects = (selection: ConsumerSelection | undefined, id: string) =>
  selection === 'all'
    ? true
    : selection === undefined || selection === 'none'
      ? false
      : selection.includes(id);

const sumOf = (values: Float64Array) => {
  let sum = 0;
  for (let h = 0; h < values.length; h++) sum += values[h]!;
  return sum;
};

/** A shared hourly source ready to divide: its output net of what the shared storages drew. */
interface PreparedSource {
  source: SharedHourlySource;
  share: HourlyShare;
  report: SharedResourceReport;
}

/** A shared storage after its FIFO run: the four parts of its discharge, each ready to divide. */
interface PreparedStorage {
  storage: SharedStorage;
  green: HourlyShare;
  grid: HourlyShare;
  gridGreen: HourlyShare;
  unknown: HourlyShare;
  report: SharedResourceReport;
}

/** Park certificates by month index, ready to divide. */
interface PreparedCertificates {
  certificates: SharedCertificates;
  byMonth: Float64Array;
  report: SharedResourceReport;
}

/** A consumer's monthly instruments by month index, and one supply line per instrument id. */
type InstrumentsByConsumer = Map<string, { byMonth: Float64Array; lines: Map<string, SupplyLine> }>;

const basisOf = (rule: AllocationRule, hourly: boolean): SharedResourceReport['basis'] =>
  rule.rule === 'contract' ? 'fixed_shares' : hourly ? 'hourly_load' : 'monthly_load';

/** Runs the shared storages on the shared sources (before division) and prepares both for division. */
function prepareSharedHourly(
  input: MatchingInput,
  grid: Float64Array,
  parkLoad: Float64Array,
): { sources: PreparedSource[]; storages: PreparedStorage[] } {
  const hours = parkLoad.length;
  const sharedSources = input.shared?.sources ?? [];
  const sharedStorages = input.shared?.storages ?? [];
  const sharedTotal = new Float64Array(hours);
  for (const source of sharedSources) {
    for (let h = 0; h < hours; h++) sharedTotal[h] = sharedTotal[h]! + source.energyMwh[h]!;
  }
  // One storage after another, each charging from what the earlier ones left.
  const available = Float64Array.from(sharedTotal);
  const storages = sharedStorages.map((storage): PreparedStorage => {
    const st = new FifoStorage(storage.id, 'shared', storage);
    const green = new Float64Array(hours);
    const gridPart = new Float64Array(hours);
    const gridGreen = new Float64Array(hours);
    const unknown = new Float64Array(hours);
    for (let h = 0; h < hours; h++) {
      available[h] = available[h]! - st.charge(storage.chargeMwh[h]!, available[h]!, grid[h]!);
      st.discharge(storage.dischargeMwh[h]!);
      green[h] = st.outGreen;
      gridPart[h] = st.outGrid;
      gridGreen[h] = st.outGridGreen;
      unknown[h] = st.outUnknown;
    }
    const rule = storage.allocation;
    const greenShare = hourlyShare(green, rule, parkLoad);
    return {
      storage,
      green: greenShare,
      grid: hourlyShare(gridPart, rule, parkLoad),
      gridGreen: hourlyShare(gridGreen, rule, parkLoad),
      unknown: hourlyShare(unknown, rule, parkLoad),
      report: {
        id: storage.id,
        resource: 'storage',
        rule: rule.rule,
        basis: basisOf(rule, true),
        totalMwh: greenShare.totalMwh,
        drawnToStorageMwh: 0,
        allocatedMwh: {},
        unallocatedMwh: greenShare.unallocatedMwh,
        storage: st.report(),
      },
    };
  });
  const sources = sharedSources.map((source): PreparedSource => {
    let values = source.energyMwh;
    let drawnMwh = 0;
    if (sharedStorages.length > 0) {
      // Each shared source gives up the same fraction of its hour's output to the storages.
      values = new Float64Array(hours);
      for (let h = 0; h < hours; h++) {
        const total = sharedTotal[h]!;
        const v = source.energyMwh[h]!;
        values[h] = total > 0 ? (v * available[h]!) / total : 0;
        drawnMwh += v - values[h]!;
      }
    }
    const share = hourlyShare(values, source.allocation, parkLoad);
    return {
      source,
      share,
      report: {
        id: source.id,
        resource: 'source',
        rule: source.allocation.rule,
        basis: basisOf(source.allocation, true),
        totalMwh: share.totalMwh + drawnMwh,
        drawnToStorageMwh: drawnMwh,
        allocatedMwh: {},
        unallocatedMwh: share.unallocatedMwh,
      },
    };
  });
  return { sources, storages };
}

/** Park certificates by month, with what no consumer gets (contract rest; months without load when pro rata). */
function prepareCertificates(
  input: MatchingInput,
  calendar: Calendar,
  parkMonthLoad: Float64Array,
): PreparedCertificates[] {
  return (input.shared?.certificates ?? []).map((certificates) => {
    const byMonth = new Float64Array(calendar.months.length);
    for (const [month, mwh] of Object.entries(certificates.monthlyMwh)) {
      byMonth[calendar.monthIndex.get(month)!] = mwh; // object keys are unique
    }
    const rule = certificates.allocation;
    const contracted = rule.rule === 'contract' ? Object.values(rule.shares).reduce((s, x) => s + x, 0) : 0;
    let unallocatedMwh = 0;
    for (let m = 0; m < byMonth.length; m++) {
      if (rule.rule === 'contract') unallocatedMwh += Math.max(0, byMonth[m]! * (1 - contracted));
      else if (!(parkMonthLoad[m]! > 0)) unallocatedMwh += byMonth[m]!;
    }
    return {
      certificates,
      byMonth,
      report: {
        id: certificates.id,
        resource: 'certificates',
        rule: rule.rule,
        basis: basisOf(rule, false),
        totalMwh: sumOf(byMonth),
        drawnToStorageMwh: 0,
        allocatedMwh: {},
        unallocatedMwh,
      },
    };
  });
}

function groupInstruments(input: MatchingInput, calendar: Calendar): InstrumentsByConsumer {
  const byConsumer: InstrumentsByConsumer = new Map();
  for (const instrument of input.instruments ?? []) {
    let entry = byConsumer.get(instrument.consumerId);
    if (!entry) {
      entry = { byMonth: new Float64Array(calendar.months.length), lines: new Map() };
      byConsumer.set(instrument.consumerId, entry);
    }
    const m = calendar.monthIndex.get(instrument.month)!;
    entry.byMonth[m] = entry.byMonth[m]! + instrument.energyMwh;
    const line = entry.lines.get(instrument.id);
    if (line) line.energyMwh += instrument.energyMwh;
    else {
      entry.lines.set(instrument.id, {
        id: instrument.id,
        origin: 'instrument',
        kind: instrument.kind,
        technology: instrument.technology ?? 'unspecified',
        energyMwh: instrument.energyMwh,
      });
    }
  }
  return byConsumer;
}

/** Arrays reused by every consumer: a year for 1,000 consumers must not hold 1,000 copies. */
interface Scratch {
  supply: Float64Array;
  gridIn: Float64Array | null;
  gridGreenIn: Float64Array | null;
  unknownIn: Float64Array | null;
}

/** A consumer's party: own sources plus its part of every shared resource, recorded in the shared reports. */
function consumerParty(
  consumer: MatchingConsumer,
  monthLoad: Float64Array,
  parkMonthLoad: Float64Array,
  shared: { sources: PreparedSource[]; storages: PreparedStorage[]; certificates: PreparedCertificates[] },
  instruments: InstrumentsByConsumer,
  scratch: Scratch,
  options: NonNullable<MatchingInput['options']>,
): Party {
  const { id, loadMwh: load } = consumer;
  const { supply, gridIn, gridGreenIn, unknownIn } = scratch;
  const hours = load.length;
  const lines: SupplyLine[] = [];
  supply.fill(0);
  for (const { id: sourceId, kind, technology, energyMwh: values } of consumer.sources ?? []) {
    let sum = 0;
    for (let h = 0; h < hours; h++) {
      supply[h] = supply[h]! + values[h]!;
      sum += values[h]!;
    }
    lines.push({ id: sourceId, origin: 'own', kind, technology, energyMwh: sum });
  }
  for (const { source, share: part, report } of shared.sources) {
    const mwh = allocateHourly(part, id, load, supply);
    report.allocatedMwh[id] = mwh;
    if (mwh > 0) {
      const { kind, technology } = source;
      lines.push({ id: source.id, origin: 'shared', kind, technology, energyMwh: mwh });
    }
  }
  let unknownFromSharedMwh = 0;
  if (gridIn && gridGreenIn && unknownIn) {
    gridIn.fill(0);
    gridGreenIn.fill(0);
    unknownIn.fill(0);
    for (const run of shared.storages) {
      const mwh = allocateHourly(run.green, id, load, supply);
      run.report.allocatedMwh[id] = mwh;
      allocateHourly(run.grid, id, load, gridIn);
      allocateHourly(run.gridGreen, id, load, gridGreenIn);
      unknownFromSharedMwh += allocateHourly(run.unknown, id, load, unknownIn);
      if (mwh > 0) {
        lines.push({
          id: run.storage.id,
          origin: 'shared',
          kind: 'storage_discharge',
          technology: 'storage',
          energyMwh: mwh,
        });
      }
    }
  }
  const own = instruments.get(id);
  const instrumentsMwh = own ? Float64Array.from(own.byMonth) : new Float64Array(monthLoad.length);
  for (const { certificates, byMonth, report } of shared.certificates) {
    const rule = certificates.allocation;
    let mwh = 0;
    for (let m = 0; m < byMonth.length; m++) {
      const parkMonth = parkMonthLoad[m]!;
      const a =
        rule.rule === 'contract'
          ? byMonth[m]! * (rule.shares[id] ?? 0)
          : parkMonth > 0
            ? (byMonth[m]! * monthLoad[m]!) / parkMonth
            : 0;
      instrumentsMwh[m] = instrumentsMwh[m]! + a;
      mwh += a;
    }
    report.allocatedMwh[id] = mwh;
    if (mwh > 0) {
      lines.push({
        id: certificates.id,
        origin: 'shared',
        kind: 'certificate',
        technology: certificates.technology ?? 'unspecified',
        energyMwh: mwh,
      });
    }
  }
  if (own) lines.push(...own.lines.values());
  return {
    id,
    isPark: false,
    loadMwh: load,
    supplyMwh: supply,
    gridInMwh: gridIn,
    gridGreenInMwh: gridGreenIn,
    unknownInMwh: unknownIn,
    storages: (consumer.storages ?? []).map((storage) => new FifoStorage(storage.id, 'own', storage)),
    instrumentsMwh,
    lines,
    unknownFromSharedMwh,
    heatMap: selects(options.heatMaps, id),
    series: selects(options.series, id),
  };
}

function checkPeriod(startMs: number, hours: number, timeZone: string): void {
  if (!Number.isSafeInteger(hours) || hours <= 0)
    bad(`hours is ${hours}, expected a positive integer`, 'hours');
  if (!Number.isSafeInteger(startMs)) bad(`startMs is ${startMs}, expected epoch milliseconds`, 'startMs');
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) {
    bad(`timeZone "${String(timeZone)}" is not a known IANA time zone`, 'timeZone');
  }
  if (localBucketStart(startMs, 'hour', timeZone) !== startMs) {
    bad(`startMs ${new Date(startMs).toISOString()} does not start an hour in ${timeZone}`, 'startMs');
  }
}

/** The grid's carbon-free share of every hour (0 when not given). */
function hourlyGridShare(input: MatchingInput, calendar: Calendar): Float64Array {
  const grid = new Float64Array(input.hours);
  const given = input.gridGreenShare;
  if (given?.resolution === 'hourly') grid.set(given.share);
  else if (given?.resolution === 'monthly') {
    const byMonth = calendar.months.map((m) => given.share[m]!);
    for (let h = 0; h < input.hours; h++) grid[h] = byMonth[calendar.monthOf[h]!]!;
  }
  return grid;
}

/**
 * Matches each consumer's and the park's hourly load with green supply: hourly (24/7 CFE), monthly and annual shares,
 * shared resources divided by their rules, storage by FIFO parcels. Throws `AppError('BAD_INPUT')` naming the consumer
 * or resource and field of any inconsistent input.
 * @example
 * const result = matchGreenSupply({ startMs, hours: 8760, timeZone: 'Asia/Shanghai', consumers: [{ id: 'e1', loadMwh }] });
 * result.park.cfeScore; // Σ CFE_h ÷ Σ L_h of the park as one consumer
 */
export function matchGreenSupply(input: MatchingInput): MatchingResult {
  const { startMs, hours, timeZone, consumers } = input;
  checkPeriod(startMs, hours, timeZone);
  const calendar = buildCalendar(startMs, hours, timeZone);
  validate(input, calendar.monthIndex);
  const nMonths = calendar.months.length;
  const grid = hourlyGridShare(input, calendar);

  // The park's load per hour and each consumer's per month: the bases of pro-rata division.
  const parkLoad = new Float64Array(hours);
  const parkMonthLoad = new Float64Array(nMonths);
  const consumerMonthLoad = consumers.map(({ loadMwh: load }) => {
    const byMonth = new Float64Array(nMonths);
    for (let h = 0; h < hours; h++) {
      parkLoad[h] = parkLoad[h]! + load[h]!;
      const m = calendar.monthOf[h]!;
      byMonth[m] = byMonth[m]! + load[h]!;
    }
    for (let m = 0; m < nMonths; m++) parkMonthLoad[m] = parkMonthLoad[m]! + byMonth[m]!;
    return byMonth;
  });

  const shared = {
    ...prepareSharedHourly(input, grid, parkLoad),
    certificates: prepareCertificates(input, calendar, parkMonthLoad),
  };
  const instruments = groupInstruments(input, calendar);
  const ctx: Context = {
    hours,
    calendar,
    grid,
    gridGiven: input.gridGreenShare !== undefined,
    cellCfe: new Float64Array(calendar.days.length * 24),
    cellLoad: new Float64Array(calendar.days.length * 24),
  };
  const hasSharedStorage = shared.storages.length > 0;
  const scratch: Scratch = {
    supply: new Float64Array(hours),
    gridIn: hasSharedStorage ? new Float64Array(hours) : null,
    gridGreenIn: hasSharedStorage ? new Float64Array(hours) : null,
    unknownIn: hasSharedStorage ? new Float64Array(hours) : null,
  };
  const options = input.options ?? {};
  const consumerResults = consumers.map((consumer, i) =>
    matchParty(
      ctx,
      consumerParty(consumer, consumerMonthLoad[i]!, parkMonthLoad, shared, instruments, scratch, options),
    ),
  );
  const park = matchParty(
    ctx,
    parkParty(input, calendar, parkLoad, scratch.supply, shared.certificates, instruments),
  );

  const reports = [
    ...shared.sources.map((x) => x.report),
    ...shared.storages.map((x) => x.report),
    ...shared.certificates.map((x) => x.report),
  ];
  const gridInput = input.gridGreenShare;
  const rules: MatchingRules = {
    hourly: 'cfe-24x7-no-carry-over',
    storage: 'fifo-net-of-losses',
    instruments: 'monthly-and-annual-only',
    park: 'single-consumer-aggregate',
    allocation: reports.map((r) => ({ resourceId: r.id, resource: r.resource, rule: r.rule })),
    gridShare: gridInput
      ? { given: true, resolution: gridInput.resolution, source: gridInput.source, note: null }
      : { given: false, resolution: null, source: null, note: GRID_NOT_GIVEN },
  };
  return {
    method: GREEN_MATCHING_METHOD,
    rules,
    period: { startMs, endMs: startMs + hours * HOUR_MS, hours, timeZone, months: calendar.months },
    consumers: consumerResults,
    park,
    shared: reports,
  };
}

/** The park as one consumer: every load, every source (own and shared, undivided), storage and instrument. */
function parkParty(
  input: MatchingInput,
  calendar: Calendar,
  parkLoad: Float64Array,
  supply: Float64Array,
  certificateRuns: PreparedCertificates[],
  instrumentsOf: InstrumentsByConsumer,
): Party {
  const hours = parkLoad.length;
  const lines = new Map<string, SupplyLine>();
  /** Consumers' sources and instruments are summed by kind and technology (a line per source would be 1,000s). */
  const addLine = (line: SupplyLine) => {
    const existing = lines.get(line.id);
    if (existing) existing.energyMwh += line.energyMwh;
    else lines.set(line.id, { ...line });
  };
  supply.fill(0);
  const addSource = (values: Float64Array) => {
    let sum = 0;
    for (let h = 0; h < hours; h++) {
      supply[h] = supply[h]! + values[h]!;
      sum += values[h]!;
    }
    return sum;
  };
  for (const source of input.shared?.sources ?? []) {
    const { id, kind, technology } = source;
    addLine({ id, origin: 'shared', kind, technology, energyMwh: addSource(source.energyMwh) });
  }
  for (const consumer of input.consumers) {
    for (const { kind, technology, energyMwh } of consumer.sources ?? []) {
      addLine({
        id: `consumers:${kind}:${technology}`,
        origin: 'own',
        kind,
        technology,
        energyMwh: addSource(energyMwh),
      });
    }
  }
  const instrumentsMwh = new Float64Array(calendar.months.length);
  for (const { certificates, byMonth } of certificateRuns) {
    for (let m = 0; m < byMonth.length; m++) instrumentsMwh[m] = instrumentsMwh[m]! + byMonth[m]!;
    addLine({
      id: certificates.id,
      origin: 'shared',
      kind: 'certificate',
      technology: certificates.technology ?? 'unspecified',
      energyMwh: sumOf(byMonth),
    });
  }
  for (const { byMonth, lines: own } of instrumentsOf.values()) {
    for (let m = 0; m < byMonth.length; m++) instrumentsMwh[m] = instrumentsMwh[m]! + byMonth[m]!;
    for (const line of own.values()) addLine({ ...line, id: `instruments:${line.kind}:${line.technology}` });
  }
  // Shared storages first, as in the consumers' view where they draw before the shared sources are divided.
  const storages = [
    ...(input.shared?.storages ?? []).map((storage) => new FifoStorage(storage.id, 'shared', storage)),
    ...input.consumers.flatMap((consumer) =>
      (consumer.storages ?? []).map(
        (storage) => new FifoStorage(`${consumer.id}/${storage.id}`, 'own', storage),
      ),
    ),
  ];
  const options = input.options ?? {};
  return {
    id: PARK_ID,
    isPark: true,
    loadMwh: parkLoad,
    supplyMwh: supply,
    gridInMwh: null,
    gridGreenInMwh: null,
    unknownInMwh: null,
    storages,
    instrumentsMwh,
    lines: [...lines.values()],
    unknownFromSharedMwh: 0,
    heatMap: options.parkHeatMap ?? true,
    series: options.parkSeries ?? false,
  };
}

// ---- JSON ---------------------------------------------------------------------------------------------------------

/** A heat map as `values[day][hour]` rounded to `decimals`, null where the load is 0. */
export function heatMapToJson(map: HeatMap, decimals = 4): HeatMapJson {
  const scale = 10 ** decimals;
  return {
    days: [...map.days],
    values: map.days.map((_, day) => {
      const row: (number | null)[] = [];
      for (let hour = 0; hour < 24; hour++) {
        const v = map.values[day * 24 + hour]!;
        row.push(Number.isNaN(v) ? null : Math.round(v * scale) / scale);
      }
      return row;
    }),
  };
}

function consumerToJson(consumer: ConsumerMatching): ConsumerMatchingJson {
  const { heatMap, series, ...rest } = consumer;
  const json: ConsumerMatchingJson = rest;
  if (heatMap) json.heatMap = heatMapToJson(heatMap);
  if (series) {
    json.series = {
      greenSupplyMwh: Array.from(series.greenSupplyMwh),
      matchedMwh: Array.from(series.matchedMwh),
      cfeMwh: Array.from(series.cfeMwh),
      surplusMwh: Array.from(series.surplusMwh),
    };
  }
  return json;
}

/** A matching result with its typed arrays turned into plain arrays, ready for JSON.stringify. */
export function matchingResultToJson(result: MatchingResult): MatchingResultJson {
  return { ...result, consumers: result.consumers.map(consumerToJson), park: consumerToJson(result.park) };
}

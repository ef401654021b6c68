/**
 * Synthetic 15-minute readings for the demo park, as its meters would send them: registers, interval quantities and
 * power samples with realistic daily, weekly and seasonal shapes, plus the deliberate faults of demo-faults.ts.
 *
 * Pure and deterministic: every random draw is mulberry32 at a counter derived from (meter, instant), so a reading does
 * not depend on how many came before it, and two runs with the same park and options give the same stream.
 */
import { AppError } from '../../lib/errors.ts';
import { SLOT_MS, formatLocal, parseDateOrInstant, zoneOffsetMinutes } from '../../lib/time.ts';
import type { Carrier, Meter, ParkDefinition } from '../registry/index.ts';
import {
  DEMO_EPOCH,
  DEMO_EPOCH_MS,
  SCHEDULED_LOADS,
  planFaults,
  scheduledRateKw,
  scheduledRegisterRaw,
  type DemoDataPlan,
  type FaultEffect,
  type ScheduledLoad,
} from './demo-faults.ts';
import { CAPACITY_HEADROOM, DEMO_SITE_PROFILES, PV_DC_AC_RATIO, STORAGE_HOURS } from './demo-park.ts';
import {
  DAILY_VARIATION,
  PROFILE_KINDS,
  READING_NOISE,
  drynessOf,
  fillShapes,
  profileForIndustry,
  profileIndex,
  seasonLevel,
  solarState,
  type DayFacts,
  type ProfileKind,
  type SolarState,
} from './demo-profiles.ts';
import { DAY_MS, dayTypeOf, weekdayOf } from './demo-time.ts';
import { hashSeed, triangularAt, uniformAt } from '../../lib/random.ts';

export type { DemoDataPlan, DemoFault } from './demo-faults.ts';

/** One reading as a meter or gateway sends it; `value` is raw (before the multiplier). */
export interface DemoReading {
  meter: string;
  /** ISO 8601 with the park's offset, e.g. 2025-01-01T00:15:00+08:00. */
  at: string;
  value: number;
  unit?: string;
}

/** Options shared by the generator, the plan and the CSV writer. */
export interface DemoReadingOptions {
  /** Whole days to generate, default 365. */
  days?: number;
  /** First instant, on the 15-minute grid and not before 2025-01-01 (when the demo meters were installed). */
  startAt?: string;
}

/** Readings per yielded chunk. */
export const DEMO_CHUNK_SIZE = 50_000;
const SLOTS_PER_DAY = 96;
const HOURS_PER_SLOT = 0.25;
/** Registers carry three decimals: counts are integers in thousandths of a raw unit. */
const REGISTER_SCALE = 1000;
/** Fixed-tilt PV arrays face south at about the latitude less a few degrees. */
const PV_TILT_DEG = 22;
/** Performance ratio of the PV plants (inverter, wiring, soiling, temperature — mild on the plateau). */
const PV_PERFORMANCE_RATIO = 0.8;
const STORAGE_ROUND_TRIP = 0.86;

const KIND_CUMULATIVE = 0;
const KIND_INTERVAL = 1;
const KIND_POWER = 2;

const SOURCE_PROFILE = 0;
const SOURCE_PV = 1;
const SOURCE_CHARGE = 2;
const SOURCE_DISCHARGE = 3;
const SOURCE_SPARSE = 4;
const SOURCE_SCHEDULED = 5;
const SOURCE_SUM = 6;
const SOURCE_GENSET = 7;

/** Fuel deliveries and dispensing: events per day within local hours [fromHour, toHour). */
const SPARSE_EVENTS: Readonly<
  Partial<Record<Carrier, { fromHour: number; toHour: number; perDay: number; restFactor: number }>>
> = {
  coal: { fromHour: 7, toHour: 19, perDay: 2.2, restFactor: 1 },
  coke: { fromHour: 8, toHour: 18, perDay: 1, restFactor: 1 },
  fuel_oil: { fromHour: 9, toHour: 17, perDay: 1 / 30, restFactor: 1 },
  diesel: { fromHour: 6, toHour: 22, perDay: 18, restFactor: 0.6 },
  gasoline: { fromHour: 7, toHour: 20, perDay: 3, restFactor: 0.6 },
  hydrogen: { fromHour: 6, toHour: 22, perDay: 10, restFactor: 0.6 },
  lpg: { fromHour: 9, toHour: 11, perDay: 1 / 3, restFactor: 0.5 },
};

const NOISE_BY_CARRIER: Readonly<Partial<Record<Carrier, number>>> = {
  water: 3,
  natural_gas: 1.5,
  steam: 1.5,
  heat: 1.5,
  cooling: 1.5,
  compressed_air: 1.5,
};

/** Seed salts: each use of randomness draws from its own stream. */
const SALT_NOISE = 0x1b873593;
const SALT_SHAPE = 0x2c1b3c6d;
const SALT_LOSS = 0x297a2d39;
const SALT_REGISTER = 0x68e31da4;
const SALT_EVENT = 0x3c6ef372;
const SALT_QUANTITY = 0x5851f42d;
const SALT_CLOUD_DAY = 0x4f1bbcdc;
const SALT_CLOUD_SLOT = 0x7a3c5e1f;

interface Range {
  startMs: number;
  endMs: number;
  days: number;
  slots: number;
}

function resolveRange(park: ParkDefinition, options: DemoReadingOptions): Range {
  const days = options.days ?? 365;
  if (!Number.isInteger(days) || days < 1) {
    throw new AppError('BAD_INPUT', `days must be a whole number of at least 1, got ${String(days)}`);
  }
  const startText = options.startAt ?? DEMO_EPOCH;
  const parsed = parseDateOrInstant(startText, park.park.timezone);
  if (!parsed.ok) throw new AppError('BAD_INPUT', `startAt "${startText}": ${parsed.reason}`);
  const startMs = parsed.atMs;
  if (startMs < DEMO_EPOCH_MS || (startMs - DEMO_EPOCH_MS) % SLOT_MS !== 0) {
    throw new AppError(
      'BAD_INPUT',
      `startAt "${startText}" must be on the 15-minute grid and not before ${DEMO_EPOCH} (the demo meters' installation)`,
    );
  }
  const slots = days * SLOTS_PER_DAY;
  return { startMs, endMs: startMs + slots * SLOT_MS, days, slots };
}

/** The time range and the faults (with their hand-checkable expected values) of a generated data set. */
export function demoDataPlan(park: ParkDefinition, options: DemoReadingOptions = {}): DemoDataPlan {
  const range = resolveRange(park, options);
  const { faults } = planFaults(
    new Map(park.meters.map((m) => [m.id, m])),
    range.startMs,
    range.endMs,
    park.park.timezone,
  );
  return { startAt: formatLocal(range.startMs, park.park.timezone), days: range.days, faults };
}

/** Day-level facts, computed once per park-local day. */
interface DayState {
  number: number;
  facts: DayFacts;
  dayOfYear: number;
  dayOfMonth: number;
  weekday: number;
  clearness: number;
  /** Storage midday charge as a share of full: less PV surplus on cloudy days. */
  storageShare: number;
  organisationFactor: Float64Array;
  season: Float64Array;
}

/** One instant's park-local time, sun and shapes. */
interface Moment {
  hour: number;
  day: DayState;
  solar: SolarState;
  shapes: Float64Array;
}

/** Per-meter model: how each meter's true quantity arises, in flat arrays for speed. */
interface Model {
  meters: readonly Meter[];
  n: number;
  kind: Uint8Array;
  source: Uint8Array;
  multiplier: Float64Array;
  /** Peak rate for profile meters; capacity for PV, storage and fuel meters. Engineering units per hour. */
  scale: Float64Array;
  beta: Float64Array;
  noise: Float64Array;
  profile: Uint8Array;
  organisation: Uint16Array;
  seed: Uint32Array;
  loss: Float64Array;
  scheduled: (ScheduledLoad | undefined)[];
  sparse: ({ fromHour: number; toHour: number; perDay: number; restFactor: number } | undefined)[];
  childStart: Int32Array;
  childList: Int32Array;
  /** Computation order: every meter after the meters summed into it. */
  order: Int32Array;
  organisationKinds: ProfileKind[];
  organisationSeeds: Uint32Array;
  rollover: Float64Array;
  replacements: { atMs: number; offsetCount: number }[][];
}

function buildModel(park: ParkDefinition): Model {
  const meters = park.meters;
  const n = meters.length;
  const index = new Map(meters.map((m, i) => [m.id, i]));
  const organisationIndex = new Map(park.organisations.map((o, i) => [o.id, i]));
  const organisationKinds = park.organisations.map((o) => profileForIndustry(o.industryCode));
  const organisationSeeds = Uint32Array.from(park.organisations, (o) => hashSeed(`${park.park.id}/${o.id}`));
  const model: Model = {
    meters,
    n,
    kind: new Uint8Array(n),
    source: new Uint8Array(n),
    multiplier: new Float64Array(n),
    scale: new Float64Array(n),
    beta: new Float64Array(n),
    noise: new Float64Array(n),
    profile: new Uint8Array(n),
    organisation: new Uint16Array(n),
    seed: new Uint32Array(n),
    loss: new Float64Array(n),
    scheduled: new Array<ScheduledLoad | undefined>(n),
    sparse: new Array<(typeof SPARSE_EVENTS)[Carrier]>(n),
    childStart: new Int32Array(n + 1),
    childList: new Int32Array(0),
    order: new Int32Array(n),
    organisationKinds,
    organisationSeeds,
    rollover: new Float64Array(n),
    replacements: [],
  };

  // Children: same-carrier sub-meters; an export of a non-electric carrier is fed by the park's imports of it.
  const children: number[][] = meters.map(() => []);
  meters.forEach((m, i) => {
    const p = m.parent === undefined ? undefined : index.get(m.parent);
    if (p !== undefined && meters[p]?.carrier === m.carrier && meters[p]?.readingKind !== 'power')
      children[p]?.push(i);
  });
  meters.forEach((m, i) => {
    if (
      m.role !== 'export' ||
      m.carrier === 'electricity' ||
      m.readingKind === 'power' ||
      children[i]?.length
    )
      return;
    meters.forEach((other, j) => {
      if (other.role === 'import' && other.carrier === m.carrier && other.organisation !== m.organisation) {
        children[i]?.push(j);
      }
    });
  });
  const flat: number[] = [];
  children.forEach((list, i) => {
    model.childStart[i] = flat.length;
    flat.push(...list);
  });
  model.childStart[n] = flat.length;
  model.childList = Int32Array.from(flat);

  // Post-order: children before the meters that sum them.
  const state = new Uint8Array(n);
  let at = 0;
  const visit = (i: number) => {
    if (state[i] === 2) return;
    if (state[i] === 1)
      throw new AppError('BAD_INPUT', `meter tree has a cycle through ${meters[i]?.id ?? i}`);
    state[i] = 1;
    for (const c of children[i] ?? []) visit(c);
    state[i] = 2;
    model.order[at++] = i;
  };
  for (let i = 0; i < n; i++) visit(i);

  const site = new Map((park.sites ?? []).map((s) => [s.id, s]));
  meters.forEach((m, i) => {
    const seed = hashSeed(`${park.park.id}/${m.id}`);
    const org = organisationIndex.get(m.organisation) ?? 0;
    const capacity = m.capacity ?? 100;
    const kindName: ProfileKind =
      (m.site !== undefined && site.has(m.site) ? DEMO_SITE_PROFILES[m.site] : undefined) ??
      (m.carrier === 'cooling' ? 'cooling' : (organisationKinds[org] ?? 'flat'));
    model.kind[i] =
      m.readingKind === 'cumulative'
        ? KIND_CUMULATIVE
        : m.readingKind === 'interval'
          ? KIND_INTERVAL
          : KIND_POWER;
    model.multiplier[i] = m.multiplier ?? 1;
    model.seed[i] = seed;
    model.organisation[i] = org;
    model.profile[i] = profileIndex(kindName);
    model.rollover[i] = m.rolloverAt ?? 0;
    model.replacements[i] = (m.replacements ?? [])
      .map((r) => {
        const parsed = parseDateOrInstant(r.at, park.park.timezone);
        if (!parsed.ok)
          throw new AppError('BAD_INPUT', `meter ${m.id}: replacement at "${r.at}": ${parsed.reason}`);
        return {
          atMs: parsed.atMs,
          offsetCount: Math.round((r.newInitialReading - r.oldFinalReading) * REGISTER_SCALE),
        };
      })
      .sort((a, b) => a.atMs - b.atMs);
    const hasChildren = (model.childStart[i + 1] ?? 0) > (model.childStart[i] ?? 0);
    const scheduledLoad = SCHEDULED_LOADS[m.id];
    const sparse = SPARSE_EVENTS[m.carrier];
    if (hasChildren && m.readingKind !== 'power') {
      model.source[i] = SOURCE_SUM;
      // Unmetered loads and losses: 4–13 % on top of the sub-meters, varying ±25 % from slot to slot.
      model.loss[i] = 0.04 + 0.09 * uniformAt(seed, SALT_LOSS);
    } else if (scheduledLoad) {
      model.source[i] = SOURCE_SCHEDULED;
      model.scheduled[i] = scheduledLoad;
    } else if (m.role === 'generation' && m.technology === 'pv') {
      model.source[i] = SOURCE_PV;
      model.scale[i] = capacity;
    } else if (m.role === 'storage_charge' || m.role === 'storage_discharge') {
      model.source[i] = m.role === 'storage_charge' ? SOURCE_CHARGE : SOURCE_DISCHARGE;
      model.scale[i] = capacity;
    } else if (m.readingKind === 'interval' && m.carrier === 'diesel' && kindName === 'data_centre') {
      model.source[i] = SOURCE_GENSET;
      model.scale[i] = capacity;
    } else if (m.readingKind === 'interval' && sparse) {
      model.source[i] = SOURCE_SPARSE;
      model.sparse[i] = sparse;
      model.scale[i] = capacity;
    } else {
      model.source[i] = SOURCE_PROFILE;
      model.scale[i] = capacity / CAPACITY_HEADROOM;
      const mixes = kindName !== 'aluminium' && kindName !== 'silicon' && kindName !== 'street_lighting';
      model.beta[i] = mixes ? 0.25 * uniformAt(seed, SALT_SHAPE) : 0;
      model.noise[i] = Math.min(0.1, READING_NOISE[kindName] * (NOISE_BY_CARRIER[m.carrier] ?? 1));
    }
  });
  return model;
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/**
 * Yields the readings in chunks of about {@link DEMO_CHUNK_SIZE}, in time order across meters (every meter's reading
 * for one instant, then the next instant), as meters would send them; withheld late readings come last, in their own
 * chunk. Cumulative registers read at every instant from startAt to the end inclusive, interval meters from the end
 * of the first interval, power meters from startAt to the last instant before the end.
 */
export function* generateDemoReadings(
  park: ParkDefinition,
  options: DemoReadingOptions = {},
): Generator<DemoReading[], void, undefined> {
  const range = resolveRange(park, options);
  const timeZone = park.park.timezone;
  const { latitude, longitude } = park.park.location;
  const model = buildModel(park);
  const { n, kind, source, multiplier, scale, beta, noise, profile, organisation, seed, loss } = model;
  const { childStart, childList, order, rollover } = model;
  const { effects } = planFaults(
    new Map(park.meters.map((m) => [m.id, m])),
    range.startMs,
    range.endMs,
    timeZone,
  );
  const meterIndex = new Map(park.meters.map((m, i) => [m.id, i]));
  const effectsOf: FaultEffect[][] = park.meters.map(() => []);
  for (const effect of effects) {
    const i = meterIndex.get(effect.meter);
    if (i !== undefined) effectsOf[i]?.push(effect);
  }
  const special = Uint8Array.from(park.meters, (m, i) =>
    (effectsOf[i]?.length ?? 0) > 0 || (m.replacements?.length ?? 0) > 0 ? 1 : 0,
  );
  const units = park.meters.map((m) => m.unit);
  const ids = park.meters.map((m) => m.id);
  const weatherSeed = hashSeed(`${park.park.id}/weather`);

  // ---- day and instant context ----
  const dayCache = new Map<number, DayState>();
  const dayState = (dayNumber: number): DayState => {
    const cached = dayCache.get(dayNumber);
    if (cached) return cached;
    if (dayCache.size > 4) dayCache.clear();
    const date = new Date(dayNumber * DAY_MS);
    const month = date.getUTCMonth() + 1;
    const dayOfYear = Math.round((dayNumber * DAY_MS - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS);
    const facts: DayFacts = {
      type: dayTypeOf(dayNumber),
      month,
      dryness: drynessOf(month),
      summer: 0.5 - 0.5 * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365),
    };
    // Dry season: mostly clear; core wet season: often overcast.
    const clearLow = 0.2 + 0.48 * facts.dryness;
    const clearSpan = 0.55 - 0.3 * facts.dryness;
    const clearness = clearLow + clearSpan * uniformAt(weatherSeed ^ SALT_CLOUD_DAY, dayNumber);
    const organisationFactor = Float64Array.from(
      model.organisationKinds,
      (k, o) => 1 + DAILY_VARIATION[k] * triangularAt(model.organisationSeeds[o] ?? 0, dayNumber),
    );
    const state: DayState = {
      number: dayNumber,
      facts,
      dayOfYear,
      dayOfMonth: date.getUTCDate(),
      weekday: weekdayOf(dayNumber),
      clearness,
      storageShare: Math.min(1, clearness / 0.75),
      organisationFactor,
      season: Float64Array.from(PROFILE_KINDS, (k) => seasonLevel(k, facts)),
    };
    dayCache.set(dayNumber, state);
    return state;
  };
  const newMoment = (): Moment => ({
    hour: 0,
    day: dayState(Math.floor(range.startMs / DAY_MS)),
    solar: { cosZenith: 0, clearSkyPoaWm2: 0 },
    shapes: new Float64Array(PROFILE_KINDS.length),
  });
  const setMoment = (moment: Moment, epochMs: number) => {
    const offsetMinutes = zoneOffsetMinutes(timeZone, epochMs);
    const localMs = epochMs + offsetMinutes * 60_000;
    const dayNumber = Math.floor(localMs / DAY_MS);
    moment.day = dayState(dayNumber);
    moment.hour = (localMs - dayNumber * DAY_MS) / 3_600_000;
    solarState(
      moment.day.dayOfYear,
      moment.hour,
      offsetMinutes / 60,
      latitude,
      longitude,
      PV_TILT_DEG,
      moment.solar,
    );
    fillShapes(moment.shapes, moment.hour, moment.day.facts, moment.solar.cosZenith < 0.02);
  };
  const mid = newMoment();
  const now = newMoment();

  /** Rate (engineering units per hour) of a leaf meter at a moment; `slot` indexes its random draws. */
  const rateOf = (i: number, m: Moment, slot: number): number => {
    const s = seed[i] ?? 0;
    switch (source[i] ?? SOURCE_PROFILE) {
      case SOURCE_PROFILE: {
        const b = beta[i] ?? 0;
        const shape = m.shapes[profile[i] ?? 0] ?? 0;
        const day = m.day.organisationFactor[organisation[i] ?? 0] ?? 1;
        return (
          (scale[i] ?? 0) *
          (b + (1 - b) * shape) *
          day *
          (1 + (noise[i] ?? 0) * triangularAt(s ^ SALT_NOISE, slot))
        );
      }
      case SOURCE_SCHEDULED:
        return scheduledRateKw(model.scheduled[i] as ScheduledLoad, m.hour);
      case SOURCE_PV: {
        const poa = m.solar.clearSkyPoaWm2;
        if (poa <= 0) return 0;
        const c = m.day.clearness;
        const cloud = clamp(
          c * (1 + (1 - c) * 0.9 * triangularAt(weatherSeed ^ SALT_CLOUD_SLOT, slot)),
          0.03,
          1,
        );
        const acKw = scale[i] ?? 0;
        const dcKw = acKw * PV_DC_AC_RATIO;
        const kw =
          ((dcKw * PV_PERFORMANCE_RATIO * poa) / 1000) *
          cloud *
          (1 + 0.03 * triangularAt(s ^ SALT_NOISE, slot));
        return Math.min(kw, acKw * 0.98);
      }
      case SOURCE_CHARGE:
      case SOURCE_DISCHARGE: {
        const cap = scale[i] ?? 0;
        const energy = STORAGE_HOURS * cap;
        const h = m.hour;
        const share = m.day.storageShare;
        const jitter = 1 + 0.005 * triangularAt(s ^ SALT_NOISE, slot);
        if (source[i] === SOURCE_CHARGE) {
          if (h >= 1 && h < 5) return (energy / 4) * jitter; // valley charge
          if (h >= 12 && h < 15) return ((energy * share) / 3) * jitter; // midday PV surplus
          return 0;
        }
        if (h >= 8 && h < 11) return ((energy * STORAGE_ROUND_TRIP) / 3) * jitter; // morning peak
        if (h >= 18 && h < 22) return ((energy * share * STORAGE_ROUND_TRIP) / 4) * jitter; // evening peak
        return 0;
      }
      case SOURCE_SPARSE: {
        const events = model.sparse[i];
        if (!events || m.hour < events.fromHour || m.hour >= events.toHour) return 0;
        const orgKind = model.organisationKinds[organisation[i] ?? 0] ?? 'flat';
        const perSlot =
          (events.perDay *
            (m.day.season[profileIndex(orgKind)] ?? 1) *
            (m.day.facts.type === 'rest' ? events.restFactor : 1)) /
          ((events.toHour - events.fromHour) * 4);
        if (uniformAt(s ^ SALT_EVENT, slot) >= perSlot) return 0;
        // One delivery or fill of 70–100 % of the largest (capacity / 5 per interval).
        return (((scale[i] ?? 0) / 5) * (0.7 + 0.3 * uniformAt(s ^ SALT_QUANTITY, slot))) / HOURS_PER_SLOT;
      }
      case SOURCE_GENSET: {
        // Monthly load test of the standby gensets: the first Tuesday, 10:00–11:00.
        const d = m.day;
        if (d.weekday !== 1 || d.dayOfMonth > 7 || m.hour < 10 || m.hour >= 11) return 0;
        return (((scale[i] ?? 0) / 5) * (0.7 + 0.3 * uniformAt(s ^ SALT_QUANTITY, slot))) / HOURS_PER_SLOT;
      }
      default:
        return 0;
    }
  };

  // ---- state ----
  const trueRaw = new Float64Array(n); // leaves: unrounded register, raw units
  const count = new Float64Array(n); // cumulative: register in thousandths (an integer)
  const deltaCount = new Float64Array(n);
  const energy = new Float64Array(n); // the interval's quantity as the pipeline will derive it, engineering units
  const intervalValue = new Float64Array(n);
  const sample = new Float64Array(n);
  const offset = new Float64Array(n); // display offset of a faulted register, thousandths
  const nextReplacement = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (kind[i] !== KIND_CUMULATIVE) continue;
    const load = model.scheduled[i];
    const mult = multiplier[i] ?? 1;
    const raw = load
      ? scheduledRegisterRaw(load, range.startMs, timeZone)
      : // A plausible register left by earlier use: up to about 4,000 full-load hours.
        ((0.02 + 0.98 * uniformAt((seed[i] ?? 0) ^ SALT_REGISTER, 0)) *
          (park.meters[i]?.capacity ?? 100) *
          4000) /
        mult;
    const start = Math.round(raw * REGISTER_SCALE);
    trueRaw[i] = start / REGISTER_SCALE;
    count[i] = start;
  }

  let chunk: DemoReading[] = [];
  const late: DemoReading[] = [];
  const duplicates: DemoReading[] = [];
  const epochSlot0 = (range.startMs - DEMO_EPOCH_MS) / SLOT_MS;

  for (let k = 0; k <= range.slots; k++) {
    const tMs = range.startMs + k * SLOT_MS;
    const slot = epochSlot0 + k;
    const at = formatLocal(tMs, timeZone);
    setMoment(now, tMs);
    if (k > 0) setMoment(mid, tMs - SLOT_MS / 2);

    // Quantities, children before parents.
    for (let o = 0; o < n; o++) {
      const i = order[o] ?? 0;
      const mult = multiplier[i] ?? 1;
      const kd = kind[i];
      if (source[i] === SOURCE_SUM) {
        if (k === 0) continue;
        let sum = 0;
        for (let c = childStart[i] ?? 0, end = childStart[i + 1] ?? 0; c < end; c++)
          sum += energy[childList[c] ?? 0] ?? 0;
        const quantity =
          sum * (1 + (loss[i] ?? 0) * (1 + 0.25 * triangularAt((seed[i] ?? 0) ^ SALT_NOISE, slot)));
        // Rounded up, so that a parent never reads less than its sub-meters together.
        const thousandths = Math.ceil((quantity / mult) * REGISTER_SCALE - 1e-6);
        if (kd === KIND_CUMULATIVE) {
          count[i] = (count[i] ?? 0) + thousandths;
          deltaCount[i] = thousandths;
        } else intervalValue[i] = thousandths / REGISTER_SCALE;
        energy[i] = (thousandths / REGISTER_SCALE) * mult;
        continue;
      }
      if (kd === KIND_POWER) {
        const previous = sample[i] ?? 0;
        const value = Math.round((rateOf(i, now, slot) / mult) * REGISTER_SCALE) / REGISTER_SCALE;
        sample[i] = value;
        energy[i] = k === 0 ? 0 : ((previous + value) / 2) * HOURS_PER_SLOT * mult;
        continue;
      }
      if (k === 0) continue;
      const quantity = rateOf(i, mid, slot) * HOURS_PER_SLOT;
      if (kd === KIND_CUMULATIVE) {
        const raw = (trueRaw[i] ?? 0) + quantity / mult;
        trueRaw[i] = raw;
        const next = Math.round(raw * REGISTER_SCALE);
        const delta = next - (count[i] ?? 0);
        count[i] = next;
        deltaCount[i] = delta;
        energy[i] = (delta / REGISTER_SCALE) * mult;
      } else {
        const value = Math.round((quantity / mult) * REGISTER_SCALE) / REGISTER_SCALE;
        intervalValue[i] = value;
        energy[i] = value * mult;
      }
    }

    // Emission in park order.
    for (let i = 0; i < n; i++) {
      const kd = kind[i];
      let value: number;
      if (kd === KIND_CUMULATIVE) {
        if (special[i]) {
          const reps = model.replacements[i] ?? [];
          for (let r = nextReplacement[i] ?? 0; r < reps.length && (reps[r]?.atMs ?? Infinity) < tMs; r++) {
            offset[i] = (offset[i] ?? 0) + (reps[r]?.offsetCount ?? 0);
            nextReplacement[i] = r + 1;
          }
          for (const e of effectsOf[i] ?? []) {
            if (e.kind === 'spike' && e.atMs === tMs)
              offset[i] = (offset[i] ?? 0) + (e.factor - 1) * (deltaCount[i] ?? 0);
          }
        }
        let shown = (count[i] ?? 0) + (offset[i] ?? 0);
        const wrap = rollover[i] ?? 0;
        if (wrap > 0) shown %= wrap * REGISTER_SCALE;
        value = shown / REGISTER_SCALE;
      } else if (kd === KIND_INTERVAL) {
        if (k === 0) continue;
        value = intervalValue[i] ?? 0;
      } else {
        if (k === range.slots) continue;
        value = sample[i] ?? 0;
      }
      const reading: DemoReading = { meter: ids[i] ?? '', at, value, unit: units[i] ?? '' };
      if (special[i]) {
        let withheld = false;
        let dropped = false;
        for (const e of effectsOf[i] ?? []) {
          if (e.kind === 'drop' && tMs >= e.fromMs && tMs < e.toMs) dropped = true;
          else if (e.kind === 'late' && tMs >= e.fromMs && tMs < e.toMs) withheld = true;
          else if (e.kind === 'duplicate' && tMs >= e.fromMs && tMs < e.toMs) duplicates.push({ ...reading });
          else if (e.kind === 'reset' && e.afterMs === tMs) offset[i] = -(count[i] ?? 0);
        }
        if (dropped) continue;
        if (withheld) {
          late.push(reading);
          continue;
        }
      }
      chunk.push(reading);
      if (chunk.length >= DEMO_CHUNK_SIZE) {
        yield chunk;
        chunk = [];
      }
    }
    if (duplicates.length > 0) {
      for (const d of duplicates) chunk.push(d);
      duplicates.length = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
  if (late.length > 0) yield late;
}

/**
 * The deliberate data faults of the demo park: which meter, when, and what a correct pipeline must make of them.
 *
 * Every faulted meter runs a fixed two-level schedule (day rate for intervals whose midpoint lies in 08:00–20:00
 * park-local time, night rate otherwise), so its register at any instant is simple arithmetic from its initial value at
 * {@link DEMO_EPOCH}; the expected numbers below are computed from that schedule, never from the generated stream.
 */
import { SLOT_MS, formatLocal, zoneOffsetMinutes } from '../../lib/time.ts';

/** The instant the demo data starts by default and the faulted meters' registers are anchored to. */
export const DEMO_EPOCH = '2025-01-01T00:00:00+08:00';
export const DEMO_EPOCH_MS = Date.parse(DEMO_EPOCH);

/** A deterministic two-level load; raw register units = kWh ÷ multiplier. */
export interface ScheduledLoad {
  dayKw: number;
  nightKw: number;
  multiplier: number;
  capacityKw: number;
  /** Register value (raw units) at {@link DEMO_EPOCH}. */
  initialRaw: number;
}

const DAY_START_HOUR = 8;
const DAY_END_HOUR = 20;

/** Meter ids of the faults, so that tests and docs can name them. */
export const FAULT_METERS = {
  rollover: 'ALU-EL-RECT-COOL',
  gap: 'FOOD-EL-COLD',
  powerGap: 'DC-PW-CRAH',
  counterReset: 'BAT-EL-DRY',
  replacement: 'DAIRY-EL-CHILL',
  spike: 'LOG-EL-DOCK',
  duplicates: 'OFF-EL-HVAC',
  lateData: 'AUTO-EL-PAINT',
} as const;

/**
 * The scheduled loads, chosen so that one 15-minute interval is a whole or simple fraction of a raw unit (e.g. 480 kW
 * × 0.25 h = 120 kWh = 3 raw at CT 200/5 = 40), which keeps the hand calculations exact.
 */
export const SCHEDULED_LOADS: Readonly<Record<string, ScheduledLoad>> = {
  // 600 kW flat = 150 kWh = 3.75 raw per interval; a six-digit register close to wrapping.
  [FAULT_METERS.rollover]: { dayKw: 600, nightKw: 600, multiplier: 40, capacityKw: 800, initialRaw: 999_503 },
  // 240 / 160 kW = 3 / 2 raw per interval at CT 100/5.
  [FAULT_METERS.gap]: { dayKw: 240, nightKw: 160, multiplier: 20, capacityKw: 300, initialRaw: 25_000 },
  // 400 / 240 kW = 2.5 / 1.5 raw per interval at CT 200/5.
  [FAULT_METERS.counterReset]: {
    dayKw: 400,
    nightKw: 240,
    multiplier: 40,
    capacityKw: 500,
    initialRaw: 48_000,
  },
  // 480 / 320 kW = 3 / 2 raw per interval at CT 200/5; 0.2 raw per minute by day.
  [FAULT_METERS.replacement]: {
    dayKw: 480,
    nightKw: 320,
    multiplier: 40,
    capacityKw: 600,
    initialRaw: 73_210,
  },
  // 320 / 160 kW = 4 / 2 raw per interval at CT 100/5.
  [FAULT_METERS.spike]: { dayKw: 320, nightKw: 160, multiplier: 20, capacityKw: 500, initialRaw: 9_876 },
  // 200 / 60 kW = 2.5 / 0.75 raw per interval at CT 100/5.
  [FAULT_METERS.duplicates]: { dayKw: 200, nightKw: 60, multiplier: 20, capacityKw: 300, initialRaw: 5_000 },
  // 640 / 160 kW = 4 / 1 raw per interval at CT 200/5.
  [FAULT_METERS.lateData]: { dayKw: 640, nightKw: 160, multiplier: 40, capacityKw: 800, initialRaw: 31_000 },
};

/** The instants of the faults (park-local +08:00), all within the first seven days of 2025. */
export const FAULT_TIMES = {
  rolloverAt: '2025-01-02T09:15:00+08:00',
  gapFrom: '2025-01-03T02:00:00+08:00',
  gapTo: '2025-01-03T08:00:00+08:00',
  powerGapFrom: '2025-01-04T14:00:00+08:00',
  powerGapTo: '2025-01-04T16:00:00+08:00',
  /** The register is zeroed right after this reading. */
  counterResetAfter: '2025-01-04T14:00:00+08:00',
  replacementAt: '2025-01-05T10:05:00+08:00',
  /** The reading at this instant carries the spike. */
  spikeAt: '2025-01-06T15:00:00+08:00',
  duplicatesFrom: '2025-01-06T09:00:00+08:00',
  duplicatesTo: '2025-01-06T11:00:00+08:00',
  lateFrom: '2025-01-07T00:00:00+08:00',
  lateTo: '2025-01-08T00:00:00+08:00',
} as const;

/** The replacement declared in the park definition; the new meter starts at 0. */
export const REPLACEMENT_NEW_INITIAL_RAW = 0;

/** The spiked interval's register jump, as a multiple of a normal interval. */
export const SPIKE_FACTOR = 50;

/** Rate of a scheduled load (kW) for a piece of time whose midpoint is at park-local hour `localHour`. */
export function scheduledRateKw(load: ScheduledLoad, localHour: number): number {
  return localHour >= DAY_START_HOUR && localHour < DAY_END_HOUR ? load.dayKw : load.nightKw;
}

/** Park-local hour of day (0–24) at an instant. */
export function localHourOf(epochMs: number, timeZone: string): number {
  const localMs = epochMs + zoneOffsetMinutes(timeZone, epochMs) * 60_000;
  return (((localMs % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
}

/** Energy (kWh) a scheduled load draws in [fromMs, toMs), integrated piece by piece along the 15-minute grid. */
export function scheduledEnergyKwh(
  load: ScheduledLoad,
  fromMs: number,
  toMs: number,
  timeZone: string,
): number {
  let energy = 0;
  let a = fromMs;
  while (a < toMs) {
    const b = Math.min(toMs, (Math.floor((a - DEMO_EPOCH_MS) / SLOT_MS) + 1) * SLOT_MS + DEMO_EPOCH_MS);
    const mid = (a + b) / 2;
    // The schedule changes only on whole hours, so the midpoint of a piece inside one slot decides its rate.
    const slotMid = Math.floor((mid - DEMO_EPOCH_MS) / SLOT_MS) * SLOT_MS + DEMO_EPOCH_MS + SLOT_MS / 2;
    energy += (scheduledRateKw(load, localHourOf(slotMid, timeZone)) * (b - a)) / 3_600_000;
    a = b;
  }
  return energy;
}

/** The (unfaulted, unwrapped) register of a scheduled load at an instant, in raw units. */
export function scheduledRegisterRaw(load: ScheduledLoad, atMs: number, timeZone: string): number {
  return load.initialRaw + scheduledEnergyKwh(load, DEMO_EPOCH_MS, atMs, timeZone) / load.multiplier;
}

/** One deliberate fault, with the effect a correct pipeline must find, worked out from the meter's schedule. */
export interface DemoFault {
  kind: 'gap' | 'counter_reset' | 'meter_replacement' | 'spike' | 'duplicates' | 'late_data' | 'rollover';
  meter: string;
  from: string;
  to?: string;
  description: string;
  expected: Record<string, number | string>;
}

/** The time range of a generated data set and the faults it contains. */
export interface DemoDataPlan {
  startAt: string;
  days: number;
  faults: DemoFault[];
}

/** How the generator applies one fault to the stream. */
export type FaultEffect =
  | { kind: 'drop'; meter: string; fromMs: number; toMs: number }
  | { kind: 'late'; meter: string; fromMs: number; toMs: number }
  | { kind: 'duplicate'; meter: string; fromMs: number; toMs: number }
  | { kind: 'reset'; meter: string; afterMs: number }
  | { kind: 'spike'; meter: string; atMs: number; factor: number };

/** Faults of a time range whose meters exist in the park, with their stream effects. */
export interface PlannedFaults {
  faults: DemoFault[];
  effects: FaultEffect[];
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The faults that fall wholly inside [startMs, endMs] for meters present in the park. A fault is kept only when every
 * reading its expected values refer to is generated.
 */
export function planFaults(
  meters: ReadonlyMap<string, { multiplier?: number; capacity?: number; rolloverAt?: number }>,
  startMs: number,
  endMs: number,
  timeZone: string,
): PlannedFaults {
  const faults: DemoFault[] = [];
  const effects: FaultEffect[] = [];
  const ms = (iso: string) => Date.parse(iso);
  const iso = (epochMs: number) => formatLocal(epochMs, timeZone);
  const inRange = (from: number, to: number) => startMs <= from && to <= endMs;
  const register = (id: string, atMs: number) => {
    const load = SCHEDULED_LOADS[id];
    if (!load) throw new Error(`no scheduled load for ${id}`);
    return round6(scheduledRegisterRaw(load, atMs, timeZone));
  };
  const scheduled = (id: string) => {
    const load = SCHEDULED_LOADS[id];
    return load && meters.has(id) ? load : undefined;
  };

  {
    const id = FAULT_METERS.rollover;
    const load = scheduled(id);
    const rolloverAt = meters.get(id)?.rolloverAt;
    const at = ms(FAULT_TIMES.rolloverAt);
    if (load && rolloverAt !== undefined && inRange(at - SLOT_MS, at)) {
      const before = register(id, at - SLOT_MS);
      const after = round6(register(id, at) - rolloverAt);
      const deltaRaw = round6(after + rolloverAt - before);
      faults.push({
        kind: 'rollover',
        meter: id,
        from: iso(at - SLOT_MS),
        to: iso(at),
        description:
          `The six-digit register passes ${rolloverAt} and wraps to zero between the two readings; ` +
          'the interval energy is (after + rolloverAt − before) × multiplier.',
        expected: {
          rolloverAt,
          registerBeforeRaw: before,
          registerAfterRaw: after,
          intervalDeltaRaw: deltaRaw,
          intervalEnergyKwh: round6(deltaRaw * load.multiplier),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.gap;
    const load = scheduled(id);
    const from = ms(FAULT_TIMES.gapFrom);
    const to = ms(FAULT_TIMES.gapTo);
    if (load && inRange(from - SLOT_MS, to)) {
      const before = register(id, from - SLOT_MS);
      const after = register(id, to);
      const missing = (to - from) / SLOT_MS;
      effects.push({ kind: 'drop', meter: id, fromMs: from, toMs: to });
      faults.push({
        kind: 'gap',
        meter: id,
        from: iso(from),
        to: iso(to),
        description:
          'The cumulative meter is silent for six hours: no readings at instants in [from, to). The register keeps ' +
          'counting, so the first reading after the gap bridges it.',
        expected: {
          missingReadings: missing,
          missingSlots: missing,
          firstMissingAt: iso(from),
          lastMissingAt: iso(to - SLOT_MS),
          lastReadingBeforeAt: iso(from - SLOT_MS),
          firstReadingAfterAt: iso(to),
          registerBeforeRaw: before,
          registerAfterRaw: after,
          bridgedIntervals: missing + 1,
          bridgedEnergyKwh: round6((after - before) * load.multiplier),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.powerGap;
    const from = ms(FAULT_TIMES.powerGapFrom);
    const to = ms(FAULT_TIMES.powerGapTo);
    if (meters.has(id) && inRange(from, to)) {
      effects.push({ kind: 'drop', meter: id, fromMs: from, toMs: to });
      faults.push({
        kind: 'gap',
        meter: id,
        from: iso(from),
        to: iso(to),
        description:
          'The power meter sends no samples at instants in [from, to) (two hours, 8 samples). Energy by the trapezoid ' +
          'rule needs both ends of a slot, so 9 slots are unknown: from the slot before `from` to the one before `to`.',
        expected: {
          missingReadings: (to - from) / SLOT_MS,
          missingSlots: (to - from) / SLOT_MS + 1,
          firstMissingAt: iso(from - SLOT_MS),
          lastMissingAt: iso(to - SLOT_MS),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.counterReset;
    const load = scheduled(id);
    const after = ms(FAULT_TIMES.counterResetAfter);
    if (load && inRange(after, after + SLOT_MS)) {
      const before = register(id, after);
      const first = round6(register(id, after + SLOT_MS) - before);
      effects.push({ kind: 'reset', meter: id, afterMs: after });
      faults.push({
        kind: 'counter_reset',
        meter: id,
        from: iso(after),
        to: iso(after + SLOT_MS),
        description:
          'The register is reset to 0 right after the reading at `from` and counts on from there; the reading at ' +
          '`to` is the energy of that one interval, so the interval gets Δ = new value.',
        expected: {
          registerBeforeRaw: before,
          registerAfterRaw: first,
          deltaAfterResetKwh: round6(first * load.multiplier),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.replacement;
    const load = scheduled(id);
    const at = ms(FAULT_TIMES.replacementAt);
    const slotStart = Math.floor((at - DEMO_EPOCH_MS) / SLOT_MS) * SLOT_MS + DEMO_EPOCH_MS;
    const slotEnd = slotStart + SLOT_MS;
    if (load && inRange(slotStart, slotEnd)) {
      const prev = register(id, slotStart);
      const oldFinal = register(id, at);
      const next = round6(REPLACEMENT_NEW_INITIAL_RAW + register(id, slotEnd) - oldFinal);
      faults.push({
        kind: 'meter_replacement',
        meter: id,
        from: iso(slotStart),
        to: iso(slotEnd),
        description:
          `The meter is replaced at ${iso(at)} (declared in the park definition); the new register ` +
          `starts at ${REPLACEMENT_NEW_INITIAL_RAW}. Interval energy = (oldFinal − prev + next − newInitial) × multiplier.`,
        expected: {
          replacedAt: iso(at),
          registerBeforeRaw: prev,
          oldFinalReading: oldFinal,
          newInitialReading: REPLACEMENT_NEW_INITIAL_RAW,
          registerAfterRaw: next,
          intervalEnergyKwh: round6((oldFinal - prev + next - REPLACEMENT_NEW_INITIAL_RAW) * load.multiplier),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.spike;
    const load = scheduled(id);
    const at = ms(FAULT_TIMES.spikeAt);
    const capacity = meters.get(id)?.capacity ?? load?.capacityKw ?? 0;
    if (load && inRange(at - SLOT_MS, at + SLOT_MS)) {
      const before = register(id, at - SLOT_MS);
      const normalRaw = round6(register(id, at) - before);
      const spikeRaw = SPIKE_FACTOR * normalRaw;
      const extraRaw = spikeRaw - normalRaw;
      effects.push({ kind: 'spike', meter: id, atMs: at, factor: SPIKE_FACTOR });
      faults.push({
        kind: 'spike',
        meter: id,
        from: iso(at - SLOT_MS),
        to: iso(at),
        description:
          `The register jumps by ${SPIKE_FACTOR}× a normal interval in the interval ending at \`to\` and later ` +
          'readings continue from the jumped value. The implied rate exceeds the meter capacity, so the whole delta ' +
          'of that interval should be quarantined.',
        expected: {
          registerBeforeRaw: before,
          registerAtSpikeRaw: round6(before + spikeRaw),
          registerNextRaw: round6(register(id, at + SLOT_MS) + extraRaw),
          normalDeltaKwh: round6(normalRaw * load.multiplier),
          spikeDeltaKwh: round6(spikeRaw * load.multiplier),
          quarantinedDeltaKwh: round6(spikeRaw * load.multiplier),
          impliedRateKw: round6((spikeRaw * load.multiplier) / 0.25),
          capacityKw: capacity,
          persistentOffsetRaw: round6(extraRaw),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.duplicates;
    const load = scheduled(id);
    const from = ms(FAULT_TIMES.duplicatesFrom);
    const to = ms(FAULT_TIMES.duplicatesTo);
    if (load && inRange(from, to)) {
      effects.push({ kind: 'duplicate', meter: id, fromMs: from, toMs: to });
      faults.push({
        kind: 'duplicates',
        meter: id,
        from: iso(from),
        to: iso(to),
        description:
          'A gateway re-sends the readings at instants in [from, to): each appears twice, identical (same meter, at, ' +
          'value), the copy at the end of its slot. Deduplicated, nothing changes.',
        expected: {
          duplicateReadings: (to - from) / SLOT_MS,
          firstValueRaw: register(id, from),
          lastValueRaw: register(id, to - SLOT_MS),
          windowEnergyKwh: round6((register(id, to - SLOT_MS) - register(id, from)) * load.multiplier),
        },
      });
    }
  }
  {
    const id = FAULT_METERS.lateData;
    const load = scheduled(id);
    const from = ms(FAULT_TIMES.lateFrom);
    const to = ms(FAULT_TIMES.lateTo);
    if (load && inRange(from, to)) {
      effects.push({ kind: 'late', meter: id, fromMs: from, toMs: to });
      faults.push({
        kind: 'late_data',
        meter: id,
        from: iso(from),
        to: iso(to),
        description:
          'The readings at instants in [from, to) — one whole day — are withheld and sent only in the last chunk, ' +
          'after everything else. The reading at `to` arrives on time.',
        expected: {
          lateReadings: (to - from) / SLOT_MS,
          firstLateAt: iso(from),
          lastLateAt: iso(to - SLOT_MS),
          firstValueRaw: register(id, from),
          lastValueRaw: register(id, to - SLOT_MS),
          registerAtToRaw: register(id, to),
          dayEnergyKwh: round6((register(id, to) - register(id, from)) * load.multiplier),
        },
      });
    }
  }
  return { faults, effects };
}

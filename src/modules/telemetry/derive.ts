/**
 * Deriving interval quantities from raw readings: pure functions, no I/O.
 *
 * A reading's quantity covers a half-open span [spanStart, spanEnd): for a cumulative register the span since the
 * previous reading, for an interval reading the interval it reports, for a power sample the span since the previous
 * sample (trapezoidal integration). Quantities are in engineering units: raw × multiplier, and power × hours.
 */
import { SLOT_MS } from '../../lib/time.ts';

/** Bits of `reading.flags`. */
export const FLAG = {
  /** First reading of a register or power series: nothing before it to take a difference from. */
  FIRST: 1,
  /** The register wrapped past `rolloverAt` back to zero. */
  ROLLOVER: 2,
  /** The register fell and did not wrap: a reset; the energy since the reset is the new value. */
  RESET: 4,
  /** A declared meter replacement lies inside the span. */
  REPLACEMENT: 8,
  /** The rate exceeds the meter's capacity: the quantity is quarantined, kept but never counted. */
  SPIKE: 16,
  /** The span is longer than the meter's interval (a gap bridged by a register): its slot split is an estimate. */
  GAP_BRIDGED: 32,
  /** The span is longer than the interval and the quantity cannot be known (power meters): left missing. */
  GAP_UNBRIDGED: 64,
  /** The value was revised by a later batch (see reading_revision). */
  REVISED: 128,
  /** The span is not exactly one aligned 15-minute slot: its contributions are in reading_split. */
  SPLIT: 256,
} as const;

/** How a slot contribution counts. */
export const STATUS = { MEASURED: 0, ESTIMATED: 1, QUARANTINED: 2 } as const;
export type Status = (typeof STATUS)[keyof typeof STATUS];

/** Tolerance on capacity before a rate is called a spike: meters and CTs read a little high, breakers trip late. */
export const SPIKE_TOLERANCE = 1.5;

export interface MeterDerivation {
  readingKind: 'cumulative' | 'interval' | 'power';
  multiplier: number;
  intervalMinutes: number;
  intervalStamp: 'end' | 'start';
  /** Largest plausible rate, engineering units per hour. */
  capacity: number | undefined;
  /** Raw register value at which the counter wraps to zero. */
  rolloverAt: number | undefined;
  replacements: readonly { atMs: number; oldFinalReading: number; newInitialReading: number }[];
}

/** A stored or incoming reading: raw value, before the multiplier. */
export interface RawPoint {
  atMs: number;
  value: number;
}

/** What the pipeline stores beside each reading. */
export interface Derived {
  quantity: number | null;
  flags: number;
  spanStartMs: number | null;
  spanEndMs: number | null;
}

/** One slot's share of a reading's quantity. */
export interface SlotShare {
  slotMs: number;
  quantity: number;
  /** Fraction of the slot covered by the span (1 for a whole slot). */
  slots: number;
  status: Status;
}

/**
 * Derives one reading given the reading before it (or undefined). The caller feeds readings of one meter in time
 * order; `prev` is the nearest earlier reading, whatever its age.
 */
export function deriveReading(meter: MeterDerivation, prev: RawPoint | undefined, point: RawPoint): Derived {
  const intervalMs = meter.intervalMinutes * 60_000;
  if (meter.readingKind === 'interval') {
    const start = meter.intervalStamp === 'end' ? point.atMs - intervalMs : point.atMs;
    const quantity = point.value * meter.multiplier;
    return finish(meter, quantity, 0, start, start + intervalMs, intervalMs);
  }
  if (!prev) return { quantity: null, flags: FLAG.FIRST, spanStartMs: null, spanEndMs: null };
  const spanMs = point.atMs - prev.atMs;
  if (meter.readingKind === 'power') {
    if (spanMs > intervalMs) {
      return { quantity: null, flags: FLAG.GAP_UNBRIDGED, spanStartMs: prev.atMs, spanEndMs: point.atMs };
    }
    const quantity = ((prev.value + point.value) / 2) * (spanMs / 3_600_000) * meter.multiplier;
    return finish(meter, quantity, 0, prev.atMs, point.atMs, intervalMs);
  }
  // Cumulative register.
  let flags = 0;
  let rawDelta: number;
  const replacement = meter.replacements.find((r) => r.atMs > prev.atMs && r.atMs <= point.atMs);
  if (replacement) {
    rawDelta = replacement.oldFinalReading - prev.value + (point.value - replacement.newInitialReading);
    flags |= FLAG.REPLACEMENT;
    if (rawDelta < 0) {
      // The declared final/initial readings disagree with the data: count only what the new meter measured.
      rawDelta = Math.max(0, point.value - replacement.newInitialReading);
    }
  } else {
    rawDelta = point.value - prev.value;
    if (rawDelta < 0) {
      const wrapped =
        meter.rolloverAt === undefined ? undefined : meter.rolloverAt - prev.value + point.value;
      if (
        wrapped !== undefined &&
        wrapped >= 0 &&
        isPlausible(meter, wrapped * meter.multiplier, spanMs, true)
      ) {
        rawDelta = wrapped;
        flags |= FLAG.ROLLOVER;
      } else {
        rawDelta = point.value;
        flags |= FLAG.RESET;
      }
    }
  }
  return finish(meter, rawDelta * meter.multiplier, flags, prev.atMs, point.atMs, intervalMs);
}

function isPlausible(
  meter: MeterDerivation,
  quantity: number,
  spanMs: number,
  unknownIsPlausible: boolean,
): boolean {
  if (meter.capacity === undefined) {
    // Without a capacity a wrap is plausible only if it is small against the register's range.
    return (
      unknownIsPlausible &&
      (meter.rolloverAt === undefined || quantity / meter.multiplier < meter.rolloverAt / 2)
    );
  }
  const hours = Math.max(spanMs, SLOT_MS) / 3_600_000;
  return quantity <= meter.capacity * SPIKE_TOLERANCE * hours;
}

function finish(
  meter: MeterDerivation,
  quantity: number,
  flags: number,
  startMs: number,
  endMs: number,
  intervalMs: number,
): Derived {
  let f = flags;
  if (!isPlausible(meter, quantity, endMs - startMs, true) && meter.capacity !== undefined) f |= FLAG.SPIKE;
  if (endMs - startMs > intervalMs) f |= FLAG.GAP_BRIDGED;
  if (!(startMs % SLOT_MS === 0 && endMs - startMs === SLOT_MS)) f |= FLAG.SPLIT;
  return { quantity, flags: f, spanStartMs: startMs, spanEndMs: endMs };
}

/** How a derived quantity counts in totals. */
export function statusOf(flags: number): Status {
  if (flags & FLAG.SPIKE) return STATUS.QUARANTINED;
  if (flags & FLAG.GAP_BRIDGED) return STATUS.ESTIMATED;
  return STATUS.MEASURED;
}

/**
 * Splits a derived quantity over the 15-minute slots its span touches, in proportion to time. A span that is one
 * whole aligned slot gives one share. Spans longer than the meter interval were flagged GAP_BRIDGED: their shares
 * are estimates; the total over the span is still exact.
 */
export function slotShares(derived: Derived): SlotShare[] {
  const { quantity, spanStartMs: start, spanEndMs: end } = derived;
  if (quantity === null || start === null || end === null || end <= start) return [];
  const status = statusOf(derived.flags);
  const shares: SlotShare[] = [];
  const total = end - start;
  for (let slot = Math.floor(start / SLOT_MS) * SLOT_MS; slot < end; slot += SLOT_MS) {
    const overlap = Math.min(end, slot + SLOT_MS) - Math.max(start, slot);
    if (overlap <= 0) continue;
    shares.push({ slotMs: slot, quantity: (quantity * overlap) / total, slots: overlap / SLOT_MS, status });
  }
  return shares;
}

/**
 * Derives a whole ordered series (no duplicate timestamps), given the reading before it. Used for re-derivation
 * and as the reference in tests.
 */
export function deriveSeries(
  meter: MeterDerivation,
  before: RawPoint | undefined,
  points: readonly RawPoint[],
): Derived[] {
  const out: Derived[] = [];
  let prev = before;
  for (const p of points) {
    out.push(deriveReading(meter, prev, p));
    prev = p;
  }
  return out;
}

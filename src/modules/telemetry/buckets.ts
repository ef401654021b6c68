/** Park-local hour, day and month buckets, fast enough for millions of slots (offsets and results cached). */
import { localBucketStart, zoneOffsetMinutes } from '../../lib/time.ts';

const HOUR_MS = 3_600_000;

export interface Bucketer {
  timeZone: string;
  /** Start of the local hour containing atMs. */
  hourStart(atMs: number): number;
  /** Start of the local day containing the hour that starts at hourMs. */
  dayStart(hourMs: number): number;
  /** Start of the local month containing the day that starts at dayMs. */
  monthStart(dayMs: number): number;
}

export function createBucketer(timeZone: string): Bucketer {
  const offsetByUtcHour = new Map<number, number>();
  const dayOfHour = new Map<number, number>();
  const monthOfDay = new Map<number, number>();
  const cached = (map: Map<number, number>, key: number, compute: () => number): number => {
    let v = map.get(key);
    if (v === undefined) map.set(key, (v = compute()));
    return v;
  };
  return {
    timeZone,
    hourStart(atMs) {
      const off = cached(
        offsetByUtcHour,
        Math.floor(atMs / HOUR_MS),
        () => zoneOffsetMinutes(timeZone, atMs) * 60_000,
      );
      return Math.floor((atMs + off) / HOUR_MS) * HOUR_MS - off;
    },
    dayStart: (hourMs) => cached(dayOfHour, hourMs, () => localBucketStart(hourMs, 'day', timeZone)),
    monthStart: (dayMs) => cached(monthOfDay, dayMs, () => localBucketStart(dayMs, 'month', timeZone)),
  };
}

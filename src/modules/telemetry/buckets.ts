/** Park-local hour, day and month buckets, fast enough for millions of spans (offsets cached per UTC hour). */
import { localBucketStart, nextBucketStart, zoneOffsetMinutes } from '../../lib/time.ts';
import type { TouchedBucket } from './readings.repo.ts';

const HOUR_MS = 3_600_000;

export interface Bucketer {
  timeZone: string;
  /** Start of the local hour containing atMs. */
  hourStart(atMs: number): number;
  /** The hour, day and month buckets that spans [meterId, startMs, endMs) overlap, per meter. */
  touched(spans: readonly (readonly [number, number, number])[]): {
    hours: TouchedBucket[];
    days: TouchedBucket[];
    months: TouchedBucket[];
  };
}

export function createBucketer(timeZone: string): Bucketer {
  const offsetByUtcHour = new Map<number, number>();
  const dayOfHour = new Map<number, number>();
  const monthOfDay = new Map<number, number>();
  const nextDay = new Map<number, number>();
  const nextMonth = new Map<number, number>();

  function hourStart(atMs: number): number {
    const h = Math.floor(atMs / HOUR_MS);
    let off = offsetByUtcHour.get(h);
    if (off === undefined) {
      off = zoneOffsetMinutes(timeZone, atMs) * 60_000;
      offsetByUtcHour.set(h, off);
    }
    return Math.floor((atMs + off) / HOUR_MS) * HOUR_MS - off;
  }
  function cached(map: Map<number, number>, key: number, compute: () => number): number {
    let v = map.get(key);
    if (v === undefined) map.set(key, (v = compute()));
    return v;
  }

  return {
    timeZone,
    hourStart,
    touched(spans) {
      const hoursByMeter = new Map<number, Set<number>>();
      for (const [meterId, start, end] of spans) {
        let set = hoursByMeter.get(meterId);
        if (!set) hoursByMeter.set(meterId, (set = new Set()));
        for (let h = hourStart(start); h < end; h += HOUR_MS) set.add(h);
        if (end === start) set.add(hourStart(start));
      }
      const hours: TouchedBucket[] = [];
      const days: TouchedBucket[] = [];
      const months: TouchedBucket[] = [];
      for (const [meterId, set] of hoursByMeter) {
        const daySet = new Set<number>();
        for (const h of set) {
          hours.push({ meterId, startMs: h, endMs: h + HOUR_MS });
          daySet.add(cached(dayOfHour, h, () => localBucketStart(h, 'day', timeZone)));
        }
        const monthSet = new Set<number>();
        for (const d of daySet) {
          days.push({
            meterId,
            startMs: d,
            endMs: cached(nextDay, d, () => nextBucketStart(d, 'day', timeZone)),
          });
          monthSet.add(cached(monthOfDay, d, () => localBucketStart(d, 'month', timeZone)));
        }
        for (const m of monthSet) {
          months.push({
            meterId,
            startMs: m,
            endMs: cached(nextMonth, m, () => nextBucketStart(m, 'month', timeZone)),
          });
        }
      }
      return { hours, days, months };
    },
  };
}

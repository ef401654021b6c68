/**
 * Park-local time: parsing reading timestamps, zone offsets and calendar buckets. Storage is UTC epoch ms; hours, days,
 * months and years are the park's local ones, in whatever IANA zone the park names (never assumed).
 */
import { AppError } from './errors.ts';

/** Length of one settlement slot in minutes. */
export const SLOT_MINUTES = 15;
/** Length of one settlement slot in milliseconds. */
export const SLOT_MS = 900_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type ParseResult = { ok: true; atMs: number } | { ok: false; reason: string };

// ---- zones -------------------------------------------------------------------------------------------------------

interface Zone {
  name: string;
  offsetFormat: Intl.DateTimeFormat;
  /** UTC day number → offset (minutes) constant through that UTC day, or NaN when a transition falls in it. */
  utcDays: Map<number, number>;
  /** Local day number → offset valid for every wall-clock time of that local day, or NaN near a transition. */
  localDays: Map<number, number>;
  // Readings arrive in runs of the same day, so the last hit answers most calls without a map lookup.
  lastUtcDay: number;
  lastUtcOffset: number;
  lastLocalDay: number;
  lastLocalOffset: number;
}

const zones = new Map<string, Zone | null>();
let lastZone: Zone | undefined;

function findZone(timeZone: string): Zone | undefined {
  if (lastZone !== undefined && lastZone.name === timeZone) return lastZone;
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = createZone(timeZone);
    if (zones.size >= 1000) zones.clear(); // bounds the cache if callers pass arbitrary names
    zones.set(timeZone, zone);
  }
  if (zone !== null) lastZone = zone;
  return zone ?? undefined;
}

function createZone(timeZone: string): Zone | null {
  // Newer engines also accept "+08:00" as a zone; a park names an IANA zone, so require a name.
  if (!/^[A-Za-z]/.test(timeZone)) return null;
  try {
    const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    return {
      name: timeZone,
      offsetFormat,
      utcDays: new Map(),
      localDays: new Map(),
      lastUtcDay: NaN,
      lastUtcOffset: 0,
      lastLocalDay: NaN,
      lastLocalOffset: 0,
    };
  } catch {
    return null;
  }
}

function requireZone(timeZone: string): Zone {
  const zone = findZone(timeZone);
  if (!zone) throw new AppError('BAD_INPUT', `unknown time zone "${timeZone}"`);
  return zone;
}

/** Asks Intl for the offset at one instant ("GMT", "GMT+08:00", "GMT-03:30", "GMT+08:05:43"), rounded to the minute. */
function exactOffsetMinutes(zone: Zone, atMs: number): number {
  const parts = zone.offsetFormat.formatToParts(atMs);
  const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  if (name.length <= 3) return 0;
  const sign = name.charCodeAt(3) === 43 ? 1 : -1; // '+', else an ASCII or Unicode minus
  const hours = Number(name.slice(4, 6));
  const minutes = name.length >= 9 ? Number(name.slice(7, 9)) : 0;
  const seconds = name.length >= 12 ? Number(name.slice(10, 12)) : 0;
  return sign * Math.round(hours * 60 + minutes + seconds / 60);
}

function cacheSet(map: Map<number, number>, key: number, value: number): void {
  if (map.size >= 100_000) map.clear();
  map.set(key, value);
}

function offsetAt(zone: Zone, atMs: number): number {
  const day = Math.floor(atMs / DAY_MS);
  if (day === zone.lastUtcDay) return zone.lastUtcOffset;
  let offset = zone.utcDays.get(day);
  if (offset === undefined) {
    const startMs = day * DAY_MS;
    const first = exactOffsetMinutes(zone, startMs);
    // Equal offsets at both ends of a day mean no transition inside it (transitions are months apart).
    offset = first === exactOffsetMinutes(zone, startMs + DAY_MS - MINUTE_MS) ? first : NaN;
    cacheSet(zone.utcDays, day, offset);
  }
  if (Number.isNaN(offset)) return exactOffsetMinutes(zone, atMs);
  zone.lastUtcDay = day;
  zone.lastUtcOffset = offset;
  return offset;
}

/**
 * Converts a wall-clock time (as if it were UTC ms) to an instant. In an overlap it takes the earlier instant; in a
 * gap it returns NaN (`reject`) or moves forward by the gap's length (`compatible`, as Temporal does).
 */
function localToUtc(zone: Zone, localMs: number, inGap: 'reject' | 'compatible'): number {
  const day = Math.floor(localMs / DAY_MS);
  if (day === zone.lastLocalDay) return localMs - zone.lastLocalOffset * MINUTE_MS;
  let offset = zone.localDays.get(day);
  if (offset === undefined) {
    // Offsets lie within −12 h … +14 h, so the wall-clock times of this day fall between these two instants.
    const startMs = day * DAY_MS;
    const before = exactOffsetMinutes(zone, startMs - 15 * HOUR_MS);
    offset = before === exactOffsetMinutes(zone, startMs + DAY_MS + 13 * HOUR_MS) ? before : NaN;
    cacheSet(zone.localDays, day, offset);
  }
  if (!Number.isNaN(offset)) {
    zone.lastLocalDay = day;
    zone.lastLocalOffset = offset;
    return localMs - offset * MINUTE_MS;
  }
  // A transition is near: try the offsets in force a day before and a day after.
  const offsetBefore = exactOffsetMinutes(zone, localMs - DAY_MS);
  const offsetAfter = exactOffsetMinutes(zone, localMs + DAY_MS);
  const withBefore = localMs - offsetBefore * MINUTE_MS;
  const withAfter = localMs - offsetAfter * MINUTE_MS;
  const beforeFits = exactOffsetMinutes(zone, withBefore) === offsetBefore;
  const afterFits = exactOffsetMinutes(zone, withAfter) === offsetAfter;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter);
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  return inGap === 'compatible' ? withBefore : NaN;
}

/** Whether `tz` names a time zone this runtime knows (IANA names such as Asia/Shanghai, UTC, Etc/GMT-8). */
export function isValidTimeZone(tz: string): boolean {
  return findZone(tz) !== undefined;
}

/** Offset of `timeZone` from UTC in minutes at instant `atMs` (Asia/Shanghai → 480). Use Intl.DateTimeFormat, cache formatters per zone. */
export function zoneOffsetMinutes(timeZone: string, atMs: number): number {
  return offsetAt(requireZone(timeZone), atMs);
}

// ---- parsing ------------------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil; exact for every year). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const daysInMonth = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : 30 + ((month + (month >> 3)) & 1);

// The scanner's output. Scans run to completion synchronously, so module-level fields are safe and avoid allocation.
let pos = 0;
let sYear = 0;
let sMonth = 0;
let sDay = 0;
let sHour = 0;
let sMinute = 0;
let sSecond = 0;
let sMs = 0;
let sOffsetMinutes = NaN; // NaN: naive local time
let sDateOnly = false;

/** Reads up to `maxDigits` decimal digits at `pos`; the caller checks how many were read. */
function readDigits(text: string, maxDigits: number): number {
  const end = Math.min(text.length, pos + maxDigits);
  let value = 0;
  while (pos < end) {
    const digit = text.charCodeAt(pos) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    pos++;
  }
  return value;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function badFormat(text: string, allowDateOnly: boolean): string {
  return (
    `not a ${allowDateOnly ? 'date or timestamp' : 'timestamp'}: ${quote(text)} (expected e.g. ` +
    `${allowDateOnly ? '2025-03-01, ' : ''}2025-03-01T08:15:00+08:00 or 2025-03-01 08:15)`
  );
}

/** Scans `YYYY-M-D[(T| )H:MM[:SS[.fff]][Z|±HH[:]MM]]` (or with '/' between the date parts); returns a reason or undefined. */
function scan(text: string, allowDateOnly: boolean): string | undefined {
  const n = text.length;
  pos = 0;
  sYear = readDigits(text, 4);
  if (pos !== 4) return badFormat(text, allowDateOnly);
  const separator = text.charCodeAt(4);
  if (separator !== 45 && separator !== 47) return badFormat(text, allowDateOnly); // '-' or '/'
  pos = 5;
  sMonth = readDigits(text, 2);
  if (pos === 5 || text.charCodeAt(pos) !== separator) return badFormat(text, allowDateOnly);
  const dayAt = ++pos;
  sDay = readDigits(text, 2);
  if (pos === dayAt) return badFormat(text, allowDateOnly);
  sHour = sMinute = sSecond = sMs = 0;
  sOffsetMinutes = NaN;
  sDateOnly = pos === n;
  if (sDateOnly) {
    if (!allowDateOnly) return `${quote(text)} has no time of day`;
  } else {
    const t = text.charCodeAt(pos);
    if (t !== 84 && t !== 32 && t !== 116) return badFormat(text, allowDateOnly); // 'T', ' ', 't'
    const hourAt = ++pos;
    sHour = readDigits(text, 2);
    if (pos === hourAt || text.charCodeAt(pos) !== 58) return badFormat(text, allowDateOnly); // ':'
    const minuteAt = ++pos;
    sMinute = readDigits(text, 2);
    if (pos !== minuteAt + 2) return badFormat(text, allowDateOnly);
    if (text.charCodeAt(pos) === 58) {
      const secondAt = ++pos;
      sSecond = readDigits(text, 2);
      if (pos !== secondAt + 2) return badFormat(text, allowDateOnly);
      const dot = text.charCodeAt(pos);
      if (dot === 46 || dot === 44) {
        const fractionAt = ++pos;
        const fraction = readDigits(text, 9);
        const digits = pos - fractionAt;
        if (digits === 0) return badFormat(text, allowDateOnly);
        sMs = digits <= 3 ? fraction * 10 ** (3 - digits) : Math.floor(fraction / 10 ** (digits - 3));
      }
    }
    if (pos < n) {
      const sign = text.charCodeAt(pos);
      if (sign === 90 || sign === 122) {
        sOffsetMinutes = 0; // 'Z'
        pos++;
      } else if (sign === 43 || sign === 45) {
        const offsetStart = ++pos;
        const hours = readDigits(text, 2);
        if (pos !== offsetStart + 2) return badFormat(text, allowDateOnly);
        const colon = text.charCodeAt(pos) === 58;
        if (colon) pos++;
        const minutesAt = pos;
        const minutes = readDigits(text, 2);
        if (pos !== minutesAt + 2 && (colon || pos !== minutesAt)) return badFormat(text, allowDateOnly);
        if (hours > 23 || minutes > 59) return `offset out of range in ${quote(text)}`;
        sOffsetMinutes = (sign === 43 ? 1 : -1) * (hours * 60 + minutes);
      }
      if (pos !== n) return badFormat(text, allowDateOnly);
    }
  }
  if (sMonth < 1 || sMonth > 12) return `month ${sMonth} is out of range (1–12) in ${quote(text)}`;
  if (sDay < 1 || sDay > daysInMonth(sYear, sMonth)) return `${sYear}-${pad2(sMonth)} has no day ${sDay}`;
  if (sHour > 23) return `hour ${sHour} is out of range (0–23) in ${quote(text)}`;
  if (sMinute > 59) return `minute ${sMinute} is out of range (0–59) in ${quote(text)}`;
  if (sSecond > 59) return `second ${sSecond} is out of range (0–59) in ${quote(text)}`;
  return undefined;
}

const scannedLocalMs = () =>
  daysFromCivil(sYear, sMonth, sDay) * DAY_MS + sHour * HOUR_MS + sMinute * MINUTE_MS + sSecond * 1000 + sMs;

function parse(text: string, timeZone: string, allowDateOnly: boolean): ParseResult {
  const zone = findZone(timeZone);
  if (!zone) return { ok: false, reason: `unknown time zone "${timeZone}"` };
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const trimmed = first <= 32 || last <= 32 ? text.trim() : text;
  const problem = scan(trimmed, allowDateOnly);
  if (problem !== undefined) return { ok: false, reason: problem };
  const localMs = scannedLocalMs();
  if (!Number.isNaN(sOffsetMinutes)) return { ok: true, atMs: localMs - sOffsetMinutes * MINUTE_MS };
  // A date is the start of that park-local day, even when a transition skips its midnight.
  const atMs = localToUtc(zone, localMs, sDateOnly ? 'compatible' : 'reject');
  if (Number.isNaN(atMs)) {
    return {
      ok: false,
      reason: `${quote(trimmed)} does not exist in ${timeZone} (the clocks skip that time)`,
    };
  }
  return { ok: true, atMs };
}

/** Parses a reading timestamp: ISO 8601 with offset or Z ("2025-03-01T08:15:00+08:00"), or a naive local date-time ("2025-03-01 08:15", "2025-03-01T08:15:00", "2025/03/01 08:15:00") interpreted in `timeZone` (IANA). Returns epoch ms, or a reason string when it is not a valid timestamp (bad format, impossible date like Feb 30, hour 25). */
export function parseTimestamp(
  text: string,
  timeZone: string,
): { ok: true; atMs: number } | { ok: false; reason: string } {
  return parse(text, timeZone, false);
}

/** Parses a date ("2025-03-01" = park-local midnight) or an instant, same rules. */
export function parseDateOrInstant(
  text: string,
  timeZone: string,
): { ok: true; atMs: number } | { ok: false; reason: string } {
  return parse(text, timeZone, true);
}

// ---- formatting and buckets ---------------------------------------------------------------------------------------

/** Formats epoch ms as ISO 8601 with the zone's offset, e.g. "2025-03-01T08:15:00+08:00". */
export function formatLocal(atMs: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(timeZone, atMs);
  const local = new Date(atMs + offset * MINUTE_MS);
  const ms = local.getUTCMilliseconds();
  const abs = Math.abs(offset);
  return (
    `${String(local.getUTCFullYear()).padStart(4, '0')}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    (ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`) +
    `${offset < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/** A park-local calendar bucket. */
export type Bucket = 'hour' | 'day' | 'month' | 'year';

/** Start (epoch ms) of the park-local calendar bucket containing atMs: 'hour' | 'day' | 'month' | 'year'. */
export function localBucketStart(atMs: number, bucket: Bucket, timeZone: string): number {
  const zone = requireZone(timeZone);
  const offsetMs = offsetAt(zone, atMs) * MINUTE_MS;
  const localMs = atMs + offsetMs;
  switch (bucket) {
    case 'hour':
      // With the instant's own offset, so that the repeated hour of an autumn overlap stays a bucket of its own.
      return Math.floor(localMs / HOUR_MS) * HOUR_MS - offsetMs;
    case 'day':
      return localToUtc(zone, Math.floor(localMs / DAY_MS) * DAY_MS, 'compatible');
    case 'month':
    case 'year': {
      const local = new Date(localMs);
      const month = bucket === 'month' ? local.getUTCMonth() + 1 : 1;
      return localToUtc(zone, daysFromCivil(local.getUTCFullYear(), month, 1) * DAY_MS, 'compatible');
    }
  }
}

/** Start of the next bucket after the one starting at startMs. */
export function nextBucketStart(startMs: number, bucket: Bucket, timeZone: string): number {
  const zone = requireZone(timeZone);
  if (bucket === 'hour') {
    const nextMs = startMs + HOUR_MS;
    const alignedMs = localBucketStart(nextMs, 'hour', timeZone);
    return alignedMs > startMs ? alignedMs : nextMs;
  }
  const local = new Date(startMs + offsetAt(zone, startMs) * MINUTE_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const days =
    bucket === 'day'
      ? daysFromCivil(year, month, local.getUTCDate()) + 1
      : bucket === 'month'
        ? month === 12
          ? daysFromCivil(year + 1, 1, 1)
          : daysFromCivil(year, month + 1, 1)
        : daysFromCivil(year + 1, 1, 1);
  return localToUtc(zone, days * DAY_MS, 'compatible');
}

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import {
  formatLocal,
  isValidTimeZone,
  localBucketStart,
  nextBucketStart,
  parseDateOrInstant,
  parseTimestamp,
  SLOT_MS,
  zoneOffsetMinutes,
  type Bucket,
} from './time.ts';

const SHANGHAI = 'Asia/Shanghai';
const KOLKATA = 'Asia/Kolkata';
const BERLIN = 'Europe/Berlin';
const SAO_PAULO = 'America/Sao_Paulo';
const utc = Date.UTC;

const atMs = (text: string, zone: string) => {
  const result = parseTimestamp(text, zone);
  if (!result.ok) throw new Error(result.reason);
  return result.atMs;
};
const reason = (text: string, zone: string, parse = parseTimestamp) => {
  const result = parse(text, zone);
  return result.ok ? `parsed as ${result.atMs}` : result.reason;
};

describe('parseTimestamp', () => {
  it('reads instants with an offset or Z whatever the zone', () => {
    const expected = utc(2025, 2, 1, 0, 15); // 08:15 at +08:00
    for (const text of [
      '2025-03-01T08:15:00+08:00',
      '2025-03-01T08:15:00+0800',
      '2025-03-01T08:15+08',
      '2025-03-01T00:15:00Z',
      '2025-03-01 05:45:00+05:30',
      '2025-02-28T19:15:00-05:00',
    ]) {
      expect(atMs(text, BERLIN), text).toBe(expected);
    }
  });

  it('reads naive local times in the given zone', () => {
    const expected = utc(2025, 2, 1, 0, 15); // 08:15 in Shanghai (UTC+8)
    for (const text of [
      '2025-03-01 08:15',
      '2025-03-01T08:15:00',
      '2025/03/01 08:15:00',
      '2025/3/1 8:15',
      ' 2025-03-01 08:15 ',
    ]) {
      expect(atMs(text, SHANGHAI), text).toBe(expected);
    }
    expect(atMs('2025-03-01 08:15', KOLKATA)).toBe(utc(2025, 2, 1, 2, 45)); // UTC+5:30
    expect(atMs('2025-03-01 08:15', 'UTC')).toBe(utc(2025, 2, 1, 8, 15));
    expect(atMs('2025-01-15 12:00', BERLIN)).toBe(utc(2025, 0, 15, 11)); // CET, UTC+1
    expect(atMs('2025-07-15 12:00', BERLIN)).toBe(utc(2025, 6, 15, 10)); // CEST, UTC+2
  });

  it('reads fractions of a second to the millisecond', () => {
    expect(atMs('2025-03-01T00:15:00.5Z', 'UTC')).toBe(utc(2025, 2, 1, 0, 15, 0, 500));
    expect(atMs('2025-03-01 00:15:00.123456', 'UTC')).toBe(utc(2025, 2, 1, 0, 15, 0, 123));
  });

  it('rejects the spring gap and takes the earlier instant in the autumn overlap', () => {
    // Berlin, 30 March 2025: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    expect(atMs('2025-03-30 01:59', BERLIN)).toBe(utc(2025, 2, 30, 0, 59));
    expect(reason('2025-03-30 02:30', BERLIN)).toBe(
      '"2025-03-30 02:30" does not exist in Europe/Berlin (the clocks skip that time)',
    );
    expect(atMs('2025-03-30 03:00', BERLIN)).toBe(utc(2025, 2, 30, 1));
    // Berlin, 26 October 2025: 03:00 CEST falls back to 02:00 CET at 01:00 UTC, so 02:30 happens twice.
    expect(atMs('2025-10-26 02:30', BERLIN)).toBe(utc(2025, 9, 26, 0, 30));
    expect(atMs('2025-10-26 03:00', BERLIN)).toBe(utc(2025, 9, 26, 2));
  });

  it('checks calendar dates and clock ranges', () => {
    expect(atMs('2024-02-29 00:00', 'UTC')).toBe(utc(2024, 1, 29));
    expect(atMs('2000-02-29 00:00', 'UTC')).toBe(utc(2000, 1, 29));
    expect(reason('2025-02-29 00:00', 'UTC')).toBe('2025-02 has no day 29');
    expect(reason('1900-02-29 00:00', 'UTC')).toBe('1900-02 has no day 29');
    expect(reason('2025-02-30 08:00', SHANGHAI)).toBe('2025-02 has no day 30');
    expect(reason('2025-04-31 08:00', SHANGHAI)).toBe('2025-04 has no day 31');
    expect(reason('2025-13-01 00:00', SHANGHAI)).toBe(
      'month 13 is out of range (1–12) in "2025-13-01 00:00"',
    );
    expect(reason('2025-03-01 25:00', SHANGHAI)).toBe('hour 25 is out of range (0–23) in "2025-03-01 25:00"');
    expect(reason('2025-03-01 24:00', SHANGHAI)).toBe('hour 24 is out of range (0–23) in "2025-03-01 24:00"');
    expect(reason('2025-03-01 08:60', SHANGHAI)).toBe(
      'minute 60 is out of range (0–59) in "2025-03-01 08:60"',
    );
    expect(reason('2025-03-01T08:15:00+24:00', SHANGHAI)).toBe(
      'offset out of range in "2025-03-01T08:15:00+24:00"',
    );
  });

  it('rejects other shapes', () => {
    const badFormat = (text: string) =>
      `not a timestamp: ${JSON.stringify(text)} (expected e.g. 2025-03-01T08:15:00+08:00 or 2025-03-01 08:15)`;
    for (const text of [
      '',
      'yesterday',
      '20250301 0815',
      '2025-03/01 08:15',
      '2025-03-01-08:15',
      '2025-03-01 8:5',
      '2025-03-01 08:15:0',
      '2025-03-01T08:15:00.',
      '2025-03-01T08:15:00+08:',
      '2025-03-01T08:15:00 CST',
      '25-03-01 08:15',
    ]) {
      expect(reason(text, SHANGHAI), text).toBe(badFormat(text));
    }
    expect(reason('2025-03-01', SHANGHAI)).toBe('"2025-03-01" has no time of day');
    expect(reason('2025-03-01 08:15', 'Mars/Olympus')).toBe('unknown time zone "Mars/Olympus"');
  });

  it('parses 1e5 naive timestamps', () => {
    const startMs = utc(2024, 11, 31, 16); // 2025-01-01 00:00 in Shanghai
    const count = 100_000; // about 2.9 years of 15-minute slots
    const texts = Array.from({ length: count }, (_, i) =>
      // Shanghai wall-clock time is UTC + 8 h; toISOString gives "YYYY-MM-DDTHH:MM:SS.sssZ".
      new Date(startMs + i * SLOT_MS + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
    );
    let mismatches = 0;
    for (let i = 0; i < count; i++) {
      const result = parseTimestamp(texts[i] ?? '', SHANGHAI);
      if (!result.ok || result.atMs !== startMs + i * SLOT_MS) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('parseDateOrInstant', () => {
  it('reads a date as park-local midnight', () => {
    expect(parseDateOrInstant('2025-03-01', SHANGHAI)).toEqual({ ok: true, atMs: utc(2025, 1, 28, 16) });
    expect(parseDateOrInstant('2025-03-01', KOLKATA)).toEqual({ ok: true, atMs: utc(2025, 1, 28, 18, 30) });
    expect(parseDateOrInstant('2025/03/01', 'UTC')).toEqual({ ok: true, atMs: utc(2025, 2, 1) });
  });

  it('starts a day whose midnight is skipped at the transition', () => {
    // São Paulo, 4 November 2018: 00:00 (UTC−3) jumped to 01:00 (UTC−2), so the day began at 03:00 UTC.
    expect(parseDateOrInstant('2018-11-04', SAO_PAULO)).toEqual({ ok: true, atMs: utc(2018, 10, 4, 3) });
    expect(parseTimestamp('2018-11-04 00:30', SAO_PAULO).ok).toBe(false);
  });

  it('reads instants and rejects impossible dates', () => {
    expect(parseDateOrInstant('2025-03-01T00:00:00Z', SHANGHAI)).toEqual({ ok: true, atMs: utc(2025, 2, 1) });
    expect(reason('2025-02-30', SHANGHAI, parseDateOrInstant)).toBe('2025-02 has no day 30');
    expect(reason('March 1', SHANGHAI, parseDateOrInstant)).toBe(
      'not a date or timestamp: "March 1" (expected e.g. 2025-03-01, 2025-03-01T08:15:00+08:00 or 2025-03-01 08:15)',
    );
  });
});

describe('zones', () => {
  it('gives offsets in minutes', () => {
    expect(zoneOffsetMinutes(SHANGHAI, utc(2025, 2, 1))).toBe(480);
    expect(zoneOffsetMinutes(KOLKATA, utc(2025, 2, 1))).toBe(330);
    expect(zoneOffsetMinutes('UTC', utc(2025, 2, 1))).toBe(0);
    expect(zoneOffsetMinutes(BERLIN, utc(2025, 0, 15))).toBe(60);
    expect(zoneOffsetMinutes(BERLIN, utc(2025, 6, 15))).toBe(120);
    expect(zoneOffsetMinutes(BERLIN, utc(2025, 2, 30, 0, 59))).toBe(60);
    expect(zoneOffsetMinutes(BERLIN, utc(2025, 2, 30, 1))).toBe(120);
    // China observed summer time from 1986 to 1991, so even Shanghai is not a fixed offset.
    expect(zoneOffsetMinutes(SHANGHAI, utc(1988, 6, 1))).toBe(540);
  });

  it('rejects unknown zones', () => {
    expect(isValidTimeZone(SHANGHAI)).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Etc/GMT-8')).toBe(true);
    expect(isValidTimeZone('Asia/Shangai')).toBe(false);
    expect(isValidTimeZone('+08:00')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => zoneOffsetMinutes('Asia/Shangai', 0)).toThrow(AppError);
  });

  it('formats instants with the local offset', () => {
    const at = utc(2025, 2, 1, 0, 15);
    expect(formatLocal(at, SHANGHAI)).toBe('2025-03-01T08:15:00+08:00');
    expect(formatLocal(at, KOLKATA)).toBe('2025-03-01T05:45:00+05:30');
    expect(formatLocal(at, 'UTC')).toBe('2025-03-01T00:15:00+00:00');
    expect(formatLocal(utc(2025, 6, 15, 10), BERLIN)).toBe('2025-07-15T12:00:00+02:00');
    expect(formatLocal(utc(2025, 0, 15, 17), 'America/New_York')).toBe('2025-01-15T12:00:00-05:00');
    expect(formatLocal(utc(2025, 2, 1, 0, 15, 0, 7), 'UTC')).toBe('2025-03-01T00:15:00.007+00:00');
  });
});

describe('calendar buckets', () => {
  it('finds park-local hours, days, months and years', () => {
    expect(localBucketStart(utc(2025, 2, 1, 0, 15), 'day', SHANGHAI)).toBe(utc(2025, 1, 28, 16));
    expect(localBucketStart(utc(2025, 1, 28, 15, 59), 'day', SHANGHAI)).toBe(utc(2025, 1, 27, 16));
    expect(localBucketStart(utc(2025, 2, 1, 2, 50), 'hour', KOLKATA)).toBe(utc(2025, 2, 1, 2, 30));
    expect(localBucketStart(utc(2025, 2, 10, 12), 'month', KOLKATA)).toBe(utc(2025, 1, 28, 18, 30));
    expect(localBucketStart(utc(2025, 5, 1), 'year', SHANGHAI)).toBe(utc(2024, 11, 31, 16));
    expect(localBucketStart(utc(2024, 11, 31, 16, 30), 'year', SHANGHAI)).toBe(utc(2024, 11, 31, 16));
  });

  it('steps to the next bucket', () => {
    expect(nextBucketStart(utc(2025, 2, 1, 2, 30), 'hour', KOLKATA)).toBe(utc(2025, 2, 1, 3, 30));
    expect(nextBucketStart(utc(2025, 0, 31, 16), 'month', SHANGHAI)).toBe(utc(2025, 1, 28, 16));
    expect(nextBucketStart(utc(2024, 10, 30, 16), 'month', SHANGHAI)).toBe(utc(2024, 11, 31, 16));
    expect(nextBucketStart(utc(2024, 11, 31, 16), 'year', SHANGHAI)).toBe(utc(2025, 11, 31, 16));
    // Berlin: March begins in CET (UTC+1), April in CEST (UTC+2).
    expect(nextBucketStart(utc(2025, 1, 28, 23), 'month', BERLIN)).toBe(utc(2025, 2, 31, 22));
  });

  it('gives DST days 23 and 25 hours and keeps the repeated hour apart', () => {
    const springDay = localBucketStart(utc(2025, 2, 30, 12), 'day', BERLIN);
    expect(springDay).toBe(utc(2025, 2, 29, 23));
    expect(nextBucketStart(springDay, 'day', BERLIN)).toBe(utc(2025, 2, 30, 22));
    const autumnDay = localBucketStart(utc(2025, 9, 26, 12), 'day', BERLIN);
    expect(autumnDay).toBe(utc(2025, 9, 25, 22));
    expect(nextBucketStart(autumnDay, 'day', BERLIN)).toBe(utc(2025, 9, 26, 23));
    // 02:30 CEST and 02:30 CET are in different hours.
    expect(localBucketStart(utc(2025, 9, 26, 0, 30), 'hour', BERLIN)).toBe(utc(2025, 9, 26, 0));
    expect(localBucketStart(utc(2025, 9, 26, 1, 30), 'hour', BERLIN)).toBe(utc(2025, 9, 26, 1));
    expect(nextBucketStart(utc(2025, 9, 26, 0), 'hour', BERLIN)).toBe(utc(2025, 9, 26, 1));
    // 01:00 CET is followed by 03:00 CEST, one hour later.
    expect(nextBucketStart(utc(2025, 2, 30, 0), 'hour', BERLIN)).toBe(utc(2025, 2, 30, 1));
    expect(localBucketStart(utc(2018, 10, 4, 12), 'day', SAO_PAULO)).toBe(utc(2018, 10, 4, 3));
  });

  test.prop([
    fc.integer({ min: utc(1980, 0, 1), max: utc(2040, 0, 1) }),
    fc.constantFrom(SHANGHAI, KOLKATA, BERLIN, SAO_PAULO, 'America/New_York', 'UTC'),
    fc.constantFrom<Bucket>('hour', 'day', 'month', 'year'),
  ])('buckets tile time: start ≤ t < next, and both are bucket starts', (t, zone, bucket) => {
    const startMs = localBucketStart(t, bucket, zone);
    const nextMs = nextBucketStart(startMs, bucket, zone);
    expect(startMs).toBeLessThanOrEqual(t);
    expect(nextMs).toBeGreaterThan(t);
    expect(localBucketStart(startMs, bucket, zone)).toBe(startMs);
    expect(localBucketStart(nextMs, bucket, zone)).toBe(nextMs);
  });

  test.prop([
    fc.integer({ min: utc(1970, 0, 1), max: utc(2100, 0, 1) }),
    fc.constantFrom(SHANGHAI, KOLKATA, BERLIN, SAO_PAULO, 'UTC'),
  ])('formatLocal and parseTimestamp round-trip', (t, zone) => {
    expect(atMs(formatLocal(t, zone), zone)).toBe(t);
  });
});

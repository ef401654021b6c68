/** Profiles: CSV reading with located errors, resampling, scaling, energy and the days × steps matrix. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import {
  dailyMatrix,
  parseProfileCsv,
  profileEnergyKwh,
  resample,
  scaleProfile,
  scaleToEnergy,
} from './profiles.ts';
import type { Profile } from './types.ts';

const TZ = 'Asia/Shanghai';
const MIDNIGHT = Date.parse('2025-01-01T00:00:00+08:00');

function badInput(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BAD_INPUT');
    return e as AppError;
  }
  throw new Error('expected a BAD_INPUT error');
}

describe('parseProfileCsv', () => {
  it('reads hourly park-local rows (at,kw)', () => {
    const p = parseProfileCsv(
      'at,kw\n2025-01-01 00:00,120\n2025-01-01 01:00,118.5\n2025-01-01 02:00,0\n',
      'load.csv',
      TZ,
    );
    expect(p).toEqual({
      startMs: MIDNIGHT,
      stepMinutes: 60,
      valuesKw: [120, 118.5, 0],
      perKw: false,
      source: 'csv:load.csv',
    });
  });

  it('reads 15-minute rows with offsets, CRLF, a BOM, quotes, extra columns and time,value headers', () => {
    const text =
      '\uFEFFtime,note,value\r\n' +
      '2024-12-31T16:00:00Z,"a, quoted note",10\r\n' +
      '2025-01-01T00:15:00+08:00,,20\r\n' +
      '2025-01-01 00:30,,30\r\n';
    const p = parseProfileCsv(text, 'pv.csv', TZ, { perKw: true });
    expect(p).toMatchObject({ startMs: MIDNIGHT, stepMinutes: 15, valuesKw: [10, 20, 30], perKw: true });
  });

  it('turns kWh per step into average kW', () => {
    // 50 kWh in a quarter hour = 200 kW.
    const p = parseProfileCsv('at,kwh\n2025-01-01 00:00,50\n2025-01-01 00:15,25\n', 'e.csv', TZ);
    expect(p.valuesKw).toEqual([200, 100]);
  });

  it('names file, line and field of every problem', () => {
    const text = [
      'at,kw',
      '2025-01-01 00:00,10',
      '2025-01-01 01:00,abc', // line 3: not a number
      '2025-02-30 02:00,5', // line 4: no such date
      '2025-01-01 03:00,-4', // line 5: negative
      '2025-01-01 03:00', // line 6: missing field
    ].join('\n');
    const e = badInput(() => parseProfileCsv(text, 'load.csv', TZ));
    expect(e.issues).toEqual([
      { file: 'load.csv', line: 3, field: 'kw', reason: 'not a number: "abc"' },
      { file: 'load.csv', line: 4, field: 'at', reason: '2025-02 has no day 30' },
      {
        file: 'load.csv',
        line: 5,
        field: 'kw',
        reason: 'negative value -4 (a load or output cannot be negative here)',
      },
      { file: 'load.csv', line: 6, field: 'line', reason: 'expected 2 fields, found 1' },
    ]);
    expect(e.message).toBe('load.csv:3: kw: not a number: "abc" (and 3 more problems)');
    // A net load may be negative when asked for.
    expect(
      parseProfileCsv('at,kw\n2025-01-01 00:00,-1\n2025-01-01 01:00,2\n', 'n.csv', TZ, {
        allowNegative: true,
      }).valuesKw,
    ).toEqual([-1, 2]);
  });

  it('finds gaps, repeats, a wrong step and a misaligned start', () => {
    const gap = badInput(() =>
      parseProfileCsv(
        'at,kw\n2025-01-01 00:00,1\n2025-01-01 01:00,1\n2025-01-01 03:00,1\n2025-01-01 03:00,1\n',
        'g.csv',
        TZ,
      ),
    );
    expect(gap.issues.map((i) => [i.line, i.reason])).toEqual([
      [
        4,
        'expected 2025-01-01T02:00:00+08:00 (60-minute steps), found 2025-01-01T03:00:00+08:00: a gap of 1 step(s)',
      ],
      [
        5,
        'expected 2025-01-01T04:00:00+08:00 (60-minute steps), found 2025-01-01T03:00:00+08:00: out of order or repeated',
      ],
    ]);
    const step = badInput(() =>
      parseProfileCsv('at,kw\n2025-01-01 00:00,1\n2025-01-01 00:30,1\n', 's.csv', TZ),
    );
    expect(step.issues[0]).toMatchObject({ line: 3, field: 'at' });
    expect(step.message).toContain('30 minutes apart');
    const start = badInput(() =>
      parseProfileCsv('at,kw\n2025-01-01 00:15,1\n2025-01-01 01:15,1\n', 'a.csv', TZ),
    );
    expect(start.message).toContain('must start on a park-local hour');
  });

  it('rejects a header without the columns, an empty file and a single row', () => {
    expect(badInput(() => parseProfileCsv('when,power\n', 'h.csv', TZ)).issues.map((i) => i.field)).toEqual([
      'at',
      'kw',
    ]);
    expect(badInput(() => parseProfileCsv('at,kw\n', 'e.csv', TZ)).message).toContain('no data rows');
    expect(badInput(() => parseProfileCsv('at,kw\n2025-01-01 00:00,1\n', 'o.csv', TZ)).message).toContain(
      'step is unknown',
    );
    expect(badInput(() => parseProfileCsv('at,kw,kwh\n', 'b.csv', TZ)).message).toContain('either kw or kwh');
  });
});

describe('resample, scale, energy', () => {
  const hourly: Profile = { startMs: MIDNIGHT, stepMinutes: 60, valuesKw: [4, 8], perKw: false, source: 'x' };

  it('repeats hours over quarters and averages quarters into hours', () => {
    const q = resample(hourly, 15);
    expect(q).toMatchObject({ stepMinutes: 15, valuesKw: [4, 4, 4, 4, 8, 8, 8, 8], startMs: MIDNIGHT });
    // (1 + 2 + 3 + 6)/4 = 3 kW.
    expect(resample({ ...q, valuesKw: [1, 2, 3, 6, 0, 0, 0, 4] }, 60).valuesKw).toEqual([3, 1]);
    expect(() => resample({ ...q, valuesKw: [1, 2, 3] }, 60)).toThrow(/not whole hours/);
  });

  it('gives energy in kWh and scales to a target', () => {
    expect(profileEnergyKwh(hourly)).toBe(12); // 4 + 8 kWh
    expect(profileEnergyKwh(resample(hourly, 15))).toBe(12);
    expect(scaleProfile(hourly, 2.5).valuesKw).toEqual([10, 20]);
    const pv = { ...hourly, perKw: true };
    expect(scaleProfile(pv, 1000, { perKw: false })).toMatchObject({ valuesKw: [4000, 8000], perKw: false });
    expect(profileEnergyKwh(scaleToEnergy(hourly, 30))).toBeCloseTo(30, 12);
    expect(() => scaleToEnergy({ ...hourly, valuesKw: [0, 0] }, 30)).toThrow(/no positive energy/);
  });

  test.prop([fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 96 })])(
    'resampling conserves energy both ways',
    (values) => {
      const p: Profile = { startMs: MIDNIGHT, stepMinutes: 60, valuesKw: values, perKw: false, source: 'x' };
      const e = profileEnergyKwh(p);
      expect(profileEnergyKwh(resample(p, 15))).toBeCloseTo(e, 6);
      expect(profileEnergyKwh(resample(resample(p, 15), 60))).toBeCloseTo(e, 6);
    },
  );
});

describe('dailyMatrix', () => {
  it('cuts a profile into park-local days', () => {
    const values = Array.from({ length: 48 }, (_, i) => i);
    const m = dailyMatrix(
      { startMs: MIDNIGHT, stepMinutes: 60, valuesKw: values, perKw: false, source: 'x' },
      TZ,
    );
    expect(m.dates).toEqual(['2025-01-01', '2025-01-02']);
    expect(m.stepsPerDay).toBe(24);
    expect(m.valuesKw[1]![0]).toBe(24);
  });

  it('refuses a profile that starts off midnight, is not whole days, or crosses a daylight-saving change', () => {
    const p = (startMs: number, n: number): Profile => ({
      startMs,
      stepMinutes: 60,
      valuesKw: new Array<number>(n).fill(1),
      perKw: false,
      source: 'x',
    });
    expect(() => dailyMatrix(p(MIDNIGHT + 3_600_000, 24), TZ)).toThrow(/not at park-local midnight/);
    expect(() => dailyMatrix(p(MIDNIGHT, 25), TZ)).toThrow(/not whole days/);
    // Berlin moves its clocks on 2025-03-30: that day has 23 hours.
    expect(() => dailyMatrix(p(Date.parse('2025-03-29T00:00:00+01:00'), 48), 'Europe/Berlin')).toThrow(
      /not 24 hours long/,
    );
  });
});

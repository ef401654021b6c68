/** The wind model: every expected number is worked out by hand in the comments. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import {
  airDensityKgPerM3,
  DEFAULT_POWER_CURVE,
  genericPowerCurve,
  hubHeightSpeedMs,
  powerCurveFromKw,
  powerShareAt,
  windShape,
  type PowerCurve,
} from './wind.ts';

const START = Date.parse('2025-01-01T00:00:00+08:00');
// A small turbine's table: cut-in 3 m/s, rated 2,000 kW from 12 m/s, cut-out 25 m/s.
const CURVE: PowerCurve = powerCurveFromKw(
  [
    [3, 0],
    [5, 200],
    [8, 800],
    [12, 2000],
  ],
  2000,
  25,
);

describe('power curve', () => {
  it('is zero below cut-in and from cut-out, linear between points, rated up to cut-out', () => {
    expect(powerShareAt(CURVE, 2.9)).toBe(0);
    expect(powerShareAt(CURVE, 3)).toBe(0);
    expect(powerShareAt(CURVE, 4)).toBeCloseTo(0.05, 12); // halfway 0 → 200 kW: 100 / 2000
    expect(powerShareAt(CURVE, 6.5)).toBeCloseTo(0.25, 12); // halfway 200 → 800: 500 / 2000
    expect(powerShareAt(CURVE, 10)).toBeCloseTo(0.7, 12); // halfway 800 → 2000: 1400 / 2000
    expect(powerShareAt(CURVE, 12)).toBe(1);
    expect(powerShareAt(CURVE, 24.99)).toBe(1);
    expect(powerShareAt(CURVE, 25)).toBe(0);
    expect(powerShareAt(CURVE, 30)).toBe(0);
  });

  it('the generic curve follows (v³ − 3³)/(12³ − 3³) below rated', () => {
    // At 8 m/s: (512 − 27) / (1728 − 27) = 485 / 1701 = 0.285126.
    expect(powerShareAt(DEFAULT_POWER_CURVE, 8)).toBeCloseTo(485 / 1701, 12);
    // At 8.25 m/s: linear between the 8 and 8.5 m/s points: (0.285126 + (614.125 − 27)/1701) / 2.
    expect(powerShareAt(DEFAULT_POWER_CURVE, 8.25)).toBeCloseTo((485 / 1701 + 587.125 / 1701) / 2, 12);
    expect(() => genericPowerCurve(12, 3, 25)).toThrow(AppError);
  });

  it('rejects a table whose speeds do not increase, naming the point', () => {
    try {
      powerCurveFromKw(
        [
          [3, 0],
          [3, 100],
        ],
        2000,
        25,
      );
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).issues[0]).toMatchObject({ field: 'powerCurve.points[1]' });
    }
  });
});

describe('shear and density', () => {
  it('scales 10 m speeds to hub height by the 1/7 power law', () => {
    // 6 m/s at 10 m → 100 m: 6 · 10^(1/7) = 6 · 1.389495 = 8.33697 m/s.
    expect(hubHeightSpeedMs(6, 10, 100, 1 / 7)).toBeCloseTo(8.33697, 4);
  });

  it('gives the ISA air density at sea level and at Kunming', () => {
    // Sea level, 15 °C: 101,325 / (287.05 · 288.15) = 1.2250 kg/m³.
    expect(airDensityKgPerM3(0)).toBeCloseTo(1.225, 3);
    // 1,890 m: p = 101,325 · (1 − 0.042634)^5.25588 = 80,587 Pa; ρ = 80,587 / (287.05 · 288.15) = 0.9743.
    expect(airDensityKgPerM3(1890)).toBeCloseTo(0.9743, 4);
  });
});

describe('windShape', () => {
  it('applies shear, density and losses, then the curve, per step', () => {
    const p = windShape([2, 6, 30], {
      startMs: START,
      stepMinutes: 60,
      measurementHeightM: 10,
      hubHeightM: 100,
      powerCurve: CURVE,
      lossesShare: 0.1,
    });
    expect(p).toMatchObject({ startMs: START, stepMinutes: 60, perKw: true, source: 'wind-curve' });
    // 2 m/s → 2.779 m/s at hub: below cut-in. 6 → 8.33697 m/s: 800 + 1200 · 0.33697/4 = 901.09 kW → 0.450546 ·
    // 0.9 = 0.405491. 30 → 41.7 m/s: beyond cut-out.
    expect(p.valuesKw[0]).toBe(0);
    expect(p.valuesKw[1]).toBeCloseTo(((800 + (1200 * (6 * 10 ** (1 / 7) - 8)) / 4) / 2000) * 0.9, 12);
    expect(p.valuesKw[2]).toBe(0);
  });

  it('takes the speeds at hub height when no heights are given; lower air density lowers output', () => {
    const sea = windShape([10], { startMs: START, stepMinutes: 15, powerCurve: CURVE });
    expect(sea.valuesKw[0]).toBeCloseTo(0.7, 12);
    // ρ = 0.9743: 10 · (0.9743/1.225)^(1/3) = 10 · 0.926514 = 9.26514 m/s → (800 + 1200 · 1.26514/4)/2000 = 0.589772.
    const high = windShape([10], {
      startMs: START,
      stepMinutes: 15,
      powerCurve: CURVE,
      airDensityKgPerM3: 0.9743,
    });
    expect(high.valuesKw[0]).toBeCloseTo(0.589772, 5);
  });

  it('rejects bad speeds and half-given heights, naming each', () => {
    try {
      windShape([5, Number.NaN, -1], { startMs: START, stepMinutes: 60, hubHeightM: 100 });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('BAD_INPUT');
      expect((e as AppError).issues.map((i) => i.field)).toEqual([
        'measurementHeightM',
        'speedsMs[1]',
        'speedsMs[2]',
      ]);
    }
  });

  test.prop([fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { minLength: 1, maxLength: 200 })])(
    'output per kW rated stays within 0…1 and never rises with losses',
    (speeds) => {
      const a = windShape(speeds, {
        startMs: START,
        stepMinutes: 60,
        measurementHeightM: 10,
        hubHeightM: 90,
      });
      const b = windShape(speeds, {
        startMs: START,
        stepMinutes: 60,
        measurementHeightM: 10,
        hubHeightM: 90,
        lossesShare: 0.05,
      });
      a.valuesKw.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(b.valuesKw[i]).toBeCloseTo(v * 0.95, 12);
      });
    },
  );
});

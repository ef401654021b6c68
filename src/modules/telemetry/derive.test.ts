import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { deriveSeries, FLAG, slotShares, STATUS, type MeterDerivation } from './derive.ts';

const T0 = Date.parse('2025-01-01T00:00:00+08:00');
const min = (m: number) => T0 + m * 60_000;

const register: MeterDerivation = {
  readingKind: 'cumulative',
  multiplier: 1,
  intervalMinutes: 15,
  intervalStamp: 'end',
  capacity: undefined,
  rolloverAt: undefined,
  replacements: [],
};

describe('cumulative registers', () => {
  it('takes differences, applying the multiplier', () => {
    const d = deriveSeries({ ...register, multiplier: 40 }, undefined, [
      { atMs: min(0), value: 10 },
      { atMs: min(15), value: 12.5 },
    ]);
    expect(d[0]).toEqual({ quantity: null, flags: FLAG.FIRST, spanStartMs: null, spanEndMs: null });
    // (12.5 − 10) × 40 = 100
    expect(d[1]).toEqual({ quantity: 100, flags: 0, spanStartMs: min(0), spanEndMs: min(15) });
  });

  it('unwraps a rollover when plausible and treats an implausible fall as a reset', () => {
    const m = { ...register, rolloverAt: 1000, capacity: 100 };
    // 995 → 3 wraps: 1000 − 995 + 3 = 8 kWh in 15 min = 32 kW ≤ 150 kW: rollover.
    const [, wrap] = deriveSeries(m, undefined, [
      { atMs: min(0), value: 995 },
      { atMs: min(15), value: 3 },
    ]);
    expect(wrap).toMatchObject({ quantity: 8, flags: FLAG.ROLLOVER });
    // 500 → 3 would wrap to 503 kWh = 2,012 kW: not plausible, so a reset: energy since reset = 3.
    const [, reset] = deriveSeries(m, undefined, [
      { atMs: min(0), value: 500 },
      { atMs: min(15), value: 3 },
    ]);
    expect(reset).toMatchObject({ quantity: 3, flags: FLAG.RESET });
  });

  it('quarantines a rate above 1.5 × capacity but keeps the quantity', () => {
    const m = { ...register, capacity: 100 };
    // 38 kWh in 15 min = 152 kW > 150 kW.
    const [, spike] = deriveSeries(m, undefined, [
      { atMs: min(0), value: 0 },
      { atMs: min(15), value: 38 },
    ]);
    expect(spike).toMatchObject({ quantity: 38, flags: FLAG.SPIKE });
    expect(slotShares(spike!)).toEqual([
      { slotMs: min(0), quantity: 38, slots: 1, status: STATUS.QUARANTINED },
    ]);
  });

  it('bridges a gap as an estimate spread over the slots, exact in total', () => {
    const [, bridged] = deriveSeries(register, undefined, [
      { atMs: min(0), value: 0 },
      { atMs: min(45), value: 30 },
    ]);
    expect(bridged!.flags).toBe(FLAG.GAP_BRIDGED | FLAG.SPLIT);
    expect(slotShares(bridged!).map((s) => [s.slotMs, s.quantity, s.status])).toEqual([
      [min(0), 10, STATUS.ESTIMATED],
      [min(15), 10, STATUS.ESTIMATED],
      [min(30), 10, STATUS.ESTIMATED],
    ]);
  });

  it('apportions an off-grid reading by time', () => {
    // 00:10 → 00:25 carries 15; 5 minutes fall in slot 00:00 and 10 in slot 00:15.
    const [, off] = deriveSeries(register, undefined, [
      { atMs: min(10), value: 0 },
      { atMs: min(25), value: 15 },
    ]);
    expect(slotShares(off!).map((s) => [s.slotMs, s.quantity, s.slots])).toEqual([
      [min(0), 5, 1 / 3],
      [min(15), 10, 2 / 3],
    ]);
  });

  it('spreads an hourly register as measured, not estimated', () => {
    const [, hourly] = deriveSeries({ ...register, intervalMinutes: 60 }, undefined, [
      { atMs: min(0), value: 0 },
      { atMs: min(60), value: 40 },
    ]);
    expect(slotShares(hourly!).map((s) => [s.quantity, s.status])).toEqual([
      [10, STATUS.MEASURED],
      [10, STATUS.MEASURED],
      [10, STATUS.MEASURED],
      [10, STATUS.MEASURED],
    ]);
  });

  it('joins a declared replacement', () => {
    const m = { ...register, replacements: [{ atMs: min(20), oldFinalReading: 105, newInitialReading: 2 }] };
    // Old meter: 100 → 105 (5); new meter: 2 → 9 (7): 12.
    const [, across] = deriveSeries(m, undefined, [
      { atMs: min(15), value: 100 },
      { atMs: min(30), value: 9 },
    ]);
    expect(across).toMatchObject({ quantity: 12, flags: FLAG.REPLACEMENT });
  });
});

describe('interval and power readings', () => {
  it('places an interval reading stamped at the start', () => {
    const [d] = deriveSeries({ ...register, readingKind: 'interval', intervalStamp: 'start' }, undefined, [
      { atMs: min(15), value: 7 },
    ]);
    expect(d).toEqual({ quantity: 7, flags: 0, spanStartMs: min(15), spanEndMs: min(30) });
  });

  it('integrates power by the trapezoid rule', () => {
    const [, d] = deriveSeries({ ...register, readingKind: 'power', multiplier: 2 }, undefined, [
      { atMs: min(0), value: 10 },
      { atMs: min(15), value: 30 },
    ]);
    // (10 + 30) / 2 kW × 0.25 h × 2 = 10 kWh
    expect(d!.quantity).toBe(10);
  });
});

describe('properties', () => {
  const registerSeries = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 10_000 })), {
      minLength: 2,
      maxLength: 60,
    })
    .map((steps) => {
      let t = T0;
      let v = 1000;
      return steps.map(([minutes, inc]) => ({ atMs: (t += minutes * 60_000), value: (v += inc / 10) }));
    });

  test.prop([registerSeries, fc.integer({ min: 1, max: 1000 })])(
    'a monotone register yields multiplier × (last − first), and its slot shares add up to it',
    (points, multiplier) => {
      const derived = deriveSeries({ ...register, multiplier }, undefined, points);
      const total = derived.reduce((a, d) => a + (d.quantity ?? 0), 0);
      const expected = multiplier * (points[points.length - 1]!.value - points[0]!.value);
      expect(total).toBeCloseTo(expected, 6);
      const shared = derived.flatMap(slotShares).reduce((a, s) => a + s.quantity, 0);
      expect(shared).toBeCloseTo(expected, 6);
      expect(derived.every((d) => d.quantity === null || d.quantity >= 0)).toBe(true);
    },
  );

  test.prop([registerSeries.map((p) => p.map((x, i) => (i % 7 === 3 ? { ...x, value: x.value / 3 } : x)))])(
    'resets never produce negative quantities',
    (points) => {
      const derived = deriveSeries({ ...register, rolloverAt: 100_000 }, undefined, points);
      expect(derived.every((d) => d.quantity === null || d.quantity >= 0)).toBe(true);
    },
  );
});

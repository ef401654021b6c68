/** Tariffs: price classes, price series in park-local time, validation and effective dating; numbers by hand. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../lib/errors.ts';
import {
  EXAMPLE_SEASONAL_TARIFF,
  priceClassAt,
  priceSeries,
  tariffFor,
  validateTariff,
  YUNNAN_2025_DEMO_TARIFF,
} from './tariff.ts';
import type { Tariff } from './types.ts';

const TZ = 'Asia/Shanghai';
const DEMO = YUNNAN_2025_DEMO_TARIFF;
const SEASONAL = EXAMPLE_SEASONAL_TARIFF;
const at = (text: string) => Date.parse(text);

describe('priceClassAt', () => {
  it('applies half-open hour ranges, flat elsewhere', () => {
    expect(priceClassAt(DEMO, 0, 1)).toBe('valley');
    expect(priceClassAt(DEMO, 7.75, 1)).toBe('valley');
    expect(priceClassAt(DEMO, 8, 1)).toBe('flat');
    expect(priceClassAt(DEMO, 9, 6)).toBe('peak');
    expect(priceClassAt(DEMO, 12, 6)).toBe('flat'); // [9, 12) ends before 12:00
    expect(priceClassAt(DEMO, 22.75, 12)).toBe('peak');
    expect(priceClassAt(DEMO, 23, 12)).toBe('flat');
  });

  it('checks rules in order, by month: seasons, critical peak and deep valley', () => {
    expect(priceClassAt(SEASONAL, 20.5, 7)).toBe('critical_peak'); // the critical-peak rule comes before peak
    expect(priceClassAt(SEASONAL, 20.5, 6)).toBe('peak');
    expect(priceClassAt(SEASONAL, 12, 4)).toBe('deep_valley');
    expect(priceClassAt(SEASONAL, 12, 6)).toBe('flat');
    expect(priceClassAt(SEASONAL, 23.5, 1)).toBe('valley');
  });
});

describe('priceSeries', () => {
  it('gives a 15-minute day in park-local time: 8 h valley, 8 h peak, 8 h flat', () => {
    const day = priceSeries(DEMO, at('2025-07-15T00:00:00+08:00'), 96, 15, TZ);
    const count = (cls: string) => day.priceClass.filter((c) => c === cls).length;
    expect([count('valley'), count('peak'), count('flat')]).toEqual([32, 32, 32]);
    expect(day.priceClass[36]).toBe('peak'); // 09:00
    expect(day.priceClass[35]).toBe('flat'); // 08:45
    // Mean price (8 × 0.24 + 8 × 0.72 + 8 × 0.48) / 24 = 0.48 CNY/kWh.
    expect(day.energyPrice.reduce((a, b) => a + b, 0) / 96).toBeCloseTo(0.48, 12);
  });

  it('averages an hourly step over its quarters; the class covering most of it wins, the earliest on a tie', () => {
    const half: Tariff = {
      ...DEMO,
      id: 'half',
      touRules: [
        { months: [1], hours: [[9.5, 11]], priceClass: 'peak' },
        { months: [1], hours: [[11.25, 12]], priceClass: 'valley' },
      ],
    };
    const s = priceSeries(half, at('2025-01-06T09:00:00+08:00'), 3, 60, TZ);
    // 09:00–10:00: two flat quarters then two peak ones: (2 · 0.48 + 2 · 0.72)/4 = 0.60, class flat (earliest).
    // 10:00–11:00: all peak 0.72. 11:00–12:00: one flat, three valley: (0.48 + 3 · 0.24)/4 = 0.30, valley.
    expect(s.energyPrice.map((p) => Number(p.toFixed(12)))).toEqual([0.6, 0.72, 0.3]);
    expect(s.priceClass).toEqual(['flat', 'peak', 'valley']);
  });

  it('reads hours and months in the zone it is given', () => {
    // 2025-01-01 00:00 in Shanghai is 2024-12-31 16:00 UTC: valley there, flat in UTC (month 12, hour 16).
    const start = at('2025-01-01T00:00:00+08:00');
    expect(priceSeries(DEMO, start, 1, 15, TZ).priceClass).toEqual(['valley']);
    expect(priceSeries(DEMO, start, 1, 15, 'UTC').priceClass).toEqual(['flat']);
    // 2025-07-01 20:00 in Shanghai (critical peak) is 08:00 the same day in New York (UTC−4 in summer): peak there.
    const julyEvening = at('2025-07-01T20:00:00+08:00');
    expect(priceSeries(SEASONAL, julyEvening, 1, 15, TZ).priceClass).toEqual(['critical_peak']);
    expect(priceSeries(SEASONAL, julyEvening, 1, 15, 'America/New_York').priceClass).toEqual(['peak']);
  });

  it('rejects a start off the quarter hour', () => {
    expect(() => priceSeries(DEMO, at('2025-01-01T00:05:00+08:00'), 4, 15, TZ)).toThrow(/quarter hour/);
  });

  test.prop([fc.integer({ min: 0, max: 365 * 96 }), fc.constantFrom(DEMO, SEASONAL)])(
    'a 15-minute step is priced at exactly its class price',
    (offset, tariff) => {
      const s = priceSeries(tariff, at('2025-01-01T00:00:00+08:00') + offset * 900_000, 8, 15, TZ);
      s.priceClass.forEach((cls, i) => expect(s.energyPrice[i]).toBe(tariff.energyPrice[cls]));
    },
  );
});

describe('validateTariff', () => {
  it('accepts the example tariffs, whose sources say they are illustrative', () => {
    for (const t of [DEMO, SEASONAL]) {
      expect(validateTariff(t)).toBe(t);
      expect(t.source).toMatch(/^illustrative, not an official tariff/);
    }
  });

  it('names every problem with its field', () => {
    const bad = {
      ...DEMO,
      validFrom: '2025-02-30',
      energyPrice: { flat: -0.1, peak: 0.7 },
      touRules: [
        { months: [0, 13], hours: [[22, 6]], priceClass: 'valley' },
        {
          months: [1],
          hours: [
            [9, 25],
            [10, 10.2],
          ],
          priceClass: 'peak',
        },
      ],
      demandChargePerKwMonth: Number.NaN,
      exportPrice: -1,
    } as unknown as Tariff;
    try {
      validateTariff(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('BAD_INPUT');
      expect((e as AppError).issues.map((i) => i.field)).toEqual([
        'validFrom',
        'energyPrice.flat',
        'touRules[0].months[0]',
        'touRules[0].months[1]',
        'touRules[0].hours[0]',
        'touRules[0].priceClass',
        'touRules[1].hours[0]',
        'touRules[1].hours[1]',
        'demandChargePerKwMonth',
        'exportPrice',
      ]);
      const reasons = (e as AppError).issues.map((i) => i.reason).join('\n');
      expect(reasons).toContain('wraps midnight: split it, e.g. [[22, 24], [0, 6]]');
      expect(reasons).toContain('energyPrice has no valley price');
      expect(reasons).toContain('not on quarter hours');
    }
    const noFlat = { ...DEMO, energyPrice: { peak: 1 } } as unknown as Tariff;
    expect(() => validateTariff(noFlat)).toThrow(/flat price is missing/);
    expect(validateTariff({ ...DEMO, exportPrice: null }).exportPrice).toBeNull();
  });
});

describe('tariffFor', () => {
  const t = (id: string, validFrom: string): Tariff => ({ ...DEMO, id, validFrom });
  const tariffs = [t('2025', '2025-01-01'), t('2024', '2024-01-01'), t('2025-07', '2025-07-01')];

  it('picks the latest tariff that has taken effect', () => {
    expect(tariffFor(tariffs, '2024-12-31').id).toBe('2024');
    expect(tariffFor(tariffs, '2025-01-01').id).toBe('2025');
    expect(tariffFor(tariffs, '2025-06-30').id).toBe('2025');
    expect(tariffFor(tariffs, '2025-07-01').id).toBe('2025-07');
    expect(tariffFor(tariffs, '2030-01-01').id).toBe('2025-07');
  });

  it('says when none is in force yet, and when two start the same day', () => {
    expect(() => tariffFor(tariffs, '2023-12-31')).toThrow(
      'no tariff in force on 2023-12-31 (the earliest takes effect on 2024-01-01)',
    );
    const twins = [...tariffs, t('other', '2025-01-01')];
    expect(() => tariffFor(twins, '2025-03-01')).toThrow(/"2025", "other" all take effect on 2025-01-01/);
    // The tie no longer matters once a later tariff is in force.
    expect(tariffFor(twins, '2025-08-01').id).toBe('2025-07');
  });
});

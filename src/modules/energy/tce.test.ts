import { describe, expect, it } from 'vitest';
import { CARRIERS } from '../../lib/units.ts';
import { DISPLAY_METHOD, TCE_FACTORS, tceFactorFor, tceOf } from './tce.ts';

describe('tceOf', () => {
  it('converts electricity by the calorific value, in any electric-energy unit', () => {
    // 1,000 kWh × 0.1229 kgce/kWh = 122.9 kgce = 0.1229 tce.
    expect(tceOf('electricity', 'kWh', 1000)).toBeCloseTo(0.1229, 12);
    // 2.5 MWh = 2,500 kWh → 307.25 kgce = 0.30725 tce.
    expect(tceOf('electricity', 'MWh', 2.5)).toBeCloseTo(0.30725, 12);
    // 800 Wh = 0.8 kWh → 0.09832 kgce.
    expect(tceOf('electricity', 'Wh', 800)).toBeCloseTo(0.00009832, 12);
  });

  it('converts natural gas by volume, and by heat content when metered in GJ', () => {
    // 10,000 m³ × 1.33 kgce/m³ = 13,300 kgce = 13.3 tce; 1 × 10⁴ m³ is the same volume.
    expect(tceOf('natural_gas', 'm3', 10_000)).toBeCloseTo(13.3, 10);
    expect(tceOf('natural_gas', '10^4m3', 1)).toBeCloseTo(13.3, 10);
    // 100 GJ × 0.03412 tce/GJ = 3.412 tce.
    expect(tceOf('natural_gas', 'GJ', 100)).toBeCloseTo(3.412, 10);
  });

  it('converts heat in GJ, MJ and kWh_th', () => {
    // 50 GJ × 0.03412 = 1.706 tce; 50,000 MJ is the same; 1,000 kWh_th = 3.6 GJ → 0.122832 tce.
    expect(tceOf('heat', 'GJ', 50)).toBeCloseTo(1.706, 10);
    expect(tceOf('heat', 'MJ', 50_000)).toBeCloseTo(1.706, 10);
    expect(tceOf('heat', 'kWh_th', 1000)).toBeCloseTo(0.122832, 10);
  });

  it('converts steam and fuels by mass, tonnes or kilograms', () => {
    // Steam 20 t × 0.1286 = 2.572 tce; diesel 3,000 kg = 3 t × 1.4571 = 4.3713 tce.
    expect(tceOf('steam', 't', 20)).toBeCloseTo(2.572, 10);
    expect(tceOf('diesel', 'kg', 3000)).toBeCloseTo(4.3713, 10);
    // Coal 100 t × 0.7143 = 71.43; coke 10 t × 0.9714 = 9.714; LPG 2 t × 1.7143 = 3.4286.
    expect(tceOf('coal', 't', 100)).toBeCloseTo(71.43, 10);
    expect(tceOf('coke', 't', 10)).toBeCloseTo(9.714, 10);
    expect(tceOf('lpg', 't', 2)).toBeCloseTo(3.4286, 10);
    // Gasoline 1 t = 1.4714; fuel oil 1 t = 1.4286.
    expect(tceOf('gasoline', 't', 1)).toBeCloseTo(1.4714, 10);
    expect(tceOf('fuel_oil', 't', 1)).toBeCloseTo(1.4286, 10);
  });

  it('converts compressed air at 0.04 kgce/m³', () => {
    // 100,000 m³ × 0.04 kgce/m³ = 4,000 kgce = 4 tce.
    expect(tceOf('compressed_air', 'm3', 100_000)).toBeCloseTo(4, 10);
  });

  it('gives null where there is no coefficient or no conversion', () => {
    expect(tceOf('water', 'm3', 10)).toBeNull();
    expect(tceOf('cooling', 'GJ', 10)).toBeNull();
    expect(tceOf('hydrogen', 'kg', 10)).toBeNull();
    expect(tceOf('diesel', 'L', 10)).toBeNull(); // needs a density
    expect(tceOf('heat', 't', 10)).toBeNull(); // hot water in tonnes needs temperatures
    expect(tceOf('electricity', 'm3', 10)).toBeNull();
    expect(tceOf('unobtainium', 'kg', 10)).toBeNull();
  });

  it('is linear and keeps the sign (exports are negative net quantities)', () => {
    expect(tceOf('electricity', 'kWh', -1000)).toBeCloseTo(-0.1229, 12);
    expect(tceOf('electricity', 'kWh', 0)).toBe(0);
  });
});

describe('factors', () => {
  it('has an entry for every carrier, with a tce unit and a source', () => {
    for (const carrier of CARRIERS) {
      const f = TCE_FACTORS[carrier];
      if (f === null) continue;
      expect(f.unit).toMatch(/^tce\//);
      expect(f.source).toMatch(/GB\/T 2589-2020/);
      expect(f.value).toBeGreaterThan(0);
    }
    expect(['water', 'cooling', 'hydrogen'].map((c) => TCE_FACTORS[c as 'water'])).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('names the factor it used', () => {
    expect(tceFactorFor('electricity', 'MWh')).toBe(TCE_FACTORS.electricity);
    expect(tceFactorFor('natural_gas', 'GJ')).toMatchObject({ value: 0.03412, unit: 'tce/GJ' });
    expect(tceFactorFor('water', 'm3')).toBeNull();
  });

  it('labels the display method', () => {
    expect(DISPLAY_METHOD.id).toBe('display-tce-gbt2589-2020-calorific@1');
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CARRIERS, convertAmount, findUnit, quantityUnitFor, unitProblem } from './units.ts';

describe('findUnit', () => {
  it('finds units by exact symbol', () => {
    expect(findUnit('kWh')).toEqual({ unit: 'kWh', dimension: 'electric_energy', isRate: false, toBase: 1 });
    expect(findUnit('kW_th')).toEqual({
      unit: 'kW_th',
      dimension: 'thermal_energy',
      isRate: true,
      toBase: 0.0036,
    });
    expect(findUnit('t/h')).toEqual({ unit: 't/h', dimension: 'mass', isRate: true, toBase: 1 });
  });

  it('trims and reads ³ as 3', () => {
    expect(findUnit(' m³ ')?.unit).toBe('m3');
    expect(findUnit('Nm³')?.unit).toBe('Nm3');
    expect(findUnit('m³/h')?.unit).toBe('m3/h');
  });

  it('is case-sensitive and knows nothing else', () => {
    expect(findUnit('kwh')).toBeUndefined();
    expect(findUnit('MJ/h')).toBeUndefined();
    expect(findUnit('')).toBeUndefined();
  });
});

describe('convertAmount', () => {
  it('converts within a dimension', () => {
    expect(convertAmount(1500, 'kg', 't')).toBe(1.5);
    expect(convertAmount(2.5, 'MWh', 'kWh')).toBe(2500);
    expect(convertAmount(500, 'Wh', 'kWh')).toBe(0.5);
    expect(convertAmount(2, '10^4m3', 'm3')).toBe(20_000);
    expect(convertAmount(3, 'kL', 'L')).toBe(3000);
    expect(convertAmount(7, 'Nm3', 'm3')).toBe(7);
    // 1 GJ = 1e9 J / 3.6e6 J per kWh = 277.78 kWh_th
    expect(convertAmount(1, 'GJ', 'kWh_th')).toBeCloseTo(277.7778, 4);
    // 3.6 MJ = 1 kWh
    expect(convertAmount(3.6, 'MJ', 'kWh_th')).toBeCloseTo(1, 12);
  });

  it('converts rates to rates', () => {
    expect(convertAmount(500, 'W', 'kW')).toBe(0.5);
    // 250 kW of heat = 250 kWh per hour = 250 × 3.6 MJ = 0.9 GJ per hour
    expect(convertAmount(250, 'kW_th', 'GJ/h')).toBeCloseTo(0.9, 12);
  });

  it('refuses across dimensions, across rate and amount, and for unknown units', () => {
    expect(convertAmount(1, 'kW', 'kWh')).toBeUndefined();
    expect(convertAmount(1, 'kWh', 'GJ')).toBeUndefined();
    expect(convertAmount(1, 'm3', 'L')).toBeUndefined();
    expect(convertAmount(1, 'furlong', 'kWh')).toBeUndefined();
  });

  test.prop([
    fc.constantFrom(['Wh', 'GWh'], ['kJ', 'TJ'], ['kg', 't'], ['L', 'kL'], ['W', 'MW'], ['kW_th', 'GJ/h']),
    fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  ])('a round trip returns the value', ([a, b], value) => {
    const there = convertAmount(value, a, b);
    expect(there).toBeDefined();
    expect(convertAmount(there ?? NaN, b, a)).toBeCloseTo(value, 6);
  });
});

describe('quantityUnitFor', () => {
  it('maps rates to the amount they integrate to', () => {
    const cases: [string, string][] = [
      ['kW', 'kWh'],
      ['W', 'Wh'],
      ['MW', 'MWh'],
      ['kW_th', 'kWh_th'],
      ['GJ/h', 'GJ'],
      ['m3/h', 'm3'],
      ['Nm3/h', 'Nm3'],
      ['m³/h', 'm3'],
      ['t/h', 't'],
      ['kg/h', 'kg'],
      ['L/h', 'L'],
    ];
    for (const [rate, amount] of cases) expect(quantityUnitFor(rate), rate).toBe(amount);
  });

  it('keeps amounts and refuses unknown units', () => {
    expect(quantityUnitFor('kWh')).toBe('kWh');
    expect(quantityUnitFor('10^4m3')).toBe('10^4m3');
    expect(quantityUnitFor('GJ')).toBe('GJ');
    expect(quantityUnitFor('kVArh')).toBeUndefined();
  });
});

describe('unitProblem', () => {
  it('accepts a natural unit for every carrier and reading kind', () => {
    const good: Record<(typeof CARRIERS)[number], [string, string]> = {
      electricity: ['kWh', 'kW'],
      natural_gas: ['Nm3', 'm3/h'],
      steam: ['t', 't/h'],
      heat: ['GJ', 'GJ/h'],
      cooling: ['kWh_th', 'kW_th'],
      coal: ['t', 't/h'],
      coke: ['kg', 'kg/h'],
      diesel: ['L', 'L/h'],
      gasoline: ['t', 't/h'],
      fuel_oil: ['kL', 'L/h'],
      lpg: ['kg', 'm3/h'],
      hydrogen: ['Nm3', 'kg/h'],
      water: ['m3', 't/h'],
      compressed_air: ['Nm3', 'Nm3/h'],
    };
    for (const carrier of CARRIERS) {
      const [amount, rate] = good[carrier];
      expect(unitProblem(carrier, 'cumulative', amount), carrier).toBeUndefined();
      expect(unitProblem(carrier, 'interval', amount), carrier).toBeUndefined();
      expect(unitProblem(carrier, 'power', rate), carrier).toBeUndefined();
    }
  });

  it('names the dimension and what the carrier needs', () => {
    expect(unitProblem('electricity', 'cumulative', 'm3')).toBe(
      'unit "m3" is a volume; an electricity meter needs electric energy (kWh, MWh, Wh)',
    );
    expect(unitProblem('natural_gas', 'interval', 'kWh')).toBe(
      'unit "kWh" is an electric energy; a natural gas meter needs volume (m3, Nm3, 10^4m3) or thermal energy (GJ, MJ, kWh_th)',
    );
    expect(unitProblem('diesel', 'cumulative', 'm3')).toBe(
      'unit "m3" is a volume; a diesel meter needs mass (t, kg) or liquid volume (L, kL)',
    );
    expect(unitProblem('cooling', 'cumulative', 't')).toBe(
      'unit "t" is a mass; a cooling meter needs thermal energy (GJ, MJ, kWh_th)',
    );
    expect(unitProblem('water', 'power', 'kW')).toBe(
      'unit "kW" is an electric power; a water meter reading power needs volume flow (m3/h, Nm3/h) or mass flow (t/h, kg/h)',
    );
  });

  it('requires a rate for power readings and an amount otherwise', () => {
    expect(unitProblem('electricity', 'power', 'kWh')).toBe(
      'unit "kWh" is an amount, not a rate; a power reading needs a rate such as kW, MW, W',
    );
    expect(unitProblem('electricity', 'interval', 'kW')).toBe(
      'unit "kW" is a rate; an interval reading needs an amount such as kWh, MWh, Wh',
    );
    expect(unitProblem('steam', 'cumulative', 't/h')).toBe(
      'unit "t/h" is a rate; a cumulative reading needs an amount such as t, kg',
    );
  });

  it('reports unknown units', () => {
    expect(unitProblem('electricity', 'cumulative', 'kwh')).toBe(
      'unknown unit "kwh" (units are case-sensitive); an electricity meter needs electric energy (kWh, MWh, Wh)',
    );
  });
});

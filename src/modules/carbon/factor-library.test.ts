import { describe, expect, it } from 'vitest';
import { findKeyFamily, nextVersion, resolveFactor, SEED_CREATED_AT, seedFactors } from './factor-library.ts';
import { FACTOR_KEYS, type Factor, type FactorDraft } from './types.ts';

const value = (key: string, onDate = '2025-06-01') => resolveFactor(seedFactors(), key, ['*'], onDate)?.value;

describe('seed factors', () => {
  it('converts the tables to the library’s units', () => {
    // kgce/kWh ÷ 1000 = tce/kWh; kgce/m³ ÷ 1000 = tce/m³; kgce/kg = tce/t; kgce/MJ = tce/GJ.
    expect(value('tce.electricity_calorific')).toBeCloseTo(0.0001229, 12);
    expect(value('tce.natural_gas')).toBeCloseTo(0.00133, 12);
    expect(value('tce.diesel')).toBe(1.4571);
    expect(value('tce.heat')).toBe(0.03412);
    expect(value('tce.steam_low_pressure')).toBe(0.1286);
    // 389.31 GJ/10^4 Nm³ = 0.038931 GJ/m³.
    expect(value('fuel.natural_gas.ncv')).toBeCloseTo(0.038931, 12);
    expect(resolveFactor(seedFactors(), 'fuel.natural_gas.ncv', ['*'], '2025-01-01')?.unit).toBe('GJ/m3');
    expect(value('fuel.bituminous_coal.ncv')).toBe(19.57);
    expect(value('fuel.diesel.carbon_content')).toBe(0.0202);
    expect(value('fuel.diesel.oxidation')).toBe(0.98);
    expect(value('heat.co2')).toBe(0.11);
    expect(value('steam.enthalpy')).toBe(3763);
  });

  it('dates the equivalent value of electricity by year', () => {
    expect(value('tce.electricity_equivalent', '2023-06-01')).toBeCloseTo(0.0003055, 12);
    expect(value('tce.electricity_equivalent', '2024-01-01')).toBeCloseTo(0.0003024, 12);
    expect(value('tce.electricity_equivalent', '2019-12-31')).toBeUndefined();
  });

  it('gives grid factors one version per data year, valid from 1 January of it', () => {
    const versions = seedFactors().filter((f) => f.key === 'grid.national.CN.average');
    expect(versions.map((f) => [f.version, f.dataYear, f.validFrom, f.value])).toEqual([
      [1, 2021, '2021-01-01', 0.5568],
      [2, 2022, '2022-01-01', 0.5366],
      [3, 2023, '2023-01-01', 0.5306],
    ]);
    expect(value('grid.provincial.yunnan.average', '2025-06-01')).toBe(0.1333);
    expect(value('grid.national.CN.excluding_market_traded_non_fossil', '2022-12-31')).toBe(0.5856);
  });

  it('maps statuses and provenance, and every seed factor passes validation', () => {
    const all = seedFactors();
    expect(
      all.every((f) => f.scope === '*' && f.createdBy === 'seed' && f.createdAt === SEED_CREATED_AT),
    ).toBe(true);
    expect(all.find((f) => f.key === 'fuel.natural_gas.ncv')?.status).toBe('secondary');
    expect(all.find((f) => f.key === 'fuel.lignite.ncv')?.status).toBe('unverified');
    expect(all.some((f) => f.key.startsWith('grid_clean_share.'))).toBe(false);
    for (const f of all) {
      const family = findKeyFamily(f.key);
      expect(family, f.key).toBeDefined();
      expect(family!.units, f.key).toContain(f.unit);
      expect(f.source.length, f.key).toBeGreaterThan(0);
    }
    expect(FACTOR_KEYS.length).toBeGreaterThan(8);
  });
});

const f = (over: Partial<Factor>): Factor => ({
  key: 'fuel.natural_gas.ncv',
  version: 1,
  scope: '*',
  value: 0.038931,
  unit: 'GJ/m3',
  validFrom: '2000-01-01',
  source: 's',
  status: 'secondary',
  createdBy: 'seed',
  createdAt: SEED_CREATED_AT,
  ...over,
});

describe('resolveFactor', () => {
  const key = 'fuel.natural_gas.ncv';
  const list = [
    f({}),
    f({ scope: 'park:p1', version: 1, value: 0.037, validFrom: '2025-03-01' }),
    f({ scope: 'org:p1/o1', version: 1, value: 0.036, validFrom: '2025-07-01' }),
    f({ scope: 'org:p1/o1', version: 2, value: 0.0365, validFrom: '2025-07-01' }),
    f({ scope: 'org:p1/o1', version: 3, value: 0.035, validFrom: '2026-01-01' }),
  ];
  const scopes = ['org:p1/o1', 'park:p1', '*'];
  it('takes the most specific scope with a version in force, then the latest validFrom, then the highest version', () => {
    expect(resolveFactor(list, key, scopes, '2025-01-01')?.value).toBe(0.038931);
    expect(resolveFactor(list, key, scopes, '2025-06-30')?.value).toBe(0.037);
    expect(resolveFactor(list, key, scopes, '2025-07-01')?.value).toBe(0.0365);
    expect(resolveFactor(list, key, scopes, '2026-02-01')?.value).toBe(0.035);
    expect(resolveFactor(list, key, ['org:p1/o2', 'park:p1', '*'], '2025-08-01')?.value).toBe(0.037);
    expect(resolveFactor(list, 'fuel.x.ncv', scopes, '2025-08-01')).toBeUndefined();
  });
});

describe('nextVersion', () => {
  const draft: FactorDraft = {
    key: 'fuel.natural_gas.ncv',
    scope: 'org:p1/o1',
    value: 0.036,
    unit: 'GJ/m3',
    validFrom: '2025-07-01',
    source: 'supplier certificate',
    status: 'measured',
    evidence: 'file:1',
  };
  it('numbers versions per key and scope', () => {
    const first = nextVersion(seedFactors(), draft, 'u1', '2025-06-30T00:00:00Z');
    expect(first).toMatchObject({ ok: true, factor: { version: 1, scope: 'org:p1/o1', createdBy: 'u1' } });
    if (!first.ok) return;
    const second = nextVersion(
      [...seedFactors(), first.factor],
      { ...draft, value: 0.0362 },
      'u1',
      '2025-07-02T00:00:00Z',
    );
    expect(second.ok && second.factor.version).toBe(2);
    // A park-scope version of a seed key starts at 1; a new seed-scope version follows the seed's.
    const grid = nextVersion(
      seedFactors(),
      {
        ...draft,
        key: 'grid.national.CN.average',
        scope: '*',
        unit: 'tCO2/MWh',
        value: 0.52,
        dataYear: 2024,
        validFrom: '2024-01-01',
      },
      'u1',
      '2026-01-01T00:00:00Z',
    );
    expect(grid.ok && grid.factor.version).toBe(4);
  });

  it('rejects what a version may not be, naming the field', () => {
    const fields = (d: Partial<FactorDraft>) => {
      const r = nextVersion(seedFactors(), { ...draft, ...d }, 'u1', '2025-06-30T00:00:00Z');
      return r.ok ? [] : r.issues.map((i) => i.field);
    };
    expect(fields({ unit: 'GJ/t' })).toEqual(['unit']); // existing versions are per m3
    expect(fields({ unit: 'MJ/m3' })).toEqual(['unit']);
    expect(fields({ value: Number.NaN })).toEqual(['value']);
    expect(fields({ validFrom: '2025-02-30' })).toEqual(['validFrom']);
    expect(fields({ source: ' ' })).toEqual(['source']);
    expect(fields({ evidence: '' })).toEqual(['evidence']);
    expect(fields({ status: 'guess' as never })).toEqual(['status']);
    expect(fields({ key: 'fuel.natural_gas' })).toEqual(['key']);
    expect(fields({ scope: 'o1' })).toEqual(['scope']);
    expect(fields({ key: 'fuel.natural_gas.oxidation', unit: '1', value: 1.2 })).toEqual(['value']);
  });
});

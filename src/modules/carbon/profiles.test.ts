import { describe, expect, it } from 'vitest';
import {
  CN_ZERO_CARBON_PARK_2025,
  copyProfile,
  findShippedProfile,
  HN_ZERO_CARBON_PARK,
  SHIPPED_PROFILES,
  validateProfile,
  YN_ZERO_CARBON_PARK,
} from './profiles.ts';
import type { MethodProfile } from './types.ts';

describe('shipped profiles', () => {
  it('are valid and name every unverified choice', () => {
    for (const p of SHIPPED_PROFILES) {
      expect(validateProfile(p), p.id).toEqual([]);
      const fields = p.choices.map((c) => c.field);
      for (const f of ['electricityTce', 'gridFactor', 'cleanEnergy', 'offsets', 'allocation'])
        expect(fields).toContain(f);
    }
  });

  it('carry the choices of the brief', () => {
    expect(CN_ZERO_CARBON_PARK_2025).toMatchObject({
      id: 'cn-zero-carbon-park-2025',
      version: 1,
      gridFactor: { rule: 'residual_when_claimed', level: 'national' },
      heatFactorKey: 'heat.co2',
      creditExports: true,
      processEmissions: 'include',
      recoveredCo2: 'deduct',
      offsets: 'memo',
      coreIndicatorBasis: 'gross',
      cleanEnergy: { naturalGas: false, gridCleanShareKey: null },
      allocation: { key: 'electricity', sharedKinds: ['park_operator', 'public'] },
    });
    expect(YN_ZERO_CARBON_PARK).toMatchObject({
      electricityTce: 'equivalent',
      gridFactor: { level: 'provincial' },
    });
    expect(
      HN_ZERO_CARBON_PARK.choices.every((c) => c.status === 'unverified' || c.status === 'secondary'),
    ).toBe(true);
    expect(Object.isFrozen(CN_ZERO_CARBON_PARK_2025.gridFactor)).toBe(true);
    expect(findShippedProfile('yn-zero-carbon-park', 1)).toBe(YN_ZERO_CARBON_PARK);
  });
});

describe('validateProfile', () => {
  it('names the fields in error', () => {
    const bad = {
      ...CN_ZERO_CARBON_PARK_2025,
      id: 'Bad Id',
      electricityTce: 'both',
      gridFactor: { rule: 'average', level: 'county', dataYear: 1999 },
      allocation: { key: 'area', sharedKinds: ['school'] },
      rounding: { tco2: 2, tce: -1, indicator: 4, share: 4 },
      carrierTce: { coal: 'raw_coal' },
      choices: [{ field: 'colour', status: 'unverified', note: 'x' }],
    } as unknown as MethodProfile;
    expect(validateProfile(bad).map((i) => i.field)).toEqual([
      'id',
      'electricityTce',
      'gridFactor.level',
      'gridFactor.dataYear',
      'allocation.key',
      'allocation.sharedKinds[0]',
      'carrierTce.coal',
      'rounding.tce',
      'choices[0].field',
    ]);
  });
});

describe('copyProfile', () => {
  const at = '2026-01-05T00:00:00Z';
  it('copies a shipped profile as version 1 of a user profile based on it', () => {
    const r = copyProfile(CN_ZERO_CARBON_PARK_2025, {
      id: 'my-park',
      name: '本园区方法',
      by: 'u1',
      at,
      changes: { electricityTce: 'calorific' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.profile).toMatchObject({
      id: 'my-park',
      version: 1,
      name: '本园区方法',
      basedOn: { id: 'cn-zero-carbon-park-2025', version: 1 },
      electricityTce: 'calorific',
      createdBy: 'u1',
      createdAt: at,
    });
    // The shipped profile is untouched.
    expect(CN_ZERO_CARBON_PARK_2025.electricityTce).toBe('equivalent');
    // The changed setting's note no longer argues for the old value; the others are kept as they were.
    const note = r.profile.choices.find((c) => c.field === 'electricityTce')!;
    expect(note).toEqual({
      field: 'electricityTce',
      status: 'unverified',
      note: 'changed in this copy of cn-zero-carbon-park-2025@1: "equivalent" → "calorific"',
    });
    const kept = (p: typeof r.profile) => p.choices.filter((c) => c.field !== 'electricityTce');
    expect(kept(r.profile)).toEqual(kept(CN_ZERO_CARBON_PARK_2025));

    const v2 = copyProfile(r.profile, {
      id: 'my-park',
      name: '本园区方法',
      by: 'u2',
      at,
      changes: { offsets: 'net' },
    });
    expect(v2.ok && v2.profile).toMatchObject({
      id: 'my-park',
      version: 2,
      offsets: 'net',
      electricityTce: 'calorific',
      basedOn: { id: 'cn-zero-carbon-park-2025', version: 1 },
    });
  });

  it('refuses new versions of shipped profiles and invalid changes', () => {
    const same = copyProfile(YN_ZERO_CARBON_PARK, { id: 'yn-zero-carbon-park', name: 'x', by: 'u', at });
    expect(same.ok).toBe(false);
    const bad = copyProfile(YN_ZERO_CARBON_PARK, {
      id: 'mine',
      name: 'x',
      by: 'u',
      at,
      changes: { offsets: 'maybe' as never },
    });
    expect(!bad.ok && bad.issues.map((i) => i.field)).toEqual(['offsets']);
  });
});

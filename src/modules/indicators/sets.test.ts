import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { evaluateSet } from './evaluate.ts';
import {
  bandLabel,
  CN_NATIONAL_2025,
  configureSet,
  findIndicatorSet,
  getIndicatorSet,
  HN_2025,
  INDICATOR_SETS,
  isInBand,
  YN_2025,
  type ThresholdOverride,
} from './sets.ts';
import { fakeAccount, fakeInput } from './test-fixtures.ts';

const badInput = (fn: () => unknown, message: RegExp) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_INPUT');
    expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected BAD_INPUT');
};

describe('shipped sets', () => {
  it('every threshold has a source and a status; unverified ones are configurable', () => {
    for (const set of INDICATOR_SETS) {
      expect(set.source).not.toBe('');
      for (const def of set.indicators) {
        expect(def.thresholds.length).toBeGreaterThan(0);
        for (const t of def.thresholds) {
          expect(t.source).not.toBe('');
          expect(['verified', 'secondary', 'unverified']).toContain(t.status);
          if (t.status === 'unverified' || t.value === null) expect(t.configurable).toBe(true);
          if (def.unit === 'share' && t.value !== null) expect(t.value).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('are frozen, and found by id', () => {
    expect(Object.isFrozen(CN_NATIONAL_2025.indicators[0]!.thresholds[1])).toBe(true);
    expect(findIndicatorSet('hn-2025')).toBe(HN_2025);
    expect(findIndicatorSet('hn-2025', 2)).toBeUndefined();
    expect(() => getIndicatorSet('nope')).toThrow(AppError);
    expect(INDICATOR_SETS.map((s) => s.id)).toEqual([
      'cn-national-2025',
      'hn-2025',
      'yn-2025',
      'efficiency-diagnosis-coverage',
    ]);
  });

  it('Hunan has targets for 2027, 2030 and 2035 in each band', () => {
    const core = HN_2025.indicators.find((d) => d.id === 'co2-per-energy')!;
    expect(core.thresholds.map((t) => [t.bandMinTce ?? null, t.bandMaxTce ?? null, t.year, t.value])).toEqual(
      [
        [null, 1_000_000, 2027, 1.0],
        [null, 1_000_000, 2030, 0.7],
        [null, 1_000_000, 2035, 0.3],
        [1_000_000, null, 2027, 1.1],
        [1_000_000, null, 2030, 0.8],
        [1_000_000, null, 2035, 0.5],
      ],
    );
  });

  it('Yunnan lists the indicators its definitions give, with no values', () => {
    expect(YN_2025.indicators.map((d) => [d.id, d.compute.kind])).toEqual([
      ['co2-per-energy', 'account'],
      ['waste-heat-utilisation', 'weighted_ratio'],
      ['clean-transport-share', 'freight_share'],
      ['efficiency-diagnosis-coverage', 'diagnosis_coverage'],
    ]);
    expect(YN_2025.indicators.every((d) => d.thresholds.every((t) => t.value === null))).toBe(true);
  });
});

describe('bands', () => {
  const band = {
    bandMinTce: 200_000,
    bandMaxTce: 1_000_000,
    value: 0.2,
    status: 'secondary' as const,
    source: 's',
    configurable: false,
  };
  it('are half-open [min, max)', () => {
    expect(isInBand(band, 199_999)).toBe(false);
    expect(isInBand(band, 200_000)).toBe(true);
    expect(isInBand(band, 999_999.99)).toBe(true);
    expect(isInBand(band, 1_000_000)).toBe(false);
    expect(bandLabel(band)).toBe('200,000–1,000,000 tce');
    expect(bandLabel({ ...band, bandMinTce: undefined })).toBe('< 1,000,000 tce');
    expect(bandLabel({ ...band, bandMaxTce: undefined })).toBe('≥ 200,000 tce');
    expect(bandLabel({ ...band, bandMinTce: undefined, bandMaxTce: undefined })).toBeNull();
  });
});

describe('configureSet', () => {
  const below: ThresholdOverride = {
    indicator: 'co2-per-energy',
    threshold: { bandMaxTce: 200_000 },
    value: 0.5,
    source: 'provincial notice (user)',
    by: 'alice',
    at: '2026-02-01T08:00:00Z',
  };

  it('makes a new version that records the change; the original stays as it was', () => {
    const mine = configureSet(CN_NATIONAL_2025, [below]);
    expect(mine).toMatchObject({
      id: 'cn-national-2025',
      version: 2,
      basedOn: { id: 'cn-national-2025', version: 1 },
    });
    expect(mine.changes).toEqual([
      {
        indicator: 'co2-per-energy',
        thresholdIndex: 0,
        previous: null,
        value: 0.5,
        source: 'provincial notice (user)',
        by: 'alice',
        at: '2026-02-01T08:00:00Z',
      },
    ]);
    expect(mine.indicators[0]!.thresholds[0]).toMatchObject({
      value: 0.5,
      status: 'unverified',
      configured: { by: 'alice', fromVersion: 1, previous: null },
    });
    expect(CN_NATIONAL_2025.indicators[0]!.thresholds[0]!.value).toBeNull();
    expect(configureSet(mine, [{ ...below, value: 0.4 }]).version).toBe(3);
  });

  it('results name the configured version and threshold', () => {
    // 150,000 tce, 60,000 t → 0.4; configured ≤ 0.5 → pass, gap 0.1
    const mine = configureSet(CN_NATIONAL_2025, [below]);
    const card = evaluateSet(mine, fakeInput(fakeAccount({ energyTce: 150_000, grossTco2: 60_000 })));
    expect(card.set.version).toBe(2);
    const r = card.results[0]!;
    expect(r).toMatchObject({ band: '< 200,000 tce', threshold: 0.5, outcome: 'pass' });
    expect(r.gap).toBeCloseTo(0.1, 12);
    expect(r.thresholdRef).toMatchObject({ source: 'provincial notice (user)', configured: { by: 'alice' } });
    expect(card.core).toBe('pass');
  });

  it('selects by index, or adds a band that does not overlap', () => {
    const water = configureSet(CN_NATIONAL_2025, [
      {
        indicator: 'water-reuse',
        threshold: 0,
        value: 0.9,
        source: 'official text',
        by: 'bob',
        status: 'verified',
      },
    ]);
    expect(water.indicators.find((d) => d.id === 'water-reuse')!.thresholds[0]).toMatchObject({
      value: 0.9,
      status: 'verified',
      configured: { previous: 0.8 },
    });
    const split = configureSet(YN_2025, [
      {
        indicator: 'clean-transport-share',
        threshold: { year: 2030 },
        value: 0.5,
        source: 'plan',
        by: 'bob',
      },
    ]);
    const rows = split.indicators.find((d) => d.id === 'clean-transport-share')!.thresholds;
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ year: 2030, value: 0.5, configurable: true });
  });

  it('refuses published thresholds, unknown rows, bad values and overlapping bands', () => {
    badInput(
      () =>
        configureSet(HN_2025, [
          { indicator: 'co2-per-energy', threshold: 0, value: 2, source: 's', by: 'x' },
        ]),
      /is published \(verified/,
    );
    badInput(() => configureSet(CN_NATIONAL_2025, [{ ...below, indicator: 'nope' }]), /no such indicator/);
    badInput(
      () => configureSet(CN_NATIONAL_2025, [{ ...below, threshold: 7 }]),
      /no threshold #7 \(it has 3\)/,
    );
    badInput(() => configureSet(CN_NATIONAL_2025, [{ ...below, value: -1 }]), /finite number ≥ 0/);
    badInput(
      () => configureSet(CN_NATIONAL_2025, [{ ...below, indicator: 'water-reuse', threshold: 0, value: 90 }]),
      /shares are fractions/,
    );
    badInput(
      () => configureSet(CN_NATIONAL_2025, [{ ...below, threshold: { bandMaxTce: 300_000 } }]),
      /overlaps threshold #0 \(< 200,000 tce\)/,
    );
    badInput(() => configureSet(CN_NATIONAL_2025, [{ ...below, source: ' ' }]), /a source is required/);
    badInput(() => configureSet(CN_NATIONAL_2025, []), /no threshold to configure/);
  });
});

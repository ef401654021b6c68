import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { evaluateSet, gapTo } from './evaluate.ts';
import { CN_NATIONAL_2025, configureSet, EFFICIENCY_DIAGNOSIS_SET, HN_2025, YN_2025 } from './sets.ts';
import { fakeAccount, fakeInput, monthsOf, stat } from './test-fixtures.ts';
import type { EvaluationInput, IndicatorResult, IndicatorSet, Scorecard } from './types.ts';

const result = (card: Scorecard, id: string): IndicatorResult => {
  const r = card.results.find((x) => x.indicator === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
};

const core = (
  set: Readonly<IndicatorSet>,
  energyTce: number,
  grossTco2: number,
  extra: Partial<EvaluationInput> = {},
) => result(evaluateSet(set, fakeInput(fakeAccount({ energyTce, grossTco2 }), extra)), 'co2-per-energy');

describe('national core indicator: bands', () => {
  it('199,999 tce is below the national bands: value computed, no threshold', () => {
    // 29,999.85 / 199,999 = 0.15 tCO₂/tce
    const r = core(CN_NATIONAL_2025, 199_999, 29_999.85);
    expect(r.value).toBeCloseTo(0.15, 12);
    expect(r.band).toBe('< 200,000 tce');
    expect(r.threshold).toBeNull();
    expect(r.outcome).toBe('no_threshold');
    expect(r.gap).toBeNull();
    expect(r.thresholdRef).toMatchObject({ index: 0, status: 'unverified', configurable: true });
    expect(r.reason).toMatch(/may enter it with its source/);
  });

  it('200,000 tce is in the 200,000–1,000,000 band (≤ 0.2): 40,000 t gives 0.2, a pass with gap 0', () => {
    // 40,000 / 200,000 = 0.2; gap = 0.2 − 0.2 = 0
    const r = core(CN_NATIONAL_2025, 200_000, 40_000);
    expect(r.band).toBe('200,000–1,000,000 tce');
    expect(r.threshold).toBe(0.2);
    expect(r.value).toBe(0.2);
    expect(r.outcome).toBe('pass');
    expect(r.gap).toBe(0);
  });

  it('1,000,000 tce is in the ≥ 1,000,000 band (≤ 0.3): 0.25 passes with gap 0.05', () => {
    // 250,000 / 1,000,000 = 0.25; gap = 0.3 − 0.25 = 0.05 (in the band below it would fail: 0.2 − 0.25 = −0.05)
    const r = core(CN_NATIONAL_2025, 1_000_000, 250_000);
    expect(r.band).toBe('≥ 1,000,000 tce');
    expect(r.threshold).toBe(0.3);
    expect(r.outcome).toBe('pass');
    expect(r.gap).toBeCloseTo(0.05, 12);
    const below = core(CN_NATIONAL_2025, 999_999, 249_999.75); // 0.25 in the 0.2 band
    expect(below.band).toBe('200,000–1,000,000 tce');
    expect(below.outcome).toBe('fail');
    expect(below.gap).toBeCloseTo(-0.05, 12);
  });

  it('pass and fail with signed gaps, and the scorecard’s core verdict', () => {
    // 500,000 tce: 75,000 t → 0.15, gap 0.2 − 0.15 = +0.05; 125,000 t → 0.25, gap −0.05
    const pass = evaluateSet(
      CN_NATIONAL_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 75_000 })),
    );
    expect(result(pass, 'co2-per-energy')).toMatchObject({ outcome: 'pass', threshold: 0.2 });
    expect(result(pass, 'co2-per-energy').gap).toBeCloseTo(0.05, 12);
    expect(pass.core).toBe('pass');
    expect(pass.band).toEqual({ energyTce: 500_000, label: '200,000–1,000,000 tce' });
    const fail = evaluateSet(
      CN_NATIONAL_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 125_000 })),
    );
    expect(result(fail, 'co2-per-energy').outcome).toBe('fail');
    expect(result(fail, 'co2-per-energy').gap).toBeCloseTo(-0.05, 12);
    expect(fail.core).toBe('fail');
    expect(evaluateSet(CN_NATIONAL_2025, fakeInput(fakeAccount({ energyTce: 100, grossTco2: 1 }))).core).toBe(
      'undetermined',
    );
  });

  it('names the set, its version and the account’s method in the scorecard', () => {
    const card = evaluateSet(
      CN_NATIONAL_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 75_000, method: { id: 'cn-zcp', version: 3 } })),
    );
    expect(card.set).toMatchObject({ id: 'cn-national-2025', version: 1, jurisdiction: 'CN' });
    expect(card.method).toMatchObject({ id: 'cn-zcp', version: 3, electricityTce: 'calorific' });
    expect(card.counts.pass + card.counts.fail + card.counts.no_threshold + card.counts.not_computable).toBe(
      6,
    );
  });
});

describe('Hunan: target years', () => {
  // Park below 1 Mtce: 0.6 tCO₂/tce (300,000 t / 500,000 tce); targets 1.0 (2027), 0.7 (2030), 0.3 (2035).
  const cases: [number, number, number, 'pass' | 'fail', number][] = [
    [2025, 2027, 1.0, 'pass', 0.4], // 1.0 − 0.6
    [2027, 2027, 1.0, 'pass', 0.4],
    [2028, 2030, 0.7, 'pass', 0.1], // 0.7 − 0.6
    [2031, 2035, 0.3, 'fail', -0.3], // 0.3 − 0.6
  ];
  it.each(cases)('assessed in %i: target year %i, threshold %d', (year, target, threshold, outcome, gap) => {
    const r = core(HN_2025, 500_000, 300_000, { year });
    expect(r).toMatchObject({ targetYear: target, threshold, outcome, band: '< 1,000,000 tce' });
    expect(r.gap).toBeCloseTo(gap, 12);
    expect(r.thresholdRef?.status).toBe('verified');
  });

  it('after the last target year uses the last target, with a note', () => {
    const r = core(HN_2025, 500_000, 300_000, { year: 2036 });
    expect(r.targetYear).toBe(2035);
    expect(r.notes.join(' ')).toMatch(/after the last target year/);
  });

  it('an explicit target year wins; one without targets gives no threshold', () => {
    expect(core(HN_2025, 500_000, 300_000, { targetYear: 2035 })).toMatchObject({
      targetYear: 2035,
      threshold: 0.3,
    });
    const none = core(HN_2025, 500_000, 300_000, { targetYear: 2029 });
    expect(none).toMatchObject({ outcome: 'no_threshold', threshold: null, value: 0.6 });
    expect(none.reason).toMatch(/target year 2029 \(targets: 2027, 2030, 2035\)/);
  });

  it('the ≥ 1 Mtce band has its own targets', () => {
    // 600,000 / 1,200,000 = 0.5; 2030 target 0.8 → gap 0.3; 2035 target 0.5 → gap 0
    const r2030 = core(HN_2025, 1_200_000, 600_000, { year: 2030 });
    expect(r2030).toMatchObject({ band: '≥ 1,000,000 tce', threshold: 0.8, outcome: 'pass' });
    expect(r2030.gap).toBeCloseTo(0.3, 12);
    expect(core(HN_2025, 1_200_000, 600_000, { year: 2035 })).toMatchObject({
      threshold: 0.5,
      outcome: 'pass',
      gap: 0,
    });
  });

  it('clean-energy share: 65 % against the 2030 target of 70 % fails by 5 points', () => {
    // 325,000 / 500,000 = 0.65; gap 0.65 − 0.7 = −0.05
    const card = evaluateSet(
      HN_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 1, cleanEnergyTce: 325_000 }), { year: 2030 }),
    );
    const r = result(card, 'clean-energy-share');
    expect(r).toMatchObject({ value: 0.65, threshold: 0.7, targetYear: 2030, outcome: 'fail' });
    expect(r.gap).toBeCloseTo(-0.05, 12);
    expect(card.targetYear).toBe(2030);
  });
});

describe('ratios from statistics, summed over months and organisations', () => {
  const months = ['2025-01', '2025-02'];
  const account = fakeAccount({ energyTce: 500_000, grossTco2: 75_000, months });

  it('solid-waste utilisation: Σ utilised ÷ Σ generated; other months and superseded versions left out', () => {
    // generated 100 + 120 (A) + 80 + 100 (B) = 400; utilised 70 + 90 + 80 + 40 = 280; 280 / 400 = 0.7 → gap −0.1
    const statistics = [
      stat('A', '2025-01', 'solid_waste_generated', 100),
      stat('A', '2025-02', 'solid_waste_generated', 120),
      stat('B', '2025-01', 'solid_waste_generated', 80),
      stat('B', '2025-02', 'solid_waste_generated', 100),
      stat('A', '2025-01', 'solid_waste_utilised', 70),
      stat('A', '2025-02', 'solid_waste_utilised', 90),
      stat('B', '2025-01', 'solid_waste_utilised', 80),
      stat('B', '2025-02', 'solid_waste_utilised', 10), // superseded by version 2 below
      stat('B', '2025-02', 'solid_waste_utilised', 40, { version: 2 }),
      stat('B', '2024-12', 'solid_waste_utilised', 999), // outside the period
    ];
    const r = result(
      evaluateSet(CN_NATIONAL_2025, fakeInput(account, { statistics })),
      'solid-waste-utilisation',
    );
    expect(r.value).toBeCloseTo(0.7, 12);
    expect(r).toMatchObject({ threshold: 0.8, outcome: 'fail', complete: true });
    expect(r.gap).toBeCloseTo(-0.1, 12);
    const utilised = r.inputs.find((i) => i.id === 'statistic:solid_waste_utilised');
    expect(utilised).toMatchObject({ value: 280, unit: 't', coverage: 1 });
    expect(utilised?.statistics?.find((s) => s.organisation === 'B' && s.month === '2025-02')?.version).toBe(
      2,
    );
  });

  it('water reuse: reused ÷ (fresh + reused)', () => {
    // fresh 300 + 200 (A) + 500 (B) = 1,000; reused 1,500 (A) + 2,500 (B) = 4,000; 4,000 / 5,000 = 0.8 → pass, gap 0
    const statistics = [
      stat('A', '2025-01', 'water_used', 300),
      stat('A', '2025-02', 'water_used', 200),
      stat('B', '2025-02', 'water_used', 500),
      stat('A', '2025-01', 'water_reused', 1500),
      stat('B', '2025-02', 'water_reused', 2500),
    ];
    const r = result(evaluateSet(CN_NATIONAL_2025, fakeInput(account, { statistics })), 'water-reuse');
    expect(r).toMatchObject({ value: 0.8, threshold: 0.8, outcome: 'pass', gap: 0 });
    expect(r.thresholdRef).toMatchObject({ status: 'unverified', configurable: true });
    expect(r.inputs.map((i) => [i.id, i.value])).toEqual([
      ['statistic:water_reused', 4000],
      ['statistic:water_used', 1000],
    ]);
  });

  it('months without a value are named and make the result incomplete', () => {
    const year = fakeAccount({ energyTce: 500_000, grossTco2: 75_000 }); // 12 months
    const statistics = [stat('A', '2025-01', 'water_used', 100), stat('A', '2025-01', 'water_reused', 400)];
    const r = result(evaluateSet(CN_NATIONAL_2025, fakeInput(year, { statistics })), 'water-reuse');
    expect(r.value).toBeCloseTo(0.8, 12); // 400 / 500
    expect(r.complete).toBe(false);
    expect(r.notes.join(' ')).toMatch(/water_used: no value in 11 of 12 months/);
  });

  it('waste heat, cold and pressure: the mean of the three rates weighted by the available amounts', () => {
    // heat: available 600 (A, Jan) + 400 (B, Feb) = 1,000, recovered 400 + 200 = 600, rate 0.6
    // cold: available 200, recovered 50, rate 0.25; pressure: available 300, recovered 150, rate 0.5
    // weighted: (1000·0.6 + 200·0.25 + 300·0.5) / 1500 = 800 / 1500 = 0.533333…; gap vs 0.5: +0.033333…
    // (the unweighted mean (0.6 + 0.25 + 0.5) / 3 = 0.45 would fail)
    const gj = { unit: 'GJ' };
    const statistics = [
      stat('A', '2025-01', 'waste_heat_available', 600, { ...gj, item: 'heat' }),
      stat('B', '2025-02', 'waste_heat_available', 400, { ...gj, item: 'heat' }),
      stat('A', '2025-01', 'waste_heat_recovered', 400, { ...gj, item: 'heat' }),
      stat('B', '2025-02', 'waste_heat_recovered', 200, { ...gj, item: 'heat' }),
      stat('A', '2025-01', 'waste_heat_available', 100, { ...gj, item: 'cold' }),
      stat('A', '2025-02', 'waste_heat_available', 100, { ...gj, item: 'cold' }),
      stat('A', '2025-02', 'waste_heat_recovered', 50, { ...gj, item: 'cold' }),
      stat('B', '2025-01', 'waste_heat_available', 300, { ...gj, item: 'pressure' }),
      stat('B', '2025-01', 'waste_heat_recovered', 150, { ...gj, item: 'pressure' }),
      stat('B', '2025-01', 'waste_heat_recovered', 70, { ...gj, item: 'steam' }), // not a part: left out, noted
    ];
    const r = result(
      evaluateSet(CN_NATIONAL_2025, fakeInput(account, { statistics })),
      'waste-heat-utilisation',
    );
    expect(r.value).toBeCloseTo(800 / 1500, 12);
    expect(r.outcome).toBe('pass');
    expect(r.gap).toBeCloseTo(800 / 1500 - 0.5, 12);
    expect(r.inputs.filter((i) => i.id.startsWith('rate:')).map((i) => [i.id, i.value])).toEqual([
      ['rate:heat', 0.6],
      ['rate:cold', 0.25],
      ['rate:pressure', 0.5],
    ]);
    expect(r.notes.join(' ')).toMatch(/item 'steam' left out/);
    expect(r.complete).toBe(false);
  });

  it('waste heat: recovered without available is not computable; all available 0 is not applicable', () => {
    const bad = [
      stat('A', '2025-01', 'waste_heat_available', 0, { unit: 'GJ', item: 'cold' }),
      stat('A', '2025-01', 'waste_heat_recovered', 50, { unit: 'GJ', item: 'cold' }),
    ];
    const r = result(
      evaluateSet(CN_NATIONAL_2025, fakeInput(account, { statistics: bad })),
      'waste-heat-utilisation',
    );
    expect(r.outcome).toBe('not_computable');
    expect(r.missing).toEqual(['a non-zero waste_heat_available (item cold): 50 recovered but 0 available']);
    const zero = [
      stat('A', '2025-01', 'waste_heat_available', 0, { unit: 'GJ', item: 'heat' }),
      stat('A', '2025-01', 'waste_heat_recovered', 0, { unit: 'GJ', item: 'heat' }),
    ];
    const z = result(
      evaluateSet(CN_NATIONAL_2025, fakeInput(account, { statistics: zero })),
      'waste-heat-utilisation',
    );
    expect(z).toMatchObject({ outcome: 'not_applicable', value: null });
  });

  it('freight share: electric + hydrogen ÷ all freight; Yunnan has no threshold until one is configured', () => {
    // electric 300 + hydrogen 100 = 400 of 300 + 100 + 500 + 100 = 1,000 t·km → 0.4
    const tkm = { unit: 't·km' };
    const statistics = [
      stat('A', '2025-01', 'freight', 300, { ...tkm, item: 'electric' }),
      stat('B', '2025-02', 'freight', 100, { ...tkm, item: 'hydrogen' }),
      stat('A', '2025-02', 'freight', 500, { ...tkm, item: 'diesel' }),
      stat('B', '2025-01', 'freight', 100, { ...tkm, item: 'gasoline' }),
    ];
    const input = fakeInput(account, { statistics });
    const r = result(evaluateSet(YN_2025, input), 'clean-transport-share');
    expect(r).toMatchObject({
      value: 0.4,
      threshold: null,
      outcome: 'no_threshold',
      category: 'characteristic',
    });
    expect(r.inputs.map((i) => [i.id, i.value, i.unit])).toEqual([
      ['statistic:freight (electric, hydrogen)', 400, 't·km'],
      ['statistic:freight', 1000, 't·km'],
    ]);
    // With a configured 30 %: gap 0.4 − 0.3 = 0.1
    const mine = configureSet(YN_2025, [
      {
        indicator: 'clean-transport-share',
        threshold: 0,
        value: 0.3,
        source: 'park target 2025',
        by: 'alice',
      },
    ]);
    const c = result(evaluateSet(mine, input), 'clean-transport-share');
    expect(c.outcome).toBe('pass');
    expect(c.gap).toBeCloseTo(0.1, 12);
    expect(c.thresholdRef?.configured).toMatchObject({ by: 'alice', fromVersion: 1, previous: null });
  });
});

describe('not computable: every path names what is missing', () => {
  const months = ['2025-01', '2025-02'];
  const account = fakeAccount({ energyTce: 500_000, grossTco2: 75_000, months });
  const evaluate = (set: Readonly<IndicatorSet>, extra: Partial<EvaluationInput>, a = account) =>
    evaluateSet(set, fakeInput(a, extra));

  it('account ratios with zero energy', () => {
    const card = evaluate(CN_NATIONAL_2025, {}, fakeAccount({ energyTce: 0, grossTco2: 10, months }));
    for (const id of ['co2-per-energy', 'clean-energy-share']) {
      const r = result(card, id);
      expect(r).toMatchObject({ outcome: 'not_computable', value: null, gap: null });
      expect(r.missing[0]).toMatch(/^park energy consumption \(the account's energy is 0 tce/);
      expect(r.reason).toMatch(/^not computable: missing park energy consumption/);
    }
  });

  it('statistic ratios without their statistics', () => {
    const card = evaluate(CN_NATIONAL_2025, { statistics: [stat('A', '2025-01', 'water_used', 10)] });
    expect(result(card, 'solid-waste-utilisation').missing).toEqual([
      'statistic solid_waste_utilised for 2025-01…2025-02',
      'statistic solid_waste_generated for 2025-01…2025-02',
    ]);
    expect(result(card, 'water-reuse').missing).toEqual(['statistic water_reused for 2025-01…2025-02']);
    expect(result(card, 'waste-heat-utilisation').missing).toEqual([
      'statistics waste_heat_available and waste_heat_recovered (items heat, cold, pressure) for 2025-01…2025-02',
    ]);
  });

  it('statistics in two units', () => {
    const statistics = [
      stat('A', '2025-01', 'solid_waste_generated', 10, { unit: 't' }),
      stat('B', '2025-01', 'solid_waste_generated', 1, { unit: 'kt' }),
      stat('A', '2025-01', 'solid_waste_utilised', 5),
    ];
    const r = result(evaluate(CN_NATIONAL_2025, { statistics }), 'solid-waste-utilisation');
    expect(r.missing).toEqual(['statistics in one unit (found t, kt)']);
  });

  it('a part with available heat but no recovered heat', () => {
    const statistics = [stat('A', '2025-01', 'waste_heat_available', 10, { unit: 'GJ', item: 'heat' })];
    expect(result(evaluate(YN_2025, { statistics }), 'waste-heat-utilisation').missing).toEqual([
      'statistic waste_heat_recovered (item heat) for 2025-01…2025-02',
    ]);
  });

  it('freight without statistics; denominators of 0 are not applicable', () => {
    expect(result(evaluate(YN_2025, {}), 'clean-transport-share').missing).toEqual([
      'statistic freight (t·km by vehicle type) for 2025-01…2025-02',
    ]);
    const zero = [
      stat('A', '2025-01', 'solid_waste_generated', 0),
      stat('A', '2025-01', 'solid_waste_utilised', 0),
    ];
    const r = result(evaluate(CN_NATIONAL_2025, { statistics: zero }), 'solid-waste-utilisation');
    expect(r).toMatchObject({ outcome: 'not_applicable', value: null, missing: [] });
    expect(r.reason).toMatch(/solid_waste_generated is 0/);
  });

  it('diagnosis coverage without an enterprise’s account', () => {
    const r = result(
      evaluate(YN_2025, { organisations: [{ id: 'E1', kind: 'enterprise' }] }),
      'efficiency-diagnosis-coverage',
    );
    expect(r.missing).toEqual(['energy account of organisation E1 for 2025']);
  });

  it('product energy: no output, no norm, several products, a norm in another unit', () => {
    expect(result(evaluate(CN_NATIONAL_2025, {}), 'product-energy-grade2').missing).toEqual([
      "statistic product_output (each enterprise's product and output) for 2025-01…2025-02",
    ]);
    const ALU = fakeAccount({ organisation: 'ALU', energyTce: 1000, months });
    const MIX = fakeAccount({ organisation: 'MIX', energyTce: 1000, months });
    const statistics = [
      stat('ALU', '2025-01', 'product_output', 100, { item: 'aluminium' }),
      stat('MIX', '2025-01', 'product_output', 10, { item: 'glass' }),
      stat('MIX', '2025-01', 'product_output', 10, { item: 'cement' }),
    ];
    const r = result(
      evaluate(CN_NATIONAL_2025, { statistics, organisationAccounts: [ALU, MIX] }),
      'product-energy-grade2',
    );
    expect(r.outcome).toBe('not_computable');
    expect(r.missing).toEqual([
      'factor norm.aluminium.grade2 (grade-2 norm of aluminium, tce/t)',
      'energy by product for organisation MIX (it reports glass, cement; its energy can be compared with a norm only when it makes one product)',
    ]);
    const wrongUnit = result(
      evaluate(CN_NATIONAL_2025, {
        statistics: statistics.slice(0, 1),
        organisationAccounts: [ALU],
        factors: [{ key: 'norm.aluminium.grade2', value: 13_000, unit: 'kWh/t', source: 'user' }],
      }),
      'product-energy-grade2',
    );
    expect(wrongUnit.missing).toEqual([
      'factor norm.aluminium.grade2 in tce/t or kgce/t, > 0 (found 13000 kWh/t)',
    ]);
  });
});

describe('product energy against grade-2 norms', () => {
  it('the highest ratio of energy per unit to the norm decides', () => {
    // ALU: 130,000 tce / 10,000 t = 13 tce/t; norm 14 tce/t → 13/14 = 0.928571…
    // CEM: 11,000 tce / 100,000 t = 0.11 tce/t; norm 105 kgce/t = 0.105 tce/t → 0.11/0.105 = 1.047619…
    // value = 1.047619…, threshold 1 → fail, gap 1 − 1.047619… = −0.047619…
    const months = monthsOf(2025);
    const statistics = [
      stat('ALU', '2025-01', 'product_output', 4_000, { item: 'aluminium' }),
      stat('ALU', '2025-02', 'product_output', 6_000, { item: 'aluminium' }),
      stat('CEM', '2025-03', 'product_output', 100_000, { item: 'clinker' }),
    ];
    const card = evaluateSet(
      CN_NATIONAL_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 1, months }), {
        statistics,
        organisationAccounts: [
          fakeAccount({ organisation: 'ALU', energyTce: 130_000 }),
          fakeAccount({ organisation: 'CEM', energyTce: 11_000 }),
        ],
        factors: [
          { key: 'norm.aluminium.grade2', value: 14, unit: 'tce/t', source: 'GB 21346 (user)' },
          { key: 'norm.clinker.grade2', value: 105, unit: 'kgce/t', source: 'GB 16780 (user)' },
        ],
      }),
    );
    const r = result(card, 'product-energy-grade2');
    expect(r.value).toBeCloseTo(0.11 / 0.105, 12);
    expect(r).toMatchObject({ threshold: 1, outcome: 'fail' });
    expect(r.gap).toBeCloseTo(1 - 0.11 / 0.105, 12);
    expect(r.inputs.find((i) => i.id === 'ratio:ALU')?.value).toBeCloseTo(13 / 14, 12);
    expect(r.inputs.find((i) => i.id === 'factor:norm.clinker.grade2')).toMatchObject({
      value: 0.105,
      unit: 'tce/t',
    });
    expect(r.complete).toBe(false); // output was entered in 2 (ALU) and 1 (CEM) of 12 months
  });
});

describe('efficiency-diagnosis coverage', () => {
  // Assessment year 2025, cycle 2024–2025:
  //   E1 12,000 tce, diagnosed 2024-06            → in scope, diagnosed
  //   E2  5,000 tce, diagnosed 2025-03            → in scope (≥ 5,000), diagnosed
  //   E3  4,999 tce, never                        → out of scope
  //   E4  8,000 tce, diagnosed 2023-11, and a 0 in 2025-02 → in scope, not diagnosed (2023 is outside the cycle)
  //   OPS (park operator) 20,000 tce              → not an enterprise
  // coverage = 2 / 3 = 0.666…; against a configured 0.8: gap 2/3 − 0.8 = −0.1333…
  const organisations: EvaluationInput['organisations'] = [
    { id: 'E1', kind: 'enterprise' },
    { id: 'E2', kind: 'enterprise' },
    { id: 'E3', kind: 'enterprise' },
    { id: 'E4', kind: 'enterprise' },
    { id: 'OPS', kind: 'park_operator' },
  ];
  const energy: Record<string, number> = { E1: 12_000, E2: 5_000, E3: 4_999, E4: 8_000, OPS: 20_000 };
  const organisationAccounts = Object.entries(energy).map(([organisation, energyTce]) =>
    fakeAccount({ organisation, energyTce }),
  );
  const diag = (org: string, month: string, value = 1) =>
    stat(org, month, 'efficiency_diagnosis', value, { unit: '', item: `report-${org}-${month}` });
  const statistics = [
    diag('E1', '2024-06'),
    diag('E2', '2025-03'),
    diag('E4', '2023-11'),
    diag('E4', '2025-02', 0),
  ];
  const input = fakeInput(fakeAccount({ energyTce: 49_999, grossTco2: 1 }), {
    organisations,
    organisationAccounts,
    statistics,
  });

  it('counts enterprises ≥ 5,000 tce diagnosed in the assessment year or the year before', () => {
    const r = result(evaluateSet(YN_2025, input), 'efficiency-diagnosis-coverage');
    expect(r.value).toBeCloseTo(2 / 3, 12);
    expect(r).toMatchObject({ outcome: 'no_threshold', complete: true });
    expect(r.inputs.find((i) => i.id === 'count:in_scope')?.value).toBe(3);
    expect(r.inputs.find((i) => i.id === 'count:diagnosed')?.value).toBe(2);
    expect(r.inputs.find((i) => i.id === 'organisation:E1')?.statistics?.map((s) => s.month)).toEqual([
      '2024-06',
    ]);
    expect(r.inputs.some((i) => i.id === 'organisation:OPS')).toBe(false);
    expect(r.notes[0]).toMatch(/cycle \[U\]: diagnoses in 2024–2025 count/);
  });

  it('against a configured threshold, in the standalone set', () => {
    const mine = configureSet(EFFICIENCY_DIAGNOSIS_SET, [
      {
        indicator: 'efficiency-diagnosis-coverage',
        threshold: 0,
        value: 0.8,
        source: 'park plan',
        by: 'bob',
      },
    ]);
    const card = evaluateSet(mine, input);
    expect(card.set).toMatchObject({ id: 'efficiency-diagnosis-coverage', version: 2 });
    const r = result(card, 'efficiency-diagnosis-coverage');
    expect(r.outcome).toBe('fail');
    expect(r.gap).toBeCloseTo(2 / 3 - 0.8, 12);
  });

  it('no statistics of the previous year: flagged; no enterprise in scope: not applicable', () => {
    const late = result(
      evaluateSet(YN_2025, { ...input, statistics: [diag('E2', '2025-03')] }),
      'efficiency-diagnosis-coverage',
    );
    expect(late.value).toBeCloseTo(1 / 3, 12);
    expect(late.complete).toBe(false);
    expect(late.notes.join(' ')).toMatch(/no statistics of 2024 were passed in/);
    // The caller says 2024 was read (and held no diagnosis): complete.
    const read = result(
      evaluateSet(YN_2025, { ...input, statistics: [diag('E2', '2025-03')], statisticsFrom: '2024-01' }),
      'efficiency-diagnosis-coverage',
    );
    expect(read).toMatchObject({ complete: true });
    expect(read.value).toBeCloseTo(1 / 3, 12);
    const small = result(
      evaluateSet(YN_2025, {
        ...input,
        organisations: [{ id: 'E3', kind: 'enterprise' }],
      }),
      'efficiency-diagnosis-coverage',
    );
    expect(small).toMatchObject({ outcome: 'not_applicable', value: null });
  });
});

describe('caveats', () => {
  it('an incomplete account still gives a value, flagged with the account’s missing inputs', () => {
    const account = fakeAccount({
      energyTce: 500_000,
      grossTco2: 75_000,
      complete: false,
      coverage: 0.8,
      missing: [{ what: 'meter M7 readings', reason: 'coverage 40 %', months: ['2025-03'] }],
    });
    const card = evaluateSet(CN_NATIONAL_2025, fakeInput(account));
    const r = result(card, 'co2-per-energy');
    expect(r).toMatchObject({ value: 0.15, outcome: 'pass', complete: false });
    expect(r.notes.join('\n')).toMatch(/park account incomplete \(coverage 0\.800\)/);
    expect(r.notes.join('\n')).toMatch(/missing meter M7 readings: coverage 40 % \(2025-03\)/);
    expect(card.account).toMatchObject({ complete: false, coverage: 0.8 });
  });

  it('Yunnan counts electricity at the equivalent value: a calorific account is flagged', () => {
    const card = evaluateSet(YN_2025, fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 75_000 })));
    expect(card.notes.join(' ')).toMatch(/the set counts electricity at the equivalent value/);
    expect(result(card, 'co2-per-energy')).toMatchObject({ outcome: 'no_threshold', value: 0.15 });
    const ok = evaluateSet(
      YN_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 75_000, electricityTce: 'equivalent' })),
    );
    expect(ok.notes).toEqual([]);
  });

  it('a part-year account is noted; a declared not-applicable indicator says why', () => {
    const card = evaluateSet(
      CN_NATIONAL_2025,
      fakeInput(fakeAccount({ energyTce: 500_000, grossTco2: 75_000, months: ['2025-01'] }), {
        notApplicable: [{ indicator: 'waste-heat-utilisation', reason: 'no thermal processes in the park' }],
      }),
    );
    expect(card.notes[0]).toMatch(/covers 2025-01–2025-01, not the 12 months of 2025/);
    expect(result(card, 'waste-heat-utilisation')).toMatchObject({
      outcome: 'not_applicable',
      reason: 'declared not applicable by the park: no thermal processes in the park',
    });
  });
});

describe('invariants', () => {
  test.prop([
    fc.constantFrom<'at_most' | 'at_least'>('at_most', 'at_least'),
    fc.double({ min: 0, max: 10, noNaN: true }),
    fc.double({ min: 0, max: 10, noNaN: true }),
  ])(
    'the gap is positive exactly when the value is on the good side of the threshold',
    (direction, value, threshold) => {
      const gap = gapTo(direction, value, threshold);
      const better = direction === 'at_most' ? value < threshold : value > threshold;
      expect(gap > 0).toBe(better);
      expect(Math.abs(gap)).toBeCloseTo(Math.abs(value - threshold), 12);
    },
  );

  test.prop([
    fc.array(
      fc.record({
        item: fc.constantFrom('heat', 'cold', 'pressure'),
        available: fc.integer({ min: 1, max: 10_000 }),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  ])(
    'the weighted waste-heat mean equals Σ recovered ÷ Σ available and lies between the part rates',
    (rows) => {
      const statistics = rows.flatMap((row, i) => [
        stat(`O${i}`, '2025-01', 'waste_heat_available', row.available, { unit: 'GJ', item: row.item }),
        stat(`O${i}`, '2025-01', 'waste_heat_recovered', row.available * row.share, {
          unit: 'GJ',
          item: row.item,
        }),
      ]);
      const account = fakeAccount({ energyTce: 1, grossTco2: 0, months: ['2025-01'] });
      const r = result(evaluateSet(YN_2025, fakeInput(account, { statistics })), 'waste-heat-utilisation');
      const pooled =
        rows.reduce((a, row) => a + row.available * row.share, 0) /
        rows.reduce((a, row) => a + row.available, 0);
      expect(r.value).toBeCloseTo(pooled, 9);
      const rates = r.inputs.filter((i) => i.id.startsWith('rate:')).map((i) => i.value);
      expect(r.value!).toBeGreaterThanOrEqual(Math.min(...rates) - 1e-12);
      expect(r.value!).toBeLessThanOrEqual(Math.max(...rates) + 1e-12);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { COMPLETENESS_THRESHOLD, computeAccount } from './account.ts';
import { nextVersion, seedFactors } from './factor-library.ts';
import { CN_ZERO_CARBON_PARK_2025, HN_ZERO_CARBON_PARK, YN_ZERO_CARBON_PARK } from './profiles.ts';
import type { Account, AccountRequest, EnergyLine, Factor, MethodProfile, StatisticValue } from './types.ts';

// Every expected number below is worked out by hand from the seed tables (src/modules/carbon/seed/*.csv) and
// standards.md, never copied from the implementation's output.

const PARK = { id: 'p1', name: 'Test park', province: 'yunnan', gridRegion: 'south' };

function line(
  organisation: string,
  carrier: string,
  role: string,
  quantity: number,
  unit: string,
  extra: Partial<EnergyLine> = {},
): EnergyLine {
  return {
    organisation,
    carrier,
    role,
    internalTransfer: false,
    unit,
    quantity,
    estimated: 0,
    measuredSlots: 2880,
    expectedSlots: 2880,
    meters: [`${organisation}-${carrier}-${role}`],
    ...extra,
  };
}

function stat(
  organisation: string,
  month: string,
  kind: StatisticValue['kind'],
  item: string,
  value: number,
  unit: string,
  extra: Partial<StatisticValue> = {},
): StatisticValue {
  return {
    organisation,
    month,
    kind,
    item,
    value,
    unit,
    version: 1,
    enteredBy: 'test',
    enteredAt: '2025-08-01T00:00:00Z',
    ...extra,
  };
}

function request(
  energy: Record<string, EnergyLine[]>,
  opts: {
    statistics?: StatisticValue[];
    profile?: MethodProfile;
    organisation?: string | null;
    factors?: Factor[];
    organisations?: AccountRequest['organisations'];
  } = {},
): AccountRequest {
  return {
    park: PARK,
    organisation: opts.organisation ?? null,
    months: Object.keys(energy).sort(),
    organisations: opts.organisations ?? [{ id: 'e1', name: 'Enterprise 1', kind: 'enterprise' }],
    energy,
    statistics: opts.statistics ?? [],
    factors: opts.factors ?? [...seedFactors()],
    profile: opts.profile ?? CN_ZERO_CARBON_PARK_2025,
  };
}

const profileWith = (changes: Partial<MethodProfile>): MethodProfile => ({
  ...CN_ZERO_CARBON_PARK_2025,
  ...changes,
});
const lineOf = (a: Account, id: string) => {
  const l = a.lines.find((x) => x.id === id);
  if (!l) throw new Error(`no line ${id}: ${a.lines.map((x) => x.id).join(', ')}`);
  return l;
};

describe('worked examples, one per source', () => {
  it('natural gas combustion: FC × NCV × CC × OF × 44/12', () => {
    // 100,000 m³ × (389.31 / 10^4) GJ/m³ = 3,893.1 GJ; × 0.0153 tC/GJ = 59.56443 tC; × 0.99 = 58.9687857 tC;
    // × 44/12 = 216.2188809 tCO₂. Energy: 100,000 m³ × 1.33 kgce/m³ = 133 tce.
    const a = computeAccount(request({ '2025-03': [line('e1', 'natural_gas', 'import', 100_000, 'm3')] }));
    const l = lineOf(a, 'combustion:natural_gas');
    expect(l.activity).toBe(100_000);
    expect(l.activityUnit).toBe('m3');
    expect(l.tco2).toBeCloseTo(216.2188809, 6);
    expect(l.formula).toBe('FC × NCV × CC × OF × 44/12');
    expect(l.factors.map((f) => f.key).sort()).toEqual([
      'fuel.natural_gas.carbon_content',
      'fuel.natural_gas.ncv',
      'fuel.natural_gas.oxidation',
    ]);
    expect(a.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(a.totals.energyTce).toBeCloseTo(133, 9);
    expect(a.complete).toBe(true);
  });

  it('natural gas metered in 10^4 m³ gives the same result', () => {
    const a = computeAccount(request({ '2025-03': [line('e1', 'natural_gas', 'import', 10, '10^4m3')] }));
    expect(a.totals.grossTco2).toBeCloseTo(216.2188809, 6);
  });

  it('coal (bituminous defaults) in t', () => {
    // 1,000 t × 19.570 GJ/t = 19,570 GJ; × 0.0261 = 510.777 tC; × 0.93 = 475.02261 tC; × 44/12 = 1,741.74957 tCO₂.
    // Energy: 1,000 t × 0.7143 tce/t (raw coal) = 714.3 tce.
    const a = computeAccount(request({ '2025-03': [line('e1', 'coal', 'import', 1000, 't')] }));
    expect(lineOf(a, 'combustion:coal').tco2).toBeCloseTo(1741.74957, 6);
    expect(a.totals.energyTce).toBeCloseTo(714.3, 9);
  });

  it('diesel in t, and in litres without a density (reported missing, never invented)', () => {
    // 10 t × 42.652 GJ/t = 426.52 GJ; × 0.0202 = 8.615704 tC; × 0.98 = 8.44338992 tC; × 44/12 = 30.95909637 tCO₂.
    // Energy: 10 t × 1.4571 tce/t = 14.571 tce.
    const t = computeAccount(request({ '2025-03': [line('e1', 'diesel', 'import', 10, 't')] }));
    expect(lineOf(t, 'combustion:diesel').tco2).toBeCloseTo(30.95909637, 6);
    expect(t.totals.energyTce).toBeCloseTo(14.571, 9);

    const l = computeAccount(request({ '2025-03': [line('e1', 'diesel', 'import', 12_000, 'L')] }));
    expect(l.lines.find((x) => x.source === 'combustion')).toBeUndefined();
    expect(l.energy.find((e) => e.carrier === 'diesel')?.tce).toBeNull();
    expect(l.missing.map((m) => m.what)).toEqual([
      'e1: diesel in litres (combustion)',
      'e1: diesel in litres (tce)',
    ]);
    expect(l.missing[0]!.reason).toMatch(/density/);
    expect(l.complete).toBe(false);
  });

  it('diesel in litres with a user density', () => {
    // 12,000 L × 0.84 kg/L = 10,080 kg = 10.08 t; 10.08 × 42.652 × 0.0202 × 0.98 × 44/12
    // = 10.08 × 3.095909637 = 31.20676914 tCO₂.
    const density = nextVersion(
      seedFactors(),
      {
        key: 'fuel.diesel.density',
        scope: 'park:p1',
        value: 0.84,
        unit: 'kg/L',
        validFrom: '2025-01-01',
        source: 'supplier delivery note',
        status: 'secondary',
      },
      'u1',
      '2025-02-01T00:00:00Z',
    );
    if (!density.ok) throw new Error('density rejected');
    const a = computeAccount(
      request(
        { '2025-03': [line('e1', 'diesel', 'import', 12_000, 'L')] },
        { factors: [...seedFactors(), density.factor] },
      ),
    );
    expect(lineOf(a, 'combustion:diesel').tco2).toBeCloseTo(31.20676914, 6);
    expect(lineOf(a, 'combustion:diesel').activity).toBeCloseTo(10.08, 9);
    expect(a.missing).toEqual([]);
  });

  it('process emissions: activity × factor, included (national) or memo', () => {
    // 1,000 t clinker × 0.52 tCO₂/t = 520 tCO₂.
    const statistics = [
      stat('e1', '2025-03', 'process_activity', 'clinker', 1000, 't', {
        factor: { value: 0.52, unit: 'tCO2/t', source: 'plant lab 2025' },
      }),
    ];
    const a = computeAccount(request({ '2025-03': [] }, { statistics }));
    expect(lineOf(a, 'process:clinker').tco2).toBeCloseTo(520, 9);
    expect(a.totals.grossTco2).toBeCloseTo(520, 9);
    const memo = computeAccount(
      request({ '2025-03': [] }, { statistics, profile: profileWith({ processEmissions: 'memo' }) }),
    );
    expect(memo.totals.grossTco2).toBe(0);
    expect(memo.totals.memoTco2.process).toBeCloseTo(520, 9);
    // Without its factor, the process line is missing, not zero.
    const none = computeAccount(
      request(
        { '2025-03': [] },
        { statistics: [stat('e1', '2025-03', 'process_activity', 'clinker', 1000, 't')] },
      ),
    );
    expect(none.lines).toEqual([]);
    expect(none.missing[0]!.what).toBe('e1: process clinker');
  });

  it('grid electricity at the national average of the latest data year in force', () => {
    // 1,000 MWh × 0.5306 tCO₂/MWh (2023 data, in force from 2023-01-01) = 530.6 tCO₂.
    const a = computeAccount(request({ '2025-03': [line('e1', 'electricity', 'import', 1_000_000, 'kWh')] }));
    const l = lineOf(a, 'electricity_grid');
    expect(l.activity).toBe(1000);
    expect(l.tco2).toBeCloseTo(530.6, 9);
    expect(l.factors[0]).toMatchObject({ key: 'grid.national.CN.average', dataYear: 2023, value: 0.5306 });
    expect(a.totals.gridElectricityMwh).toBe(1000);
  });

  it('a pinned data year uses that year’s factor', () => {
    // 1,000 MWh × 0.5366 (2022 data) = 536.6 tCO₂.
    const a = computeAccount(
      request(
        { '2025-03': [line('e1', 'electricity', 'import', 1000, 'MWh')] },
        {
          profile: profileWith({
            gridFactor: { rule: 'residual_when_claimed', level: 'national', dataYear: 2022 },
          }),
        },
      ),
    );
    expect(a.totals.grossTco2).toBeCloseTo(536.6, 9);
  });

  it('green electricity: on-site PV and direct green supply at 0 tCO₂', () => {
    // Grid 1,000 MWh × 0.5306 = 530.6; PV 200 MWh × 0 and direct supply 100 MWh × 0.
    // Energy (equivalent 2025: 0.3024 kgce/kWh): (1,000 + 200 + 100) MWh = 1,300,000 kWh × 0.0003024 = 393.12 tce.
    // Clean: (200 + 100) MWh = 300,000 kWh × 0.0003024 = 90.72 tce; share = 90.72 / 393.12 = 0.230769…
    const a = computeAccount(
      request({
        '2025-03': [
          line('e1', 'electricity', 'import', 1000, 'MWh'),
          line('e1', 'electricity', 'generation', 200, 'MWh', { technology: 'pv' }),
          line('e1', 'electricity', 'direct_green_supply', 100, 'MWh', { technology: 'wind' }),
        ],
      }),
    );
    expect(lineOf(a, 'electricity_green:pv')).toMatchObject({ activity: 200, tco2: 0 });
    expect(lineOf(a, 'electricity_green:direct_supply')).toMatchObject({ activity: 100, tco2: 0 });
    expect(a.totals.grossTco2).toBeCloseTo(530.6, 9);
    expect(a.totals.greenElectricityMwh).toBe(300);
    expect(a.totals.energyTce).toBeCloseTo(393.12, 9);
    expect(a.totals.cleanEnergyTce).toBeCloseTo(90.72, 9);
    expect(a.totals.cleanShare).toBeCloseTo(90.72 / 393.12, 12);
  });

  it('fossil on-site generation emits through its fuel only', () => {
    // A CHP burns 100,000 m³ of gas (216.2188809 tCO₂, 133 tce) and makes 400 MWh: no electricity line, no tce for
    // the electricity (the gas carries both).
    const a = computeAccount(
      request({
        '2025-03': [
          line('e1', 'natural_gas', 'import', 100_000, 'm3'),
          line('e1', 'electricity', 'generation', 400, 'MWh', { technology: 'chp' }),
        ],
      }),
    );
    expect(a.lines.map((l) => l.id)).toEqual(['combustion:natural_gas']);
    expect(a.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(a.totals.energyTce).toBeCloseTo(133, 9);
  });

  it('purchased heat in GJ and steam in t', () => {
    // Heat: 1,000 GJ × 0.11 = 110 tCO₂. Steam: 100 t × (3,763 − 83.74) kJ/kg × 10⁻³ = 367.926 GJ × 0.11
    // = 40.47186 tCO₂. Energy: 1,000 GJ × 0.03412 = 34.12 tce; 100 t × 0.1286 = 12.86 tce.
    const a = computeAccount(
      request({
        '2025-03': [line('e1', 'heat', 'import', 1000, 'GJ'), line('e1', 'steam', 'import', 100, 't')],
      }),
    );
    expect(lineOf(a, 'heat_purchased:heat').tco2).toBeCloseTo(110, 9);
    const steam = lineOf(a, 'heat_purchased:steam');
    expect(steam.tco2).toBeCloseTo(40.47186, 9);
    expect(steam.formula).toBe('t × (h − 83.74) × 10⁻³ × EF_heat');
    expect(steam.factors.map((f) => f.key)).toEqual(['steam.enthalpy', 'heat.co2']);
    expect(a.totals.energyTce).toBeCloseTo(46.98, 9);
  });

  it('heat metered in MJ converts through units', () => {
    // 1,000,000 MJ = 1,000 GJ × 0.11 = 110 tCO₂.
    const a = computeAccount(request({ '2025-03': [line('e1', 'heat', 'import', 1_000_000, 'MJ')] }));
    expect(a.totals.grossTco2).toBeCloseTo(110, 9);
  });

  it('exported electricity and exported heat are subtracted when exports are credited', () => {
    // Import 1,000 MWh × 0.5306 = 530.6; export 50 MWh × 0.5306 = 26.53; heat bought 1,000 GJ × 0.11 = 110, sold
    // 200 GJ × 0.11 = 22. Gross = 530.6 + 110 − 26.53 − 22 = 592.07 tCO₂.
    const energy = {
      '2025-03': [
        line('e1', 'electricity', 'import', 1000, 'MWh'),
        line('e1', 'electricity', 'export', 50, 'MWh'),
        line('e1', 'heat', 'import', 1000, 'GJ'),
        line('e1', 'heat', 'export', 200, 'GJ'),
      ],
    };
    const a = computeAccount(request(energy));
    expect(lineOf(a, 'electricity_exported')).toMatchObject({ effect: 'subtract', activity: 50 });
    expect(lineOf(a, 'electricity_exported').tco2).toBeCloseTo(26.53, 9);
    expect(lineOf(a, 'heat_exported:heat').tco2).toBeCloseTo(22, 9);
    expect(a.totals.grossTco2).toBeCloseTo(592.07, 9);
    // Not credited: gross = 530.6 + 110 = 640.6, exports as memo.
    const b = computeAccount(request(energy, { profile: profileWith({ creditExports: false }) }));
    expect(b.totals.grossTco2).toBeCloseTo(640.6, 9);
    expect(b.totals.memoTco2.electricity_exported).toBeCloseTo(26.53, 9);
    expect(b.totals.memoTco2.heat_exported).toBeCloseTo(22, 9);
  });

  it('recovered CO₂ is deducted; offsets are a memo (national) or reduce net only', () => {
    // Gas 216.2188809 − recovered 30 = gross 186.2188809. Offsets 100: national → memo, net = gross;
    // offsets 'net' → net = 86.2188809, core on gross unless the basis is net.
    const statistics = [
      stat('e1', '2025-03', 'recovered_co2', '', 30, 'tCO2'),
      stat('e1', '2025-03', 'offset', 'ccer', 100, 'tCO2e'),
    ];
    const energy = { '2025-03': [line('e1', 'natural_gas', 'import', 100_000, 'm3')] };
    const memo = computeAccount(request(energy, { statistics }));
    expect(lineOf(memo, 'recovered')).toMatchObject({ effect: 'subtract', tco2: 30 });
    expect(memo.totals.grossTco2).toBeCloseTo(186.2188809, 6);
    expect(memo.totals.netTco2).toBeCloseTo(186.2188809, 6);
    expect(memo.totals.offsetsTco2).toBe(0);
    expect(memo.totals.memoTco2.offset).toBe(100);

    const net = computeAccount(
      request(energy, { statistics, profile: profileWith({ offsets: 'net', coreIndicatorBasis: 'net' }) }),
    );
    expect(lineOf(net, 'offset:ccer').effect).toBe('net_only');
    expect(net.totals.grossTco2).toBeCloseTo(186.2188809, 6);
    expect(net.totals.offsetsTco2).toBe(100);
    expect(net.totals.netTco2).toBeCloseTo(86.2188809, 6);
    // core on net: 86.2188809 / 133 tce = 0.648262262…
    expect(net.totals.coreTco2PerTce).toBeCloseTo(86.2188809 / 133, 9);

    const notDeducted = computeAccount(
      request(energy, { statistics, profile: profileWith({ recoveredCo2: 'memo' }) }),
    );
    expect(notDeducted.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(notDeducted.totals.memoTco2.recovered).toBe(30);
  });
});

describe('electricity conventions and the core indicator', () => {
  const gridOnly = (month: string, profile: MethodProfile) =>
    computeAccount(request({ [month]: [line('e1', 'electricity', 'import', 1000, 'MWh')] }, { profile }));

  it('calorific value: 0.1229 kgce/kWh', () => {
    // 1,000,000 kWh × 0.0001229 = 122.9 tce; core = 530.6 / 122.9 = 4.31733116…
    const a = gridOnly('2025-03', profileWith({ electricityTce: 'calorific' }));
    expect(a.totals.energyTce).toBeCloseTo(122.9, 9);
    expect(a.totals.coreTco2PerTce).toBeCloseTo(4.3173311635, 9);
    expect(a.method.electricityTce).toBe('calorific');
  });

  it('equivalent value picked by date: 2023 uses 0.3055, 2025 uses 0.3024', () => {
    // 2023-03: 1,000,000 kWh × 0.0003055 = 305.5 tce; grid 0.5306 (2023 data) → core 530.6 / 305.5 = 1.73682488…
    const y2023 = gridOnly('2023-03', CN_ZERO_CARBON_PARK_2025);
    expect(y2023.totals.energyTce).toBeCloseTo(305.5, 9);
    expect(y2023.totals.coreTco2PerTce).toBeCloseTo(1.7368248773, 9);
    expect(y2023.energy[0]!.factor).toMatchObject({ key: 'tce.electricity_equivalent', version: 1 });
    // 2025-03: × 0.0003024 = 302.4 tce → core 530.6 / 302.4 = 1.75462963…
    const y2025 = gridOnly('2025-03', CN_ZERO_CARBON_PARK_2025);
    expect(y2025.totals.energyTce).toBeCloseTo(302.4, 9);
    expect(y2025.totals.coreTco2PerTce).toBeCloseTo(1.7546296296, 9);
    expect(y2025.energy[0]!.factor).toMatchObject({ version: 2, validFrom: '2024-01-01' });
  });

  it('a year spanning the change sums its months and recomputes the ratio', () => {
    // 2023-12 (305.5 tce) + 2024-01 (302.4 tce) = 607.9 tce; emissions 2 × 530.6 = 1,061.2 (both months use the
    // 2023 grid data); core = 1,061.2 / 607.9 = 1.74568185… (not the mean of the two monthly ratios).
    const a = computeAccount(
      request({
        '2023-12': [line('e1', 'electricity', 'import', 1000, 'MWh')],
        '2024-01': [line('e1', 'electricity', 'import', 1000, 'MWh')],
      }),
    );
    expect(a.totals.energyTce).toBeCloseTo(607.9, 9);
    expect(a.totals.coreTco2PerTce).toBeCloseTo(1061.2 / 607.9, 12);
    expect(a.energy[0]!.factors.map((f) => f.version)).toEqual([1, 2]);
  });
});

describe('the shipped profiles on one small input', () => {
  // A Yunnan park (province yunnan, grid region south), June 2025, one enterprise: grid import 1,000 MWh, on-site PV
  // 200 MWh (all used on site), natural gas 100,000 m³, and 300 MWh of evidenced green certificates.
  const energy = {
    '2025-06': [
      line('e1', 'electricity', 'import', 1000, 'MWh'),
      line('e1', 'electricity', 'generation', 200, 'MWh', { technology: 'pv' }),
      line('e1', 'natural_gas', 'import', 100_000, 'm3'),
    ],
  };
  const statistics = [
    stat('e1', '2025-06', 'green_claim', 'certificate', 300, 'MWh', { evidence: 'GEC 1-300' }),
  ];
  const run = (profile: MethodProfile) => computeAccount(request(energy, { statistics, profile }));
  // Energy (all three at the equivalent value, 2025: 0.3024 kgce/kWh): electricity (1,000 + 200) MWh
  // = 1,200,000 kWh × 0.0003024 = 362.88 tce; gas 100,000 m³ × 0.00133 = 133 tce; total 495.88 tce.
  // Gas: 216.2188809 tCO₂ (worked above).

  it('national: claimed 300 MWh at 0, the rest at the residual factor', () => {
    // (1,000 − 300) MWh × 0.6096 = 426.72; gross = 426.72 + 216.2188809 = 642.9388809;
    // core = 642.9388809 / 495.88 = 1.29656143…; clean = (200 + 300) MWh × 0.3024 tce/MWh = 151.2 tce, 30.49 %.
    const a = run(CN_ZERO_CARBON_PARK_2025);
    expect(a.totals.energyTce).toBeCloseTo(495.88, 9);
    expect(a.totals.grossTco2).toBeCloseTo(642.9388809, 6);
    expect(a.totals.coreTco2PerTce).toBeCloseTo(1.2965614, 6);
    expect(a.totals.cleanEnergyTce).toBeCloseTo(151.2, 9);
    expect(a.totals.cleanShare).toBeCloseTo(0.3049125, 6);
  });

  it('Yunnan: all grid electricity at the provincial average, claims a memo that still counts as clean', () => {
    // 1,000 MWh × 0.1333 = 133.3; gross = 133.3 + 216.2188809 = 349.5188809; core = 349.5188809 / 495.88
    // = 0.70484569…; clean 151.2 tce as above, plus the grid's clean share, which no source gives: missing.
    const a = run(YN_ZERO_CARBON_PARK);
    expect(a.totals.grossTco2).toBeCloseTo(349.5188809, 6);
    expect(a.totals.coreTco2PerTce).toBeCloseTo(0.7048457, 6);
    expect(lineOf(a, 'electricity_green:claim').effect).toBe('memo');
    expect(a.totals.cleanEnergyTce).toBeCloseTo(151.2, 9);
    expect(a.missing.map((m) => m.what)).toEqual(['e1: factor grid_clean_share.provincial.yunnan']);
    expect(a.complete).toBe(false);
  });

  it('names an input missing for several organisations in the same months once, with all of them', () => {
    const req = request(
      {
        '2025-06': [
          line('e1', 'electricity', 'import', 100, 'MWh'),
          line('e2', 'electricity', 'import', 50, 'MWh'),
        ],
        '2025-07': [line('e1', 'electricity', 'import', 100, 'MWh')],
      },
      {
        profile: YN_ZERO_CARBON_PARK,
        organisations: [
          { id: 'e1', name: 'Enterprise 1', kind: 'enterprise' },
          { id: 'e2', name: 'Enterprise 2', kind: 'enterprise' },
        ],
      },
    );
    const a = computeAccount(req);
    // e1 lacks it in June and July, e2 in June only: two entries, not one per organisation and month.
    expect(a.missing.map((m) => [m.what, m.months])).toEqual([
      ['e1: factor grid_clean_share.provincial.yunnan', ['2025-06', '2025-07']],
      ['e2: factor grid_clean_share.provincial.yunnan', ['2025-06']],
    ]);
    // Both in June alone: one entry naming both.
    const june = computeAccount({ ...req, months: ['2025-06'] });
    expect(june.missing.map((m) => m.what)).toEqual(['e1, e2: factor grid_clean_share.provincial.yunnan']);
  });

  it('Yunnan with a user-entered grid clean share (a test value, not a sourced one)', () => {
    // Share 0.8 of the unclaimed (1,000 − 300) MWh = 560 MWh × 0.3024 tce/MWh = 169.344 tce; clean = 151.2 + 169.344
    // = 320.544 tce; share = 320.544 / 495.88 = 0.64641…
    const share = nextVersion(
      seedFactors(),
      {
        key: 'grid_clean_share.provincial.yunnan',
        scope: 'park:p1',
        value: 0.8,
        unit: '1',
        validFrom: '2025-01-01',
        source: 'test value',
        status: 'unverified',
      },
      'u1',
      '2025-01-02T00:00:00Z',
    );
    if (!share.ok) throw new Error(JSON.stringify(share.issues));
    const a = computeAccount(
      request(energy, {
        statistics,
        profile: YN_ZERO_CARBON_PARK,
        factors: [...seedFactors(), share.factor],
      }),
    );
    expect(a.missing).toEqual([]);
    expect(a.totals.cleanEnergyTce).toBeCloseTo(320.544, 9);
    expect(a.factors.map((f) => f.key)).toContain('grid_clean_share.provincial.yunnan');
  });

  it('Hunan: the national choices (its notice sets targets, not conventions), so the national figure', () => {
    // Same as national: 1.29656143… tCO₂/tce. The three differ only by the grid rule: national and Hunan price
    // the unclaimed 700 MWh at 0.6096 (426.72 t); Yunnan prices all 1,000 MWh at 0.1333 (133.3 t), so Yunnan's
    // indicator is 293.42 t lower over the same 495.88 tce: 1.2966 − 0.7048 = 0.5917 = 293.42 / 495.88.
    const a = run(HN_ZERO_CARBON_PARK);
    expect(a.totals.coreTco2PerTce).toBeCloseTo(1.2965614, 6);
    const diff =
      run(CN_ZERO_CARBON_PARK_2025).totals.coreTco2PerTce! - run(YN_ZERO_CARBON_PARK).totals.coreTco2PerTce!;
    expect(diff).toBeCloseTo(293.42 / 495.88, 9);
  });
});

describe('green claims', () => {
  const energy = { '2025-03': [line('e1', 'electricity', 'import', 1000, 'MWh')] };
  const claim = (mwh: number, evidence = 'GEC-001') =>
    stat('e1', '2025-03', 'green_claim', 'certificate', mwh, 'MWh', evidence ? { evidence } : {});

  it('without claims: the national average', () => {
    // 1,000 × 0.5306 = 530.6.
    expect(computeAccount(request(energy)).totals.grossTco2).toBeCloseTo(530.6, 9);
  });

  it('with claims: claimed MWh at 0, the rest at the residual factor', () => {
    // (1,000 − 300) × 0.6096 = 426.72; green 300 MWh.
    const a = computeAccount(request(energy, { statistics: [claim(300)] }));
    expect(lineOf(a, 'electricity_grid')).toMatchObject({
      activity: 700,
      formula: '(grid import − claimed) MWh × EF_grid,residual',
    });
    expect(a.totals.grossTco2).toBeCloseTo(426.72, 9);
    expect(a.totals.greenElectricityMwh).toBe(300);
    expect(a.totals.gridElectricityMwh).toBe(1000);
    expect(a.factors.map((f) => f.key)).toContain('grid.national.CN.excluding_market_traded_non_fossil');
  });

  it('with claims under the average rule: no deduction', () => {
    const a = computeAccount(
      request(energy, {
        statistics: [claim(300)],
        profile: profileWith({ gridFactor: { rule: 'average', level: 'national', dataYear: 'latest' } }),
      }),
    );
    expect(a.totals.grossTco2).toBeCloseTo(530.6, 9);
  });

  it('claims above grid import are capped, with a warning', () => {
    // 1,200 claimed, 1,000 imported: 1,000 at 0, nothing at the residual factor, 200 MWh not counted.
    const a = computeAccount(request(energy, { statistics: [claim(1200)] }));
    expect(a.totals.grossTco2).toBe(0);
    expect(lineOf(a, 'electricity_green:claim').activity).toBe(1000);
    expect(a.warnings[0]!.reason).toMatch(/excess 200 MWh/);
    expect(a.missing).toEqual([]);
  });

  it('a claim without evidence does not count and is missing', () => {
    const a = computeAccount(request(energy, { statistics: [claim(300, '')] }));
    expect(a.totals.grossTco2).toBeCloseTo(530.6, 9);
    expect(a.missing[0]!.what).toBe('e1: evidence of green claim certificate');
  });
});

describe('effective dating', () => {
  it('an organisation’s measured NCV from 2025-07-01 applies from July only, and only to it', () => {
    const measured = nextVersion(
      seedFactors(),
      {
        key: 'fuel.natural_gas.ncv',
        scope: 'org:p1/e1',
        value: 0.036,
        unit: 'GJ/m3',
        validFrom: '2025-07-01',
        source: 'supplier certificate 2025-06',
        status: 'measured',
        evidence: 'file:abc123',
      },
      'u1',
      '2025-06-30T08:00:00Z',
    );
    if (!measured.ok) throw new Error(JSON.stringify(measured.issues));
    const gas = (org: string) => line(org, 'natural_gas', 'import', 100_000, 'm3');
    const req = request(
      { '2025-06': [gas('e1'), gas('e2')], '2025-07': [gas('e1'), gas('e2')] },
      {
        factors: [...seedFactors(), measured.factor],
        organisations: [
          { id: 'e1', name: 'E1', kind: 'enterprise' },
          { id: 'e2', name: 'E2', kind: 'enterprise' },
        ],
      },
    );
    // e1: June at the default 216.2188809; July 100,000 m³ × 0.036 GJ/m³ = 3,600 GJ × 0.0153 = 55.08 tC × 0.99
    // = 54.5292 tC × 44/12 = 199.9404 tCO₂.
    const e1 = computeAccount({ ...req, organisation: 'e1' });
    expect(e1.byMonth[0]!.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(e1.byMonth[1]!.totals.grossTco2).toBeCloseTo(199.9404, 6);
    expect(e1.factors.filter((f) => f.key === 'fuel.natural_gas.ncv').map((f) => f.scope)).toEqual([
      '*',
      'org:p1/e1',
    ]);
    // e2 keeps the default in both months; the park adds both.
    const e2 = computeAccount({ ...req, organisation: 'e2' });
    expect(e2.totals.grossTco2).toBeCloseTo(2 * 216.2188809, 6);
    const park = computeAccount(req);
    expect(park.totals.grossTco2).toBeCloseTo(3 * 216.2188809 + 199.9404, 6);
  });

  it('a gas-only month before 2020 needs no electricity factor', () => {
    const a = computeAccount(request({ '2019-06': [line('e1', 'natural_gas', 'import', 100_000, 'm3')] }));
    expect(a.missing).toEqual([]);
    expect(a.totals.grossTco2).toBeCloseTo(216.2188809, 6);
  });

  it('a month before any version is in force lists the factor as missing', () => {
    // The equivalent value starts in 2020 and the grid factors in 2021.
    const a = computeAccount(request({ '2019-06': [line('e1', 'electricity', 'import', 1000, 'MWh')] }));
    expect(a.missing.map((m) => m.what)).toEqual([
      'e1: factor grid.national.CN.average',
      'e1: factor tce.electricity_equivalent',
    ]);
    expect(a.complete).toBe(false);
  });
});

describe('internal transfers, allocation, coverage', () => {
  const orgs: AccountRequest['organisations'] = [
    { id: 'e1', name: 'E1', kind: 'enterprise' },
    { id: 'e2', name: 'E2', kind: 'enterprise' },
    { id: 'op', name: 'Operator', kind: 'park_operator' },
  ];

  it('steam sold between organisations counts for both and cancels at the park', () => {
    // e1 burns 100,000 m³ of gas (216.2188809) and sells 100 t of steam to e2: 100 × 3.67926 GJ × 0.11
    // = 40.47186 tCO₂, subtracted from e1 and added to e2. Park: 216.2188809 only.
    const energy = {
      '2025-03': [
        line('e1', 'natural_gas', 'import', 100_000, 'm3'),
        line('e1', 'steam', 'export', 100, 't', { internalTransfer: true }),
        line('e2', 'steam', 'import', 100, 't', { internalTransfer: true }),
      ],
    };
    const req = request(energy, { organisations: orgs.slice(0, 2) });
    const e1 = computeAccount({ ...req, organisation: 'e1' });
    const e2 = computeAccount({ ...req, organisation: 'e2' });
    const park = computeAccount(req);
    expect(e1.totals.grossTco2).toBeCloseTo(216.2188809 - 40.47186, 6);
    expect(e2.totals.grossTco2).toBeCloseTo(40.47186, 9);
    expect(park.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(park.lines.map((l) => l.id)).toEqual(['combustion:natural_gas']);
    // Energy: e1 133 − 12.86 tce, e2 12.86 tce, park 133 tce.
    expect(e1.totals.energyTce).toBeCloseTo(120.14, 9);
    expect(e2.totals.energyTce).toBeCloseTo(12.86, 9);
    expect(park.totals.energyTce).toBeCloseTo(133, 9);
    expect(e2.energy[0]!.byRole).toEqual({ import_internal: 100 });
  });

  it('steam lost in the park’s network stays with the seller: it is credited with what its customer metered', () => {
    // e1 sends 100 t, e2's meter reads 92 t (8 t lost in the pipes). e1 is credited with 92 t: 92 × 3.67926 GJ × 0.11
    // = 37.2341112 tCO₂ and 92 × 0.1286 = 11.8312 tce; e2 adds the same. Park: the gas alone, 216.2188809 t and 133 tce,
    // = e1 + e2 (e1: 216.2188809 − 37.2341112 = 178.9847697; 133 − 11.8312 = 121.1688).
    const energy = {
      '2025-03': [
        line('e1', 'natural_gas', 'import', 100_000, 'm3'),
        line('e1', 'steam', 'export', 100, 't', { internalTransfer: true }),
        line('e2', 'steam', 'import', 92, 't', { internalTransfer: true }),
      ],
    };
    const req = request(energy, { organisations: orgs.slice(0, 2) });
    const e1 = computeAccount({ ...req, organisation: 'e1' });
    const e2 = computeAccount({ ...req, organisation: 'e2' });
    const park = computeAccount(req);
    expect(e1.totals.grossTco2).toBeCloseTo(178.9847697, 6);
    expect(e2.totals.grossTco2).toBeCloseTo(37.2341112, 6);
    expect(park.totals.grossTco2).toBeCloseTo(216.2188809, 6);
    expect(e1.totals.energyTce).toBeCloseTo(121.1688, 9);
    expect(e2.totals.energyTce).toBeCloseTo(11.8312, 9);
    expect(park.totals.energyTce).toBeCloseTo(133, 9);
    expect(e1.warnings.map((w) => w.what)).toEqual(['e1: internal steam sold']);
    expect(e1.warnings[0]!.reason).toContain(
      'customers metered 92 t of the 100 t sent (8.0 % lost or unmetered)',
    );
  });

  it('the park operator’s grid electricity is allocated pro rata to electricity consumption', () => {
    // op imports 1,000 MWh (530.6 t) for common services; e1 uses 300 MWh, e2 100 MWh (their own imports):
    // shares 0.75 / 0.25. e1 = 300 × 0.5306 + 0.75 × 530.6 = 159.18 + 397.95 = 557.13; e2 = 53.06 + 132.65 = 185.71;
    // op = 0; park = 1,400 × 0.5306 = 742.84 = 557.13 + 185.71.
    const energy = {
      '2025-03': [
        line('op', 'electricity', 'import', 1000, 'MWh'),
        line('e1', 'electricity', 'import', 300, 'MWh'),
        line('e2', 'electricity', 'import', 100, 'MWh'),
      ],
    };
    const req = request(energy, { organisations: orgs });
    const e1 = computeAccount({ ...req, organisation: 'e1' });
    const e2 = computeAccount({ ...req, organisation: 'e2' });
    const op = computeAccount({ ...req, organisation: 'op' });
    expect(e1.allocation).toEqual({
      key: 'electricity',
      shared: ['op'],
      shares: { '2025-03': { e1: 0.75, e2: 0.25 } },
    });
    expect(e1.totals.grossTco2).toBeCloseTo(557.13, 9);
    expect(lineOf(e1, 'allocated:electricity_grid')).toMatchObject({
      source: 'allocated',
      item: 'electricity_grid',
      activity: 750,
    });
    expect(e2.totals.grossTco2).toBeCloseTo(185.71, 9);
    expect(op.totals.grossTco2).toBe(0);
    expect(op.lines).toEqual([]);
    expect(computeAccount(req).totals.grossTco2).toBeCloseTo(742.84, 9);
    // Without allocation the operator is its own account.
    const none = { ...req, profile: profileWith({ allocation: { key: 'none', sharedKinds: [] } }) };
    expect(computeAccount({ ...none, organisation: 'op' }).totals.grossTco2).toBeCloseTo(530.6, 9);
  });

  it('coverage is measured ÷ expected slots, weighted by tce; complete needs ≥ 90 %', () => {
    // Electricity 1,000 MWh at 80 % coverage (302.4 tce) and gas at 100 % (133 tce):
    // (302.4 × 0.8 + 133 × 1) / 435.4 = 374.92 / 435.4 = 0.86109…
    const a = computeAccount(
      request({
        '2025-03': [
          line('e1', 'electricity', 'import', 1000, 'MWh', { measuredSlots: 2304 }),
          line('e1', 'natural_gas', 'import', 100_000, 'm3'),
        ],
      }),
    );
    expect(lineOf(a, 'electricity_grid').coverage).toBeCloseTo(0.8, 12);
    expect(a.totals.coverage).toBeCloseTo(374.92 / 435.4, 12);
    expect(COMPLETENESS_THRESHOLD).toBe(0.9);
    expect(a.complete).toBe(false);
  });

  it('water and cooling are reported in physical units, never in tce', () => {
    const a = computeAccount(
      request({
        '2025-03': [
          line('e1', 'water', 'import', 5000, 'm3'),
          line('e1', 'electricity', 'import', 10, 'MWh'),
        ],
      }),
    );
    expect(a.energy.find((e) => e.carrier === 'water')).toMatchObject({
      quantity: 5000,
      unit: 'm3',
      tce: null,
    });
    // 10,000 kWh × 0.0003024 = 3.024 tce.
    expect(a.totals.energyTce).toBeCloseTo(3.024, 12);
  });

  it('the trail re-derives the totals', () => {
    const a = computeAccount(
      request(
        {
          '2025-03': [
            line('e1', 'electricity', 'import', 1000, 'MWh'),
            line('e1', 'natural_gas', 'import', 100_000, 'm3'),
            line('e1', 'heat', 'export', 200, 'GJ'),
          ],
        },
        { statistics: [stat('e1', '2025-03', 'offset', 'sink', 10, 'tCO2e')] },
      ),
    );
    const step = (id: string) => a.trail.find((s) => s.id === id)!;
    // 530.6 + 216.2188809 − 22 = 724.8188809.
    expect(step('gross').value).toBeCloseTo(724.8188809, 6);
    expect(step('gross').value).toBeCloseTo(a.totals.grossTco2, 9);
    expect(step('net').value).toBeCloseTo(a.totals.netTco2, 9);
    expect(step('energy_tce').value).toBeCloseTo(a.totals.energyTce, 9);
    expect(step('core').value).toBeCloseTo(a.totals.coreTco2PerTce!, 12);
    expect(step('subtotal:heat_exported:subtract').from).toEqual(['heat_exported:heat']);
    expect(a.statistics).toEqual([
      { organisation: 'e1', month: '2025-03', kind: 'offset', item: 'sink', version: 1 },
    ]);
  });
});

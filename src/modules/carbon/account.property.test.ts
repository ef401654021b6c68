import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { computeAccount, computeAccounts } from './account.ts';
import { seedFactors } from './factor-library.ts';
import { CN_ZERO_CARBON_PARK_2025, YN_ZERO_CARBON_PARK } from './profiles.ts';
import type { AccountRequest, AccountTotals, EnergyLine, MethodProfile, StatisticValue } from './types.ts';

// Invariants of the account (STYLE.md rule 9): emissions are linear in activity, organisations add up to the park
// (with and without allocation, with internal transfers), months add up to the period.

const ORGS: AccountRequest['organisations'] = [
  { id: 'e1', name: 'E1', kind: 'enterprise' },
  { id: 'e2', name: 'E2', kind: 'enterprise' },
  { id: 'op', name: 'Operator', kind: 'park_operator' },
  { id: 'pub', name: 'Public', kind: 'public' },
];
const MONTHS = ['2024-11', '2024-12', '2025-01'];
const ORG_IDS = ORGS.map((o) => o.id);

// Meter quantities to two decimals (no subnormal doubles, whose ratios overflow and say nothing about the method).
const amount = fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 100);

/** A boundary meter group (not an internal transfer). */
const arbitraryLine = fc
  .record({
    organisation: fc.constantFrom(...ORG_IDS),
    month: fc.constantFrom(...MONTHS),
    kind: fc.constantFrom(
      ['electricity', 'import', 'MWh'],
      ['electricity', 'export', 'kWh'],
      ['electricity', 'generation', 'MWh', 'pv'],
      ['electricity', 'generation', 'MWh', 'chp'],
      ['electricity', 'direct_green_supply', 'MWh', 'wind'],
      ['electricity', 'storage_charge', 'kWh'],
      ['electricity', 'storage_discharge', 'kWh'],
      ['natural_gas', 'import', 'm3'],
      ['coal', 'import', 't'],
      ['diesel', 'import', 't'],
      ['steam', 'import', 't'],
      ['heat', 'import', 'GJ'],
      ['heat', 'export', 'GJ'],
      ['water', 'import', 'm3'],
    ),
    quantity: amount,
    coverage: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ organisation, month, kind, quantity, coverage }) => ({
    month,
    line: {
      organisation,
      carrier: kind[0],
      role: kind[1],
      unit: kind[2],
      ...(kind[3] ? { technology: kind[3] } : {}),
      internalTransfer: false,
      quantity,
      estimated: 0,
      measuredSlots: coverage,
      expectedSlots: 100,
      meters: [`${organisation}-${kind.join('-')}`],
    } satisfies EnergyLine,
  }));

/**
 * A transfer between two of the park's organisations; the buyer's meter reads `received` × what the seller's sent
 * (losses in the park's network, or meters that disagree either way).
 */
const arbitraryTransfer = fc
  .record({
    from: fc.constantFrom(...ORG_IDS),
    to: fc.constantFrom(...ORG_IDS),
    month: fc.constantFrom(...MONTHS),
    carrier: fc.constantFrom(['electricity', 'MWh'], ['steam', 't'], ['heat', 'GJ'], ['natural_gas', 'm3']),
    quantity: amount,
    received: fc.constantFrom(1, 1, 0.92, 1.03),
  })
  .filter((t) => t.from !== t.to)
  .map((t) => {
    const side = (organisation: string, role: string): EnergyLine => ({
      organisation,
      carrier: t.carrier[0],
      role,
      unit: t.carrier[1],
      internalTransfer: true,
      quantity: role === 'import' ? t.quantity * t.received : t.quantity,
      estimated: 0,
      measuredSlots: 100,
      expectedSlots: 100,
      meters: [`${organisation}-${t.carrier[0]}-${role}-internal`],
    });
    return [
      { month: t.month, line: side(t.from, 'export') },
      { month: t.month, line: side(t.to, 'import') },
    ];
  });

const arbitraryStat = fc
  .record({
    organisation: fc.constantFrom(...ORG_IDS),
    month: fc.constantFrom(...MONTHS),
    kind: fc.constantFrom('green_claim', 'process_activity', 'recovered_co2', 'offset'),
    value: amount,
  })
  .map(({ organisation, month, kind, value }): StatisticValue => ({
    organisation,
    month,
    kind: kind,
    item: kind === 'offset' ? 'ccer' : kind === 'process_activity' ? 'clinker' : '',
    value: kind === 'green_claim' ? value / 10 : value / 100,
    unit: kind === 'green_claim' ? 'MWh' : kind === 'process_activity' ? 't' : 'tCO2',
    ...(kind === 'process_activity' ? { factor: { value: 0.52, unit: 'tCO2/t', source: 'lab' } } : {}),
    ...(kind === 'green_claim' ? { evidence: 'GEC' } : {}),
    version: 1,
    enteredBy: 't',
    enteredAt: '2025-02-01T00:00:00Z',
  }));

const arbitraryInputs = fc.record({
  lines: fc.array(arbitraryLine, { maxLength: 25 }),
  transfers: fc.array(arbitraryTransfer, { maxLength: 4 }),
  statistics: fc.array(arbitraryStat, { maxLength: 8 }),
});

type Inputs = {
  lines: { month: string; line: EnergyLine }[];
  transfers: { month: string; line: EnergyLine }[][];
  statistics: StatisticValue[];
};

function requestOf(inputs: Inputs, profile: MethodProfile, months = MONTHS): AccountRequest {
  const energy: Record<string, EnergyLine[]> = Object.fromEntries(months.map((m) => [m, []]));
  for (const { month, line } of [...inputs.lines, ...inputs.transfers.flat()]) energy[month]?.push(line);
  return {
    park: { id: 'p1', name: 'P', province: 'yunnan', gridRegion: 'south' },
    organisation: null,
    months,
    organisations: ORGS,
    energy,
    statistics: inputs.statistics,
    factors: [...seedFactors()],
    profile,
  };
}

const close = (a: number, b: number) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));
const addUp = (parts: AccountTotals[], whole: AccountTotals) => {
  close(
    parts.reduce((s, t) => s + t.grossTco2, 0),
    whole.grossTco2,
  );
  close(
    parts.reduce((s, t) => s + t.netTco2, 0),
    whole.netTco2,
  );
  close(
    parts.reduce((s, t) => s + t.energyTce, 0),
    whole.energyTce,
  );
  close(
    parts.reduce((s, t) => s + t.offsetsTco2, 0),
    whole.offsetsTco2,
  );
};

const withAllocation = (key: MethodProfile['allocation']['key']): MethodProfile => ({
  ...CN_ZERO_CARBON_PARK_2025,
  allocation: { key, sharedKinds: key === 'none' ? [] : ['park_operator', 'public'] },
});

describe('account invariants', () => {
  test.prop([
    arbitraryInputs,
    fc.double({ min: 0.01, max: 100, noNaN: true }),
    fc.constantFrom(CN_ZERO_CARBON_PARK_2025, YN_ZERO_CARBON_PARK),
  ])(
    'emissions are linear in activity: scaling every activity by k scales gross by k',
    (inputs, k, profile) => {
      const scaled: Inputs = {
        lines: inputs.lines.map(({ month, line }) => ({
          month,
          line: { ...line, quantity: line.quantity * k },
        })),
        transfers: inputs.transfers.map((pair) =>
          pair.map(({ month, line }) => ({ month, line: { ...line, quantity: line.quantity * k } })),
        ),
        statistics: inputs.statistics.map((s) => ({ ...s, value: s.value * k })),
      };
      const a = computeAccount(requestOf(inputs, profile));
      const b = computeAccount(requestOf(scaled, profile));
      close(b.totals.grossTco2, k * a.totals.grossTco2);
      close(b.totals.netTco2, k * a.totals.netTco2);
      close(b.totals.energyTce, k * a.totals.energyTce);
    },
  );

  test.prop([
    arbitraryInputs,
    fc.constantFrom<MethodProfile['allocation']['key']>('none', 'electricity', 'energy_tce'),
  ])(
    'the organisations’ accounts add up to the park account (with internal transfers; with and without allocation)',
    (inputs, key) => {
      const req = requestOf(inputs, withAllocation(key));
      const park = computeAccount(req);
      const orgs = ORG_IDS.map((id) => computeAccount({ ...req, organisation: id }));
      addUp(
        orgs.map((o) => o.totals),
        park.totals,
      );
      MONTHS.forEach((_, i) =>
        addUp(
          orgs.map((o) => o.byMonth[i]!.totals),
          park.byMonth[i]!.totals,
        ),
      );
      if (key !== 'none') {
        for (const o of orgs.filter((x) => x.organisation === 'op' || x.organisation === 'pub')) {
          expect(o.totals.grossTco2).toBe(0);
          expect(o.totals.energyTce).toBe(0);
        }
        for (const m of MONTHS) {
          const shares = orgs[0]!.allocation!.shares[m]!;
          close(shares.e1! + shares.e2!, 1);
        }
      }
    },
  );

  test.prop([
    arbitraryInputs,
    fc.constantFrom<string | null>(null, 'e1', 'op'),
    fc.constantFrom<MethodProfile['allocation']['key']>('none', 'electricity'),
  ])('monthly accounts add up to the period’s account', (inputs, organisation, key) => {
    const req = { ...requestOf(inputs, withAllocation(key)), organisation };
    const year = computeAccount(req);
    const months = MONTHS.map((m) => computeAccount({ ...req, months: [m] }));
    addUp(
      months.map((a) => a.totals),
      year.totals,
    );
    months.forEach((a, i) => expect(a.totals).toEqual(year.byMonth[i]!.totals));
    // Ratios are recomputed from the sums, never added.
    if (year.totals.energyTce !== 0)
      close(year.totals.coreTco2PerTce!, year.totals.grossTco2 / year.totals.energyTce);
    // Lines add up too.
    close(
      year.lines.reduce(
        (s, l) => s + (l.effect === 'add' ? l.tco2 : l.effect === 'subtract' ? -l.tco2 : 0),
        0,
      ),
      year.totals.grossTco2,
    );
  });

  test.prop([
    arbitraryInputs,
    fc.constantFrom<MethodProfile['allocation']['key']>('none', 'electricity', 'energy_tce'),
  ])(
    'accounts computed together (shared ledgers) equal the same accounts computed one by one',
    (inputs, key) => {
      const req = requestOf(inputs, withAllocation(key));
      const scopes = [null, ...ORG_IDS];
      expect(computeAccounts(req, scopes)).toEqual(
        scopes.map((organisation) => computeAccount({ ...req, organisation })),
      );
    },
  );
});

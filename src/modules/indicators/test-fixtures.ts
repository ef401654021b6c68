/**
 * Hand-built accounts and statistics for the indicator tests (no accounting engine involved): every field of the
 * carbon types is filled, ratios are recomputed from the totals given.
 */
import type { EvaluationInput } from './types.ts';

type Account = EvaluationInput['parkAccount'];
type StatisticValue = EvaluationInput['statistics'][number];

/** The 12 park-local months of `year`, YYYY-MM. */
export const monthsOf = (year: number): string[] =>
  Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

export interface FakeAccountOptions {
  organisation?: string | null;
  energyTce: number;
  grossTco2?: number;
  /** Default: grossTco2 (no offsets). */
  netTco2?: number;
  cleanEnergyTce?: number;
  months?: string[];
  complete?: boolean;
  missing?: Account['missing'];
  coverage?: number;
  electricityTce?: Account['method']['electricityTce'];
  method?: { id: string; version: number };
}

/** An account whose totals are the given ones; the core indicator is on the gross basis, coreTco2PerTce = gross ÷ energy. */
export function fakeAccount(o: FakeAccountOptions): Account {
  const months = o.months ?? monthsOf(2025);
  const gross = o.grossTco2 ?? 0;
  const net = o.netTco2 ?? gross;
  const clean = o.cleanEnergyTce ?? 0;
  const totals: Account['totals'] = {
    energyTce: o.energyTce,
    cleanEnergyTce: clean,
    cleanShare: o.energyTce === 0 ? null : clean / o.energyTce,
    grossTco2: gross,
    offsetsTco2: gross - net,
    netTco2: net,
    memoTco2: {},
    coreTco2PerTce: o.energyTce === 0 ? null : gross / o.energyTce,
    greenElectricityMwh: 0,
    gridElectricityMwh: 0,
    coverage: o.coverage ?? 1,
  };
  return {
    park: 'P1',
    organisation: o.organisation ?? null,
    period: { from: months[0]!, to: months[months.length - 1]!, months },
    method: {
      id: o.method?.id ?? 'test-method',
      version: o.method?.version ?? 1,
      name: 'test method',
      nameEn: 'test method',
      electricityTce: o.electricityTce ?? 'calorific',
      gridFactor: { rule: 'average', level: 'national', dataYear: 'latest' },
      rounding: { tco2: 2, tce: 2, indicator: 4, share: 4 },
      choices: [],
    },
    energy: [],
    lines: [],
    totals,
    byMonth: [],
    factors: [],
    allocation: null,
    missing: o.missing ?? [],
    warnings: [],
    complete: o.complete ?? true,
    trail: [],
    statistics: [],
  };
}

/** One statistical value (version 1 unless given). */
export function stat(
  organisation: string,
  month: string,
  kind: StatisticValue['kind'],
  value: number,
  extra: Partial<StatisticValue> = {},
): StatisticValue {
  return {
    organisation,
    month,
    kind,
    item: '',
    value,
    unit: 't',
    version: 1,
    enteredBy: 'test',
    enteredAt: '2026-01-15T00:00:00Z',
    ...extra,
  };
}

/** An evaluation input for 2025 around a park account; everything else empty unless given. */
export function fakeInput(parkAccount: Account, extra: Partial<EvaluationInput> = {}): EvaluationInput {
  return {
    parkAccount,
    organisationAccounts: [],
    organisations: [],
    statistics: [],
    factors: [],
    year: 2025,
    ...extra,
  };
}

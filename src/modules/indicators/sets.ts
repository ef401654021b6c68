/**
 * The shipped indicator sets as versioned data (standards.md §2), and `configureSet`, which fills in thresholds that
 * are not published to us as a new set version. Pure: no I/O.
 */
import { AppError } from '../../lib/errors.ts';
import type {
  IndicatorDefinition,
  IndicatorSet,
  IndicatorThreshold,
  ThresholdChange,
  ThresholdStatus,
} from './types.ts';

const NATIONAL_DOC =
  '国家发展改革委 工业和信息化部 国家能源局《关于开展零碳园区建设的通知》(发改环资〔2025〕910号) 附件3 零碳园区建设指标体系(试行)';
const NATIONAL_SECONDARY = `${NATIONAL_DOC}; values as quoted by several secondary sources (standards.md §2) [S]`;
const HUNAN_DOC = 'Hunan, 湘工信节能〔2025〕467号: targets for 2027 / 2030 / 2035 (standards.md §2) [V]';
const YUNNAN_DOC =
  'Yunnan zero-carbon park plan (the seed document, standards.md §1–2): definitions given, threshold values not found [U]';

/** The assessment cycle of efficiency diagnoses is read as the assessment year and the year before: unverified. */
const DIAGNOSIS_CYCLE_NOTE =
  'Cycle rule [U]: "the current two-year cycle" is read as a rolling window of the assessment year and the year ' +
  'before; fixed cycles (e.g. 2025–2026, 2027–2028) would count differently.';

/** Deep-freezes shipped data, so that no caller can edit a published version in place. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const published = (
  value: number,
  status: ThresholdStatus,
  source: string,
  extra: Partial<IndicatorThreshold> = {},
): IndicatorThreshold => ({ value, status, source, configurable: status === 'unverified', ...extra });

const unknown = (source: string, extra: Partial<IndicatorThreshold> = {}): IndicatorThreshold => ({
  value: null,
  status: 'unverified',
  source,
  configurable: true,
  ...extra,
});

// ---- definitions shared by the sets (each set copies them and sets its own thresholds) ----

type Definition = Omit<IndicatorDefinition, 'thresholds'>;

const CORE: Definition = {
  id: 'co2-per-energy',
  name: '单位能耗碳排放',
  nameEn: 'CO₂ per unit of energy consumption',
  category: 'core',
  unit: 'tCO2/tce',
  direction: 'at_most',
  formula:
    'park CO₂ emissions (t; CO₂ only, gross or net of offsets as the method profile says) ÷ park comprehensive ' +
    'energy consumption (tce)',
  compute: { kind: 'account', field: 'coreTco2PerTce' },
  applicability:
    'Every park; the threshold depends on the park’s annual comprehensive energy consumption (band).',
};

const CLEAN_ENERGY: Definition = {
  id: 'clean-energy-share',
  name: '清洁能源消费占比',
  nameEn: 'Clean-energy share of energy consumption',
  category: 'guiding',
  unit: 'share',
  direction: 'at_least',
  formula:
    'clean energy consumed (tce) ÷ comprehensive energy consumption (tce); what is clean is the method profile’s',
  compute: { kind: 'account', field: 'cleanShare' },
  applicability: 'Every park.',
};

const PRODUCT_ENERGY: Definition = {
  id: 'product-energy-grade2',
  name: '园区企业单位产品能耗达到国家能耗限额标准2级及以上',
  nameEn: 'Energy per unit product at or better than grade 2 of the national limit standards',
  category: 'guiding',
  unit: 'ratio to norm',
  direction: 'at_most',
  formula:
    'for each enterprise with one product: (its energy, tce ÷ its output) ÷ grade-2 norm of the product (factor ' +
    '`norm.<product>.grade2`, tce per unit); value = the highest ratio, ≤ 1 means every one meets grade 2',
  compute: { kind: 'product_energy_vs_norm', grade: 2, normKey: 'norm.{product}.grade2' },
  applicability:
    'Enterprises whose products have a national energy-consumption limit standard (GB 21xxx/GB 3xxxx series); the ' +
    'norms are not shipped: users enter each product’s grade-2 value as a factor. An enterprise making several ' +
    'products cannot be assessed without energy by product.',
};

const SOLID_WASTE: Definition = {
  id: 'solid-waste-utilisation',
  name: '工业固体废物综合利用率',
  nameEn: 'Industrial solid-waste utilisation rate',
  category: 'guiding',
  unit: 'share',
  direction: 'at_least',
  formula: 'Σ solid waste utilised (t) ÷ Σ solid waste generated (t), over the period and all organisations',
  compute: {
    kind: 'statistic_ratio',
    numerator: [{ kind: 'solid_waste_utilised' }],
    denominator: [{ kind: 'solid_waste_generated' }],
  },
  applicability:
    'Parks whose enterprises generate industrial solid waste. The statistical definition also adds stocks from ' +
    'earlier years that were utilised to the denominator; Lingtan has no statistic for them, so the value can exceed 1.',
};

const WASTE_HEAT_PARTS = [
  { item: 'heat', label: '余热 waste heat' },
  { item: 'cold', label: '余冷 waste cold' },
  { item: 'pressure', label: '余压 waste pressure' },
];

const WASTE_HEAT: Definition = {
  id: 'waste-heat-utilisation',
  name: '余热余冷余压综合利用率',
  nameEn: 'Waste heat, cold and pressure utilisation rate',
  category: 'guiding',
  unit: 'share',
  direction: 'at_least',
  formula:
    'weighted mean of the utilisation rates of waste heat, cold and pressure, rᵢ = recoveredᵢ ÷ availableᵢ (GJ), ' +
    'weighted by the available amounts: Σ availableᵢ·rᵢ ÷ Σ availableᵢ = Σ recovered ÷ Σ available',
  compute: {
    kind: 'weighted_ratio',
    recovered: 'waste_heat_recovered',
    available: 'waste_heat_available',
    parts: WASTE_HEAT_PARTS,
    weight: 'available',
  },
  applicability:
    'Parks with waste heat, cold or pressure (statistics with item heat, cold or pressure). Weights = available ' +
    'amounts [U]: Yunnan names a weighted mean without the weights; the national and Hunan formulas are not known to us.',
};

const WATER_REUSE: Definition = {
  id: 'water-reuse',
  name: '工业用水重复利用率',
  nameEn: 'Industrial water reuse rate',
  category: 'guiding',
  unit: 'share',
  direction: 'at_least',
  formula: 'Σ water reused (t) ÷ (Σ fresh water withdrawn (t) + Σ water reused (t))',
  compute: {
    kind: 'statistic_ratio',
    numerator: [{ kind: 'water_reused' }],
    denominator: [{ kind: 'water_used' }, { kind: 'water_reused' }],
  },
  applicability:
    'Parks with industrial water use. The formula is the usual statistical one (repeated use ÷ (fresh + repeated ' +
    'use), as in GB/T 7119) [S]; the indicator system’s own wording was not available to us.',
};

const CLEAN_TRANSPORT: Definition = {
  id: 'clean-transport-share',
  name: '清洁运输比例',
  nameEn: 'Clean-transport share of freight',
  category: 'characteristic',
  unit: 'share',
  direction: 'at_least',
  formula:
    'freight inside the park moved by electric or hydrogen vehicles (t·km) ÷ all freight inside the park (t·km)',
  compute: { kind: 'freight_share', items: ['electric', 'hydrogen'] },
  applicability:
    'Freight inside the park (statistic `freight`, item = vehicle type). Its category in the Yunnan system is not ' +
    'known to us [U].',
};

/** Efficiency-diagnosis coverage (Yunnan's definition), usable alone or in a set. */
export const EFFICIENCY_DIAGNOSIS_COVERAGE: Readonly<Definition> = deepFreeze({
  id: 'efficiency-diagnosis-coverage',
  name: '节能诊断覆盖率',
  nameEn: 'Energy-efficiency diagnosis coverage',
  category: 'guiding',
  unit: 'share',
  direction: 'at_least',
  formula:
    'enterprises consuming ≥ 5,000 tce in the assessment year with an energy-efficiency diagnosis in the current ' +
    'two-year cycle ÷ enterprises consuming ≥ 5,000 tce in the assessment year',
  compute: { kind: 'diagnosis_coverage', thresholdTce: 5000, cycleYears: 2, organisationKind: 'enterprise' },
  applicability: `Organisations of kind enterprise with annual energy ≥ 5,000 tce. ${DIAGNOSIS_CYCLE_NOTE} Its category in the Yunnan system is not known to us [U].`,
});

const indicator = (definition: Definition, thresholds: IndicatorThreshold[]): IndicatorDefinition => ({
  ...structuredClone(definition),
  thresholds,
});

/** The national indicator system (trial), 2025: the core indicator by band and five guiding indicators. */
export const CN_NATIONAL_2025: Readonly<IndicatorSet> = deepFreeze({
  id: 'cn-national-2025',
  version: 1,
  name: '零碳园区建设指标体系(试行)',
  nameEn: 'Zero-carbon park indicator system (trial), national',
  jurisdiction: 'CN',
  source: NATIONAL_DOC,
  status: 'trial',
  indicators: [
    indicator(CORE, [
      unknown(
        'No national threshold found for parks below 200,000 tce [U]: provinces set their own (standards.md §2)',
        { bandMaxTce: 200_000 },
      ),
      published(0.2, 'secondary', NATIONAL_SECONDARY, { bandMinTce: 200_000, bandMaxTce: 1_000_000 }),
      published(0.3, 'secondary', NATIONAL_SECONDARY, { bandMinTce: 1_000_000 }),
    ]),
    indicator(CLEAN_ENERGY, [published(0.9, 'secondary', NATIONAL_SECONDARY)]),
    indicator(PRODUCT_ENERGY, [published(1, 'secondary', NATIONAL_SECONDARY)]),
    indicator(SOLID_WASTE, [published(0.8, 'secondary', NATIONAL_SECONDARY)]),
    indicator(WASTE_HEAT, [published(0.5, 'secondary', NATIONAL_SECONDARY)]),
    indicator(WATER_REUSE, [
      published(0.8, 'unverified', `${NATIONAL_DOC}; secondary sources give 80 % or 90 % [U]`, {
        note: 'Configurable: 0.8 or 0.9 until the official text is confirmed.',
      }),
    ]),
  ],
});

const hunan = (
  values: [number, number, number],
  extra: Partial<IndicatorThreshold> = {},
): IndicatorThreshold[] =>
  ([2027, 2030, 2035] as const).map((year, i) =>
    published(values[i]!, 'verified', HUNAN_DOC, { year, ...extra }),
  );

/** Hunan's targets for 2027 / 2030 / 2035 (湘工信节能〔2025〕467号). */
export const HN_2025: Readonly<IndicatorSet> = deepFreeze({
  id: 'hn-2025',
  version: 1,
  name: '湖南省零碳园区建设指标',
  nameEn: 'Hunan zero-carbon park indicators (targets 2027 / 2030 / 2035)',
  jurisdiction: 'CN-HN',
  source: HUNAN_DOC,
  status: 'in_force',
  indicators: [
    indicator(CORE, [
      ...hunan([1.0, 0.7, 0.3], { bandMaxTce: 1_000_000 }),
      ...hunan([1.1, 0.8, 0.5], { bandMinTce: 1_000_000 }),
    ]),
    indicator(CLEAN_ENERGY, hunan([0.6, 0.7, 0.9])),
    indicator(SOLID_WASTE, hunan([0.8, 0.85, 0.95])),
    indicator(WASTE_HEAT, hunan([0.5, 0.55, 0.6])),
    indicator(WATER_REUSE, hunan([0.8, 0.85, 0.9])),
  ],
});

/** Yunnan: the definitions the seed document gives; every threshold unknown until a user configures it. */
export const YN_2025: Readonly<IndicatorSet> = deepFreeze({
  id: 'yn-2025',
  version: 1,
  name: '云南省零碳园区建设指标',
  nameEn: 'Yunnan zero-carbon park indicators',
  jurisdiction: 'CN-YN',
  source: YUNNAN_DOC,
  status: 'draft',
  method: {
    electricityTce: 'equivalent',
    note: 'Yunnan counts energy in tce with electricity at the equivalent value (等价值) (standards.md §2).',
  },
  indicators: [
    indicator(CORE, [
      // The bands are the national ones: Yunnan sets core indicators "by energy-consumption band" whose edges we
      // have not seen [U].
      unknown(`${YUNNAN_DOC}; band edges assumed national`, { bandMaxTce: 200_000 }),
      unknown(`${YUNNAN_DOC}; band edges assumed national`, { bandMinTce: 200_000, bandMaxTce: 1_000_000 }),
      unknown(`${YUNNAN_DOC}; band edges assumed national`, { bandMinTce: 1_000_000 }),
    ]),
    indicator(WASTE_HEAT, [unknown(YUNNAN_DOC)]),
    indicator(CLEAN_TRANSPORT, [unknown(YUNNAN_DOC)]),
    indicator(EFFICIENCY_DIAGNOSIS_COVERAGE, [unknown(YUNNAN_DOC)]),
  ],
});

/** Efficiency-diagnosis coverage on its own, for parks that track it outside a jurisdiction's set. */
export const EFFICIENCY_DIAGNOSIS_SET: Readonly<IndicatorSet> = deepFreeze({
  id: 'efficiency-diagnosis-coverage',
  version: 1,
  name: '节能诊断覆盖率',
  nameEn: 'Energy-efficiency diagnosis coverage',
  jurisdiction: 'CN-YN',
  source: YUNNAN_DOC,
  status: 'draft',
  indicators: [indicator(EFFICIENCY_DIAGNOSIS_COVERAGE, [unknown(YUNNAN_DOC)])],
});

/** Every shipped set, in the order the UI lists them. */
export const INDICATOR_SETS: readonly Readonly<IndicatorSet>[] = Object.freeze([
  CN_NATIONAL_2025,
  HN_2025,
  YN_2025,
  EFFICIENCY_DIAGNOSIS_SET,
]);

/** A shipped set by id (the highest version unless `version` is given), or undefined. */
export function findIndicatorSet(id: string, version?: number): Readonly<IndicatorSet> | undefined {
  const matches = INDICATOR_SETS.filter(
    (s) => s.id === id && (version === undefined || s.version === version),
  );
  return matches.reduce<Readonly<IndicatorSet> | undefined>(
    (best, s) => (best === undefined || s.version > best.version ? s : best),
    undefined,
  );
}

/** A shipped set by id and optional version; throws NOT_FOUND. */
export function getIndicatorSet(id: string, version?: number): Readonly<IndicatorSet> {
  const set = findIndicatorSet(id, version);
  if (!set) {
    throw new AppError(
      'NOT_FOUND',
      `indicator set ${id}${version === undefined ? '' : ` v${version}`} not found`,
    );
  }
  return set;
}

// ---- bands ----

const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** True when the park's annual energy falls in the threshold's band [bandMinTce, bandMaxTce). */
export function isInBand(threshold: IndicatorThreshold, energyTce: number): boolean {
  return (
    (threshold.bandMinTce === undefined || energyTce >= threshold.bandMinTce) &&
    (threshold.bandMaxTce === undefined || energyTce < threshold.bandMaxTce)
  );
}

/** '< 200,000 tce', '200,000–1,000,000 tce', '≥ 1,000,000 tce', or null for a threshold without a band. */
export function bandLabel(threshold: IndicatorThreshold): string | null {
  const { bandMinTce: min, bandMaxTce: max } = threshold;
  if (min === undefined && max === undefined) return null;
  if (min === undefined) return `< ${grouped(max!)} tce`;
  if (max === undefined) return `≥ ${grouped(min)} tce`;
  return `${grouped(min)}–${grouped(max)} tce`;
}

// ---- configuration ----

/** Selects a threshold by band and year (absent = unbounded / no year); exact match on all three. */
export interface ThresholdSelector {
  bandMinTce?: number;
  bandMaxTce?: number;
  year?: number;
}

/** One user-supplied threshold value. */
export interface ThresholdOverride {
  indicator: string;
  /** The index into the indicator's thresholds, or a band/year selector (a new row when none matches). */
  threshold: number | ThresholdSelector;
  /** null clears a configured value. Shares are fractions: 0.9 for 90 %. */
  value: number | null;
  /** The document the value comes from. */
  source: string;
  by: string;
  /** Default 'unverified'. */
  status?: ThresholdStatus;
  /** ISO instant; the caller's clock (this module reads none). */
  at?: string;
}

const overlaps = (a: ThresholdSelector, b: ThresholdSelector): boolean =>
  a.year === b.year &&
  Math.max(a.bandMinTce ?? -Infinity, b.bandMinTce ?? -Infinity) <
    Math.min(a.bandMaxTce ?? Infinity, b.bandMaxTce ?? Infinity);

const sameRow = (a: ThresholdSelector, b: ThresholdSelector): boolean =>
  a.bandMinTce === b.bandMinTce && a.bandMaxTce === b.bandMaxTce && a.year === b.year;

/**
 * A new version of `set` (version + 1) with the overrides applied to configurable thresholds; the version records
 * what changed, by whom and from what. Throws BAD_INPUT for an unknown indicator or row, a published
 * (non-configurable) threshold, an invalid value, or a new band that overlaps an existing one.
 *
 * @example
 * const mine = configureSet(YN_2025, [
 *   { indicator: 'co2-per-energy', threshold: { bandMaxTce: 200_000 }, value: 0.5, source: '云南省…', by: 'alice' },
 * ]); // mine.version === 2; evaluateSet(mine, …).set.version === 2
 */
export function configureSet(
  set: Readonly<IndicatorSet>,
  overrides: readonly ThresholdOverride[],
): IndicatorSet {
  if (overrides.length === 0) throw new AppError('BAD_INPUT', 'configureSet: no threshold to configure');
  const next: IndicatorSet = structuredClone(set);
  next.version = set.version + 1;
  next.basedOn = { id: set.id, version: set.version };
  const changes: ThresholdChange[] = [];

  for (const o of overrides) {
    const where = `${set.id} v${set.version}, indicator ${o.indicator}`;
    const def = next.indicators.find((d) => d.id === o.indicator);
    if (!def) throw new AppError('BAD_INPUT', `${where}: no such indicator`);
    if (o.value !== null && (!Number.isFinite(o.value) || o.value < 0)) {
      throw new AppError('BAD_INPUT', `${where}: the value must be a finite number ≥ 0 (got ${o.value})`);
    }
    if (o.value !== null && def.unit === 'share' && o.value > 1) {
      throw new AppError('BAD_INPUT', `${where}: shares are fractions, e.g. 0.9 for 90 % (got ${o.value})`);
    }
    if (!o.source.trim()) throw new AppError('BAD_INPUT', `${where}: a source is required`);

    let index: number;
    if (typeof o.threshold === 'number') {
      index = o.threshold;
      if (!Number.isInteger(index) || index < 0 || index >= def.thresholds.length) {
        throw new AppError('BAD_INPUT', `${where}: no threshold #${index} (it has ${def.thresholds.length})`);
      }
    } else {
      const selector = o.threshold;
      index = def.thresholds.findIndex((t) => sameRow(t, selector));
      if (index < 0) {
        const clash = def.thresholds.findIndex((t) => overlaps(t, selector));
        if (clash >= 0) {
          throw new AppError(
            'BAD_INPUT',
            `${where}: the new band overlaps threshold #${clash} (${bandLabel(def.thresholds[clash]!) ?? 'all parks'}); select that row to change it`,
          );
        }
        def.thresholds.push({
          ...selector,
          value: null,
          status: 'unverified',
          source: '',
          configurable: true,
        });
        index = def.thresholds.length - 1;
      }
    }
    const row = def.thresholds[index]!;
    if (!row.configurable) {
      throw new AppError(
        'BAD_INPUT',
        `${where}: threshold #${index} is published (${row.status}: ${row.source}); a published value changes only with a new shipped set version`,
      );
    }
    const previous = row.value;
    row.value = o.value;
    row.source = o.source;
    row.status = o.status ?? 'unverified';
    row.configured = { by: o.by, fromVersion: set.version, previous, ...(o.at ? { at: o.at } : {}) };
    changes.push({
      indicator: o.indicator,
      thresholdIndex: index,
      previous,
      value: o.value,
      source: o.source,
      by: o.by,
      ...(o.at ? { at: o.at } : {}),
    });
  }
  next.changes = changes;
  return next;
}

/**
 * Zero-carbon park indicators: indicator sets as versioned data, and the scorecard an evaluation returns. Import-free
 * but for carbon's import-free types, so that the web app can import these types (type-only) as API response types.
 *
 * Shares are fractions (0.9 = 90 %); intensities are tCO₂/tce; energy bands are tce per year.
 */
// eslint-disable-next-line no-restricted-imports -- carbon's types.ts is import-free, as this file must stay for the web app
import type {
  Account,
  ElectricityTceConvention,
  MissingInput,
  StatisticKind,
  StatisticValue,
} from '../carbon/types.ts';

/** How sure we are of a threshold (standards.md: [V] verified, [S] secondary, [U] unverified). */
export type ThresholdStatus = 'verified' | 'secondary' | 'unverified';

/** Publication state of a set: an official trial version, in force, or a draft/plan whose values are not published. */
export type SetStatus = 'trial' | 'in_force' | 'draft';

/** Core indicators decide acceptance; guiding and characteristic ones are reported (a park may explain why one does not apply). */
export type IndicatorCategory = 'core' | 'guiding' | 'characteristic';

/** 'at_most': the value must not exceed the threshold (an intensity); 'at_least': it must reach it (a share). */
export type IndicatorDirection = 'at_most' | 'at_least';

/** A sum of statistical values of one kind over the period's months and all organisations; `items` absent = every item. */
export interface StatisticTerm {
  kind: StatisticKind;
  items?: string[];
}

/**
 * How an indicator is computed, as data (never code), so that a set can be stored, versioned and shown.
 *
 * - `account`: a ratio the park account already holds (`coreTco2PerTce` on the method profile's gross/net basis,
 *   `cleanShare`).
 * - `statistic_ratio`: Σ numerator terms ÷ Σ denominator terms, every term summed over months and organisations.
 * - `weighted_ratio`: Σᵢ wᵢ·rᵢ ÷ Σᵢ wᵢ over the parts with wᵢ > 0, where rᵢ = recoveredᵢ ÷ availableᵢ and the weight
 *   wᵢ = availableᵢ — which equals Σ recovered ÷ Σ available over those parts.
 * - `freight_share`: freight (t·km) of the listed vehicle types ÷ all freight.
 * - `diagnosis_coverage`: organisations of `organisationKind` with annual energy ≥ `thresholdTce` that had an
 *   `efficiency_diagnosis` statistic within the last `cycleYears` calendar years (the assessment year included),
 *   ÷ all such organisations.
 * - `product_energy_vs_norm`: for each organisation making exactly one product, its energy (tce) ÷ its output, ÷ the
 *   user's norm factor `normKey` with `{product}` replaced (tce per unit of output); the value is the highest ratio.
 */
export type IndicatorCompute =
  | { kind: 'account'; field: 'coreTco2PerTce' | 'cleanShare' }
  | { kind: 'statistic_ratio'; numerator: StatisticTerm[]; denominator: StatisticTerm[] }
  | {
      kind: 'weighted_ratio';
      recovered: StatisticKind;
      available: StatisticKind;
      /** Each part is the statistics whose `item` is `item`. */
      parts: { item: string; label: string }[];
      weight: 'available';
    }
  | { kind: 'freight_share'; items: string[] }
  | {
      kind: 'diagnosis_coverage';
      thresholdTce: number;
      cycleYears: number;
      organisationKind: 'enterprise' | 'park_operator' | 'public';
    }
  | { kind: 'product_energy_vs_norm'; grade: number; normKey: string };

/** Who changed a threshold, when and from what (set by `configureSet`). */
export interface ThresholdConfiguration {
  by: string;
  /** ISO instant, when the caller gave one. */
  at?: string;
  /** The set version the change was made on, and the value there. */
  fromVersion: number;
  previous: number | null;
}

/**
 * One threshold of an indicator: applies to parks whose annual energy is in [bandMinTce, bandMaxTce) (absent bound =
 * unbounded) and, when `year` is set, is the target for that year. `value` null: no threshold known (yet).
 */
export interface IndicatorThreshold {
  bandMinTce?: number;
  bandMaxTce?: number;
  year?: number;
  value: number | null;
  status: ThresholdStatus;
  source: string;
  /** True when users may set the value (unpublished or unverified values); published ones are changed by a new set. */
  configurable: boolean;
  note?: string;
  configured?: ThresholdConfiguration;
}

/** One indicator of a set: what it measures, how it is computed and the thresholds it is held to. */
export interface IndicatorDefinition {
  id: string;
  name: string;
  nameEn: string;
  category: IndicatorCategory;
  /** 'tCO2/tce', 'share' (a fraction), 'ratio to norm'. */
  unit: string;
  direction: IndicatorDirection;
  /** The formula as a person reads it. */
  formula: string;
  compute: IndicatorCompute;
  thresholds: IndicatorThreshold[];
  /** Whom the indicator applies to and what its definition leaves open. */
  applicability: string;
}

/** A change of one threshold, recorded in the set version it produced. */
export interface ThresholdChange {
  indicator: string;
  /** Index into the indicator's thresholds in the new version. */
  thresholdIndex: number;
  previous: number | null;
  value: number | null;
  source: string;
  by: string;
  at?: string;
}

/** An indicator set of a jurisdiction, as versioned data. Results always name the set id and version. */
export interface IndicatorSet {
  id: string;
  version: number;
  /** Chinese name. */
  name: string;
  nameEn: string;
  /** 'CN', or an ISO 3166-2 subdivision: 'CN-HN' (Hunan), 'CN-YN' (Yunnan). */
  jurisdiction: string;
  /** The document the set comes from. */
  source: string;
  status: SetStatus;
  /** What the set requires of the accounting method; a result on another method is flagged. */
  method?: { electricityTce?: ElectricityTceConvention; note: string };
  /** The version this one was configured from. */
  basedOn?: { id: string; version: number };
  /** The threshold changes that made this version from `basedOn`. */
  changes?: ThresholdChange[];
  indicators: IndicatorDefinition[];
}

/**
 * How an indicator came out. 'no_threshold': computed, but no threshold is known for the park's band and year;
 * 'not_computable': an input is missing (see `missing`); 'not_applicable': the indicator's base is zero (nothing to
 * measure) or the park declared it does not apply.
 */
export type IndicatorOutcome = 'pass' | 'fail' | 'no_threshold' | 'not_computable' | 'not_applicable';

/** A statistical value as used in a result: enough to find the exact version again. */
export type StatisticRef = Pick<
  StatisticValue,
  'organisation' | 'month' | 'kind' | 'item' | 'value' | 'unit' | 'version'
>;

/** An input a result was formed from, with its value, coverage and the statistic versions behind it. */
export interface IndicatorInput {
  /** E.g. 'account:park', 'statistic:solid_waste_generated', 'organisation:ALU', 'factor:norm.aluminium.grade2'. */
  id: string;
  label: string;
  value: number;
  unit: string;
  /** Metered coverage of an account, or the share of the period's months with a value for a statistic. */
  coverage?: number;
  source?: string;
  statistics?: StatisticRef[];
}

/** One indicator's result. */
export interface IndicatorResult {
  indicator: string;
  name: string;
  nameEn: string;
  category: IndicatorCategory;
  unit: string;
  direction: IndicatorDirection;
  formula: string;
  value: number | null;
  threshold: number | null;
  /** The threshold row used (index into the definition's thresholds), with its provenance. */
  thresholdRef: {
    index: number;
    status: ThresholdStatus;
    source: string;
    configurable: boolean;
    configured?: ThresholdConfiguration;
  } | null;
  /** The energy band of the threshold used, e.g. '200,000–1,000,000 tce'; null for thresholds without a band. */
  band: string | null;
  targetYear: number | null;
  outcome: IndicatorOutcome;
  /**
   * Signed distance to the threshold in the indicator's unit: threshold − value for 'at_most', value − threshold for
   * 'at_least'. Positive = better than the threshold by that much (headroom), negative = short of it by that much.
   * null unless there are both a value and a threshold.
   */
  gap: number | null;
  /** For 'not_computable': each missing input ("not computable: missing X"). Never filled with an invented number. */
  missing: string[];
  /** Why the outcome is not pass/fail, in a sentence; null for pass and fail. */
  reason: string | null;
  /** Caveats: incomplete account, partial statistics, ignored items, unverified rules. */
  notes: string[];
  /** False when the result rests on incomplete inputs (an incomplete account, months without statistics). */
  complete: boolean;
  inputs: IndicatorInput[];
  applicability: string;
}

/** The evaluation of a set for a park and an assessment year. */
export interface Scorecard {
  set: Pick<IndicatorSet, 'id' | 'version' | 'name' | 'nameEn' | 'jurisdiction' | 'source' | 'status'>;
  park: string;
  period: { from: string; to: string; months: string[] };
  /** The assessment year. */
  year: number;
  /** The target year asked for, or the nearest target year ≥ `year` among the set's thresholds; null if none. */
  targetYear: number | null;
  /** The park's annual energy that picks the band, and the core indicator's band label. */
  band: { energyTce: number; label: string | null };
  /** The park account's accounting method. */
  method: { id: string; version: number; name: string; electricityTce: ElectricityTceConvention };
  account: { complete: boolean; coverage: number; missing: MissingInput[] };
  /** 'pass' when every core indicator passes, 'fail' when one fails, else 'undetermined'. */
  core: 'pass' | 'fail' | 'undetermined';
  counts: Record<IndicatorOutcome, number>;
  notes: string[];
  results: IndicatorResult[];
}

/** A factor as evaluation needs it (product norms `norm.<product>.grade2`); carbon's `Factor` fits. */
export interface IndicatorFactor {
  key: string;
  value: number;
  unit: string;
  source: string;
  version?: number;
  status?: string;
}

/** Everything `evaluateSet` needs; the service gathers it. */
export interface EvaluationInput {
  /** The park's account for the assessment period (normally the 12 months of `year`). */
  parkAccount: Account;
  /** One account per organisation over the assessment year (diagnosis coverage, product energy). */
  organisationAccounts: Account[];
  /** The park's organisations and their kinds. */
  organisations: { id: string; kind: 'enterprise' | 'park_operator' | 'public' }[];
  /**
   * Latest version of every statistical value of the period's months, all organisations — plus the efficiency
   * diagnoses of the earlier years of the diagnosis cycle. Ratios use only the months of the park account's period.
   */
  statistics: StatisticValue[];
  /**
   * The first month (YYYY-MM) whose statistics — at least the efficiency diagnoses — `statistics` includes. Without
   * it, diagnoses before the period count as seen only when some statistic of those years is present.
   */
  statisticsFrom?: string;
  /** Product norms: `norm.<product>.grade2`, in tce (or kgce) per unit of the product's output. */
  factors: IndicatorFactor[];
  /** The assessment year. */
  year: number;
  /** Target year for sets with targets by year; default: the nearest target year ≥ `year`. */
  targetYear?: number;
  /** Indicators the park declares not applicable to it, with its explanation. */
  notApplicable?: { indicator: string; reason: string }[];
}

/**
 * Carbon accounting: factors, method profiles, statistical inputs, and the account with its audit trail. Import-free,
 * so that the web app can import these types (type-only) as the API's response types.
 */

/** How sure we are of a value: a source quoting the official text, several secondary sources, unverified, or measured. */
export const FACTOR_STATUSES = ['verified', 'secondary', 'unverified', 'measured'] as const;
export type FactorStatus = (typeof FACTOR_STATUSES)[number];

/**
 * Who a factor version applies to: the library default ('*'), a park ('park:<park>'), or an organisation
 * ('org:<park>/<organisation>'). The most specific scope that has a version in force wins.
 */
export type FactorScope = string;

/**
 * One version of a factor. Keys are dot-separated (see `FACTOR_KEYS` below for the catalogue):
 * `tce.<carrier>` (tce per unit), `tce.electricity_calorific` / `tce.electricity_equivalent` (tce/kWh),
 * `grid.<level>.<region>.<variant>` (tCO₂/MWh), `fuel.<fuel>.ncv` (GJ per unit), `fuel.<fuel>.carbon_content`
 * (tC/GJ), `fuel.<fuel>.oxidation` (fraction), `fuel.<fuel>.density` (kg/L, for fuels metered in litres), `heat.co2`
 * (tCO₂/GJ), `steam.enthalpy` (kJ/kg), `grid_clean_share.<level>.<region>` (fraction).
 * A factor is never edited: a new version supersedes it from its `validFrom` date.
 */
export interface Factor {
  key: string;
  /** 1, 2, … per key and scope; among versions with the same `validFrom`, the highest wins. */
  version: number;
  scope: FactorScope;
  value: number;
  unit: string;
  /** Park-local date (YYYY-MM-DD) from which this version is in force; grid factors: 1 January of their data year. */
  validFrom: string;
  source: string;
  status: FactorStatus;
  /** The year the value describes (grid factors are published about two years later). */
  dataYear?: number;
  /** The document behind a user's value (supplier's certificate, lab report): a reference or an uploaded file's id. */
  evidence?: string;
  note?: string;
  createdBy: string;
  /** ISO instant. */
  createdAt: string;
}

/** Sections of the factor library: standard coal, grid, fuel, heat and steam, the grid's clean share. */
export type FactorGroup = 'tce' | 'grid' | 'fuel' | 'heat' | 'clean';
export const FACTOR_GROUPS: readonly FactorGroup[] = ['tce', 'grid', 'fuel', 'heat', 'clean'];

/** One family of factor keys: the key pattern, the units a version may have, and what the value means. */
export interface FactorKeyFamily {
  /** Human pattern, e.g. 'fuel.<fuel>.ncv'. */
  pattern: string;
  /** The section the factor library shows it in. */
  group: FactorGroup;
  regex: RegExp;
  /** Allowed units; every version of one key keeps the unit of its first version. */
  units: readonly string[];
  /** Inclusive bounds of a plausible value. */
  min: number;
  max: number;
  meaning: string;
  meaningZh: string;
}

const NAME = '[a-z0-9_]+';

/** The catalogue of factor keys (first match wins), for docs and for validating new versions. */
export const FACTOR_KEYS: readonly FactorKeyFamily[] = Object.freeze([
  {
    pattern: 'tce.electricity_calorific',
    group: 'tce',
    regex: /^tce\.electricity_calorific$/,
    units: ['tce/kWh'],
    min: 0,
    max: 0.001,
    meaning: 'electricity to tce at the calorific value (当量值), GB/T 2589-2020',
    meaningZh: '电力折标系数(当量值)',
  },
  {
    pattern: 'tce.electricity_equivalent',
    group: 'tce',
    regex: /^tce\.electricity_equivalent$/,
    units: ['tce/kWh'],
    min: 0,
    max: 0.001,
    meaning:
      "electricity to tce at the equivalent value (等价值) = the year's thermal-power supply coal rate",
    meaningZh: '电力折标系数(等价值,当年火电供电煤耗)',
  },
  {
    pattern: 'tce.<carrier or fuel>',
    group: 'tce',
    regex: new RegExp(`^tce\\.${NAME}$`),
    units: ['tce/t', 'tce/m3', 'tce/GJ'],
    min: 0,
    max: 10,
    meaning: 'standard-coal coefficient per unit of the carrier (GB/T 2589-2020 appendix A)',
    meaningZh: '折标准煤系数',
  },
  {
    pattern: 'grid.<level>.<region>.<variant>',
    group: 'grid',
    regex: new RegExp(`^grid\\.(national|regional|provincial)\\.[A-Za-z0-9_]+\\.${NAME}$`),
    units: ['tCO2/MWh'],
    min: 0,
    max: 2,
    meaning: 'grid emission factor (MEE/NBS), valid from 1 January of its data year',
    meaningZh: '电网排放因子',
  },
  {
    pattern: 'fuel.<fuel>.ncv',
    group: 'fuel',
    regex: new RegExp(`^fuel\\.${NAME}\\.ncv$`),
    units: ['GJ/t', 'GJ/m3'],
    min: 0,
    max: 200,
    meaning: 'net calorific value per unit of fuel (gases per m3, not corrected to a reference state)',
    meaningZh: '低位发热量',
  },
  {
    pattern: 'fuel.<fuel>.carbon_content',
    group: 'fuel',
    regex: new RegExp(`^fuel\\.${NAME}\\.carbon_content$`),
    units: ['tC/GJ'],
    min: 0,
    max: 0.1,
    meaning: 'carbon content per unit of heat',
    meaningZh: '单位热值含碳量',
  },
  {
    pattern: 'fuel.<fuel>.oxidation',
    group: 'fuel',
    regex: new RegExp(`^fuel\\.${NAME}\\.oxidation$`),
    units: ['1'],
    min: 0,
    max: 1,
    meaning: 'carbon oxidation rate (fraction)',
    meaningZh: '碳氧化率',
  },
  {
    pattern: 'fuel.<fuel>.density',
    group: 'fuel',
    regex: new RegExp(`^fuel\\.${NAME}\\.density$`),
    units: ['kg/L'],
    min: 0,
    max: 2,
    meaning: 'density of a liquid fuel metered in litres',
    meaningZh: '密度',
  },
  {
    pattern: 'heat.co2[.<variant>]',
    group: 'heat',
    regex: new RegExp(`^heat\\.co2(\\.${NAME})?$`),
    units: ['tCO2/GJ'],
    min: 0,
    max: 1,
    meaning: 'emission factor of purchased and exported heat and steam',
    meaningZh: '热力排放因子',
  },
  {
    pattern: 'steam.enthalpy',
    group: 'heat',
    regex: /^steam\.enthalpy$/,
    units: ['kJ/kg'],
    min: 83.74,
    max: 4000,
    meaning: 'steam enthalpy; steam t → GJ by t × (h − 83.74) × 10⁻³',
    meaningZh: '蒸汽热焓',
  },
  {
    pattern: 'grid_clean_share.<level>.<region>',
    group: 'clean',
    regex: new RegExp(`^grid_clean_share\\.(national|regional|provincial)\\.[A-Za-z0-9_]+$`),
    units: ['1'],
    min: 0,
    max: 1,
    meaning: "the grid's non-fossil share of electricity, counted as clean for unclaimed grid electricity",
    meaningZh: '电网清洁电力占比',
  },
] satisfies FactorKeyFamily[]);

/** A factor as used in a result: enough to find the exact version again and to cite it. */
export type FactorRef = Pick<
  Factor,
  'key' | 'version' | 'scope' | 'value' | 'unit' | 'validFrom' | 'source' | 'status' | 'dataYear'
>;

/** What a person (or the seed) gives for a new factor version; the library adds version, createdBy and createdAt. */
export type FactorDraft = Omit<Factor, 'version' | 'createdBy' | 'createdAt'>;

/** A new factor version as a user enters it: for the park, or for one organisation ('' or absent: the whole park). */
export type FactorInput = Omit<FactorDraft, 'scope'> & { organisation?: string };

/** How electricity is converted to tce: the calorific value (当量值, 0.1229 kgce/kWh) or the year's equivalent value (等价值). */
export type ElectricityTceConvention = 'calorific' | 'equivalent';

/**
 * Grid-factor rule. `average`: all grid electricity at the average factor of `level` (claims are shown as a memo line
 * and count as clean energy, but do not lower emissions: the average already carries the grid's green electricity).
 * `residual_when_claimed`: electricity backed by a claimed green instrument counts 0 and the remaining grid
 * electricity uses the national factor that excludes market-traded non-fossil electricity — but only for an
 * organisation-month that has claims; with none, the average of `level` (standards.md §4). Judging per
 * organisation-month keeps the organisations' accounts adding up to the park's.
 */
export interface GridFactorRule {
  rule: 'average' | 'residual_when_claimed';
  level: 'national' | 'regional' | 'provincial';
  /** 'latest': the factor in force (latest data year ≤ the accounting year); a number pins a data year. */
  dataYear: 'latest' | number;
}

/** Why a profile makes a choice, and how sure we are that it is the official one. */
export interface ProfileChoice {
  /** The profile field the note is about, e.g. 'electricityTce'. */
  field: string;
  status: FactorStatus;
  note: string;
}

/** A named, versioned set of accounting choices. Results always name the profile id and version. */
export interface MethodProfile {
  id: string;
  version: number;
  name: string;
  nameEn: string;
  description: string;
  /** The profile this one was copied from. */
  basedOn?: { id: string; version: number };
  electricityTce: ElectricityTceConvention;
  gridFactor: GridFactorRule;
  /** Factor key for purchased and exported heat (tCO₂/GJ), normally 'heat.co2'. */
  heatFactorKey: string;
  /** Subtract exported electricity (at the grid factor) and exported heat and steam (at the heat factor). */
  creditExports: boolean;
  /** 'include': process emissions are part of gross emissions; 'memo': reported beside them, not added. */
  processEmissions: 'include' | 'memo';
  /** 'deduct': recovered (captured and used or stored) CO₂ is subtracted from gross; 'memo': reported only. */
  recoveredCo2: 'deduct' | 'memo';
  /** Offsets (CCER, sinks, CCUS credits) are always reported apart; 'net' subtracts them in net emissions. */
  offsets: 'net' | 'memo';
  /** Which emissions the core indicator (tCO₂/tce) divides: gross or net of offsets. */
  coreIndicatorBasis: 'gross' | 'net';
  /** What counts as clean energy in the clean-energy share. */
  cleanEnergy: {
    /** Natural gas counts as clean energy (some provincial definitions include it). */
    naturalGas: boolean;
    /** Factor key of the grid's clean (non-fossil) share of unclaimed grid electricity, or null to count none of it. */
    gridCleanShareKey: string | null;
  };
  /**
   * Shared park assets (the organisations of the listed kinds: the park's PV, storage, common services) are allocated
   * to the other organisations pro rata to `key` of the same month, so that organisation accounts add up to the park
   * account; 'none' keeps them as their own organisation.
   */
  allocation: {
    key: 'none' | 'electricity' | 'energy_tce';
    sharedKinds: ('enterprise' | 'park_operator' | 'public')[];
  };
  /** Fuel whose combustion defaults apply to each fuel carrier (meters name a carrier, not a fuel grade). */
  carrierFuel: Record<string, string>;
  /**
   * Standard-coal factor key of each carrier other than electricity (e.g. coal → 'tce.raw_coal', steam →
   * 'tce.steam_low_pressure'); a carrier not listed has no tce (water, cooling, hydrogen). Electricity follows
   * `electricityTce`; any carrier metered in thermal units (GJ, MJ, kWh_th) uses 'tce.heat'.
   */
  carrierTce: Record<string, string>;
  /** Decimal places when figures are shown or exported; sums are computed unrounded. */
  rounding: { tco2: number; tce: number; indicator: number; share: number };
  choices: ProfileChoice[];
  createdBy: string;
  createdAt: string;
}

/** Statistical inputs that meters do not give, entered per organisation and month. */
export const STATISTIC_KINDS = [
  'industrial_output', // 工业总产值, 10^4 CNY
  'value_added', // 工业增加值, 10^4 CNY
  'product_output', // item: product name; unit: t, pieces …
  'solid_waste_generated', // t
  'solid_waste_utilised', // t
  'waste_heat_available', // GJ (waste heat, cold and pressure: item names which)
  'waste_heat_recovered', // GJ
  'water_used', // t (industrial water withdrawal)
  'water_reused', // t (repeated use)
  'freight', // t·km; item: vehicle type electric | hydrogen | diesel | gasoline | natural_gas | other
  'process_activity', // item: process; value × factor (tCO₂/unit, with its source) = process CO₂
  'recovered_co2', // tCO₂ captured and used or stored
  'offset', // tCO₂e; item: ccer | sink | ccus | other
  'green_claim', // MWh claimed in the certificate ledger (certificates, or those of green-power trades); not entered here
  'efficiency_diagnosis', // 1 = an energy-efficiency diagnosis done in this month; item: the report id
] as const;
export type StatisticKind = (typeof STATISTIC_KINDS)[number];

/** How a statistic kind is entered: the form offers it so, and the server checks it so. */
export interface StatisticKindSpec {
  /** Accepted units, the stored one first; null: any unit, named when entering (products, processes). */
  units: readonly string[] | null;
  /** 'none': one value per organisation and month; 'text': a named item; a list: one of these items. */
  item: 'none' | 'text' | readonly string[];
  /** A row without an item is refused. */
  itemRequired: boolean;
  /** A row without evidence is refused: what lowers emissions must be backed by a document. */
  evidence: boolean;
  /** process_activity: the emission factor per unit of activity, with its source. */
  factor: boolean;
  /** Not entered as a statistic: the certificate ledger (green module) makes these inputs, so they count once. */
  fromLedger: boolean;
}

const kindSpec = (
  units: readonly string[] | null,
  item: StatisticKindSpec['item'] = 'none',
  more: Partial<StatisticKindSpec> = {},
): StatisticKindSpec => ({
  units,
  item,
  itemRequired: item !== 'none',
  evidence: false,
  factor: false,
  fromLedger: false,
  ...more,
});

/** Every statistic kind's entry rules, in the order of the data-entry form (economy, products, resources, …). */
export const STATISTIC_SPECS: Readonly<Record<StatisticKind, StatisticKindSpec>> = Object.freeze({
  industrial_output: kindSpec(['10^4 CNY', '万元']),
  value_added: kindSpec(['10^4 CNY', '万元']),
  product_output: kindSpec(null, 'text'),
  solid_waste_generated: kindSpec(['t']),
  solid_waste_utilised: kindSpec(['t']),
  // 余热, 余冷, 余压: the waste-heat indicator weights the three.
  waste_heat_available: kindSpec(['GJ'], ['heat', 'cold', 'pressure']),
  waste_heat_recovered: kindSpec(['GJ'], ['heat', 'cold', 'pressure']),
  // Water entered in m³ is stored as t (1 m³ ≈ 1 t).
  water_used: kindSpec(['t', 'm3']),
  water_reused: kindSpec(['t', 'm3']),
  // The clean-transport indicator reads the electric and hydrogen items.
  freight: kindSpec(
    ['t·km', 't*km', 'tkm'],
    ['electric', 'hydrogen', 'diesel', 'gasoline', 'natural_gas', 'other'],
  ),
  process_activity: kindSpec(null, 'text', { factor: true }),
  recovered_co2: kindSpec(['tCO2'], 'none', { evidence: true }),
  offset: kindSpec(['tCO2e', 'tCO2'], ['ccer', 'sink', 'ccus', 'other'], { evidence: true }),
  green_claim: kindSpec(['MWh'], ['certificate', 'trade'], { evidence: true, fromLedger: true }),
  efficiency_diagnosis: kindSpec(['count'], 'text'),
});

/** One version of one statistical value. A correction is a new version; earlier versions stay. */
export interface StatisticValue {
  organisation: string;
  /** Park-local month, YYYY-MM. */
  month: string;
  kind: StatisticKind;
  /** What within the kind: product name, vehicle type, process, offset type; '' when the kind has one value. */
  item: string;
  value: number;
  unit: string;
  /** process_activity only: emission factor per unit of activity, with its source. */
  factor?: { value: number; unit: string; source: string };
  evidence?: string;
  version: number;
  enteredBy: string;
  enteredAt: string;
  note?: string;
}

/**
 * One boundary-meter group of one organisation and month: a carrier in one role (and technology, for generation),
 * summed over the organisation's meters without a parent. Quantities are in `unit`, the meters' quantity unit.
 */
export interface EnergyLine {
  organisation: string;
  carrier: string;
  /** MeterRole: import, export, generation, storage_charge, storage_discharge, direct_green_supply, consumption. */
  role: string;
  /** Generation technology (pv, wind, hydro, chp, diesel_genset …) for generation and direct green supply. */
  technology?: string;
  /** Sales between the park's organisations: counted for the organisations, cancelled at the park boundary. */
  internalTransfer: boolean;
  unit: string;
  /** Measured + estimated. */
  quantity: number;
  estimated: number;
  measuredSlots: number;
  expectedSlots: number;
  meters: string[];
}

/** Everything the pure account computation needs; the service gathers it from the database. */
export interface AccountRequest {
  park: { id: string; name: string; province: string; gridRegion: string };
  /** null: the whole park. */
  organisation: string | null;
  /** Park-local months, YYYY-MM, ascending and contiguous. */
  months: string[];
  organisations: { id: string; name: string; kind: 'enterprise' | 'park_operator' | 'public' }[];
  /** Boundary lines of every organisation of the park, per month (all organisations: allocation needs them). */
  energy: Record<string, EnergyLine[]>;
  /** Latest version of every statistical value of the park in these months. */
  statistics: StatisticValue[];
  /** Every version of every factor in every scope that may apply; the computation picks per month. */
  factors: Factor[];
  profile: MethodProfile;
}

/** Sources of CO₂ in an account (GB/T 32150 structure, standards.md §4). */
export type EmissionSource =
  | 'combustion'
  | 'process'
  | 'electricity_grid'
  | 'electricity_green'
  | 'heat_purchased'
  | 'electricity_exported'
  | 'heat_exported'
  | 'recovered'
  | 'offset'
  | 'allocated'
  /** Electricity, heat or steam bought from another organisation of the park (organisation accounts only). */
  | 'transfer_in'
  /** Electricity, heat or steam sold to another organisation of the park: always subtracted, so transfers cancel. */
  | 'transfer_out';

/** How a line enters the totals: added to gross, subtracted from gross, subtracted only for net, or reported only. */
export type LineEffect = 'add' | 'subtract' | 'net_only' | 'memo';

/** One line of an account: activity × factors = tCO₂, with the formula and the factors it used. */
export interface EmissionLine {
  /** Stable within an account, e.g. 'combustion:natural_gas', 'electricity_grid'. */
  id: string;
  source: EmissionSource;
  /** Carrier, fuel, process or instrument the line is about. */
  item: string;
  activity: number;
  activityUnit: string;
  /** Signed as it enters its total: deductions are positive numbers with effect 'subtract'. */
  tco2: number;
  effect: LineEffect;
  /** E.g. 'FC × NCV × CC × OF × 44/12'. */
  formula: string;
  factors: FactorRef[];
  /** Measured share of the activity's input (1 for statistical inputs that were entered). */
  coverage: number;
  /** Meters or statistical inputs behind the line. */
  inputs: string[];
}

/** Energy of one carrier in an account: physical quantity and tce. */
export interface EnergyItem {
  carrier: string;
  /** Net consumption in `unit`: supply − export − storage charge (+ discharge). */
  quantity: number;
  unit: string;
  /**
   * Quantity per meter role (unsigned); internal transfers as 'import_internal' / 'export_internal', and the net
   * quantity allocated from shared organisations as 'allocated' (signed).
   */
  byRole: Record<string, number>;
  /** null when the carrier has no standard-coal coefficient (water, cooling); never in totals then. */
  tce: number | null;
  /** Part of the carrier's tce that counts as clean energy. */
  cleanTce: number;
  /** The tce factor in force in the last month of the period (null when the carrier has none). */
  factor: FactorRef | null;
  /** Every tce factor version used over the period (the electricity equivalent value changes by year). */
  factors: FactorRef[];
  coverage: number;
  estimated: number;
}

/** An input the account needed but did not have, or had only in part. */
export interface MissingInput {
  what: string;
  reason: string;
  /** Months it concerns. */
  months: string[];
}

/** The totals of an account (a period, or one of its months). All unrounded. */
export interface AccountTotals {
  energyTce: number;
  cleanEnergyTce: number;
  /** Clean energy ÷ energy, null when energy is 0. */
  cleanShare: number | null;
  /** Gross emissions: lines with effect 'add' − lines with effect 'subtract'. */
  grossTco2: number;
  /** Offsets subtracted for net (effect 'net_only'). */
  offsetsTco2: number;
  netTco2: number;
  /** Memo items, by source. */
  memoTco2: Partial<Record<EmissionSource, number>>;
  /** CO₂ per tce on the profile's basis; null when energy is 0. */
  coreTco2PerTce: number | null;
  greenElectricityMwh: number;
  gridElectricityMwh: number;
  /** Weighted coverage of metered inputs (by tce where known). */
  coverage: number;
}

/** One step of the audit trail: a named intermediate value, how it was formed and from what. */
export interface TrailStep {
  id: string;
  label: string;
  formula: string;
  value: number;
  unit: string;
  /** Ids of lines, items or other steps it was formed from. */
  from: string[];
}

/** An account for a park or an organisation and a period, with everything a verifier needs to re-derive it. */
export interface Account {
  park: string;
  organisation: string | null;
  /** First and last month, YYYY-MM, inclusive. */
  period: { from: string; to: string; months: string[] };
  method: {
    id: string;
    version: number;
    name: string;
    nameEn: string;
    electricityTce: ElectricityTceConvention;
    gridFactor: GridFactorRule;
    basedOn?: { id: string; version: number };
    /** Display rounding (explain and exports); every number in the account is unrounded. */
    rounding: MethodProfile['rounding'];
    choices: ProfileChoice[];
  };
  energy: EnergyItem[];
  lines: EmissionLine[];
  totals: AccountTotals;
  /** The same computation per month; the months add up to `totals` (ratios recomputed, not added). */
  byMonth: { month: string; totals: AccountTotals }[];
  /** Every factor version used, once. */
  factors: FactorRef[];
  /** Shares used to allocate shared organisations, per month, when the profile allocates. */
  allocation: { key: string; shared: string[]; shares: Record<string, Record<string, number>> } | null;
  missing: MissingInput[];
  /** Things a verifier should see that do not make the account incomplete (claims above grid import …). */
  warnings: MissingInput[];
  /** True when every input is present and coverage ≥ the completeness threshold (see docs/methods.md). */
  complete: boolean;
  trail: TrailStep[];
  /** The account's statistical inputs, with their versions. */
  statistics: Pick<StatisticValue, 'organisation' | 'month' | 'kind' | 'item' | 'version'>[];
}

/** One close of a scope, period and profile (a frozen account). */
export interface AccountClose {
  id: number;
  organisation: string | null;
  fromMonth: string;
  toMonth: string;
  profileId: string;
  profileVersion: number;
  /** The close this one restates, and why. */
  supersedes: number | null;
  reason: string | null;
  closedBy: string;
  closedAtMs: number;
}

/** A restatement: the period is closed, and computing it now gives different figures. */
export interface Restatement {
  current: Account;
  /** Current − closed, for the totals that differ. */
  delta: { grossTco2: number; netTco2: number; energyTce: number };
  /** Why, as far as the inputs show: months whose energy changed, statistics and factors added or changed. */
  changes: string[];
}

/** An account as answered: live, or the closed one with any restatement beside it (never in its place). */
export interface AccountAnswer {
  account: Account;
  close: AccountClose | null;
  restatement: Restatement | null;
}

/** A statistics row refused, with its reasons (file, line, field): kept with its batch so that nothing is lost. */
export interface RejectedStatistic {
  /** 1-based line in the CSV (the header is line 1), or the row's position in a form submission. */
  line: number;
  /** The row as sent. */
  raw: string;
  issues: { file?: string; line?: number; column?: number; field?: string; reason: string }[];
}

/** What an import or form submission of statistics did. */
export interface StatisticBatchResult {
  /** null when nothing changed and the same content had been received before: no new batch is recorded. */
  batchId: number | null;
  received: number;
  inserted: number;
  unchanged: number;
  rejected: RejectedStatistic[];
}

/** A recorded batch of statistics (an import or a form submission). */
export interface StatisticBatch {
  id: number;
  source: string;
  received: number;
  inserted: number;
  unchanged: number;
  rejected: RejectedStatistic[];
  actor: string;
  createdAt: number;
}

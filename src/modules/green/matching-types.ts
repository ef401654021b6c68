/**
 * Inputs and outputs of the green-electricity matching engine (`matching.ts`). Import-free, so that the web app can
 * import these shapes type-only. Energies are MWh; hours are half-open `[startMs + h·1 h, startMs + (h + 1)·1 h)`;
 * months (`YYYY-MM`) and days (`YYYY-MM-DD`) are park-local. See docs/green-matching.md for every rule.
 */

/** The method version every matching result names. */
export type GreenMatchingMethod = 'green-matching-1';

/** How an hourly green source reaches its consumer: own generation, a direct line, or an hourly-settled trade. */
export type HourlySourceKind = 'onsite' | 'direct_supply' | 'trade_hourly';

/** A monthly green instrument: a claimed certificate (绿证) or a monthly-settled green-power trade (绿电). */
export type InstrumentKind = 'certificate' | 'trade';

/** Every kind of green supply a result reports. */
export type GreenSupplyKind = HourlySourceKind | 'storage_discharge' | InstrumentKind;

/** An hourly green source: one value per hour of the period, MWh delivered in that hour. */
export interface HourlyGreenSource {
  id: string;
  kind: HourlySourceKind;
  /** Generation technology, e.g. `pv`, `wind`, `hydro` (reported, not interpreted). */
  technology: string;
  energyMwh: Float64Array;
}

/** A storage's metered hourly charge and discharge (MWh at its terminals) and its round-trip efficiency. */
export interface StorageProfile {
  id: string;
  chargeMwh: Float64Array;
  dischargeMwh: Float64Array;
  /** Round-trip efficiency η, 0 < η ≤ 1: a parcel keeps η of what was charged. */
  roundTripEfficiency: number;
}

/** A consumer (an organisation of the park): its end-use load and the green sources and storages it owns. */
export interface MatchingConsumer {
  id: string;
  /** End-use consumption per hour (storage charging is not part of it). */
  loadMwh: Float64Array;
  sources?: readonly HourlyGreenSource[];
  storages?: readonly StorageProfile[];
}

/** How a shared park resource is divided among consumers. */
export type AllocationRule =
  | {
      /** Pro rata to each hour's load (monthly load for monthly instruments); nothing when the park's load is 0. */
      rule: 'pro_rata';
    }
  | {
      /** Fixed fractions by consumer id summing to at most 1; the rest stays unallocated and is reported. */
      rule: 'contract';
      shares: Readonly<Record<string, number>>;
    };

/** A park source (park PV, the direct line) divided among the consumers. */
export interface SharedHourlySource extends HourlyGreenSource {
  allocation: AllocationRule;
}

/** A park storage; it charges from the shared sources before they are divided, and its discharge is divided. */
export interface SharedStorage extends StorageProfile {
  allocation: AllocationRule;
}

/** Certificates the park holds (MWh per park-local month `YYYY-MM`), divided among the consumers. */
export interface SharedCertificates {
  id: string;
  technology?: string;
  monthlyMwh: Readonly<Record<string, number>>;
  allocation: AllocationRule;
}

/** A monthly green instrument of one consumer; counts in monthly and annual matching only, never hourly. */
export interface MonthlyInstrument {
  id: string;
  consumerId: string;
  /** Park-local month `YYYY-MM`; it must be a month the period touches. */
  month: string;
  energyMwh: number;
  kind: InstrumentKind;
  technology?: string;
}

/** The grid's carbon-free share (0..1), hourly or per park-local month, with a label naming its source. */
export type GridGreenShare =
  | { resolution: 'hourly'; share: Float64Array; source: string }
  | { resolution: 'monthly'; share: Readonly<Record<string, number>>; source: string };

/** Which consumers get an output: every one, none, or those listed by id. */
export type ConsumerSelection = 'all' | 'none' | readonly string[];

/** Everything the matching engine needs: the period, the consumers, the park's shared resources and instruments. */
export interface MatchingInput {
  /** UTC instant (epoch ms) of the first hour; must start a park-local hour. */
  startMs: number;
  /** Number of hours (8,760 or 8,784 for a year). */
  hours: number;
  /** The park's IANA time zone: months, days and hours of day are park-local. */
  timeZone: string;
  consumers: readonly MatchingConsumer[];
  shared?: {
    sources?: readonly SharedHourlySource[];
    storages?: readonly SharedStorage[];
    certificates?: readonly SharedCertificates[];
  };
  instruments?: readonly MonthlyInstrument[];
  /** Absent: the grid is counted as 0 % carbon-free, so CFE scores equal the hourly matched shares. */
  gridGreenShare?: GridGreenShare;
  options?: {
    /** Consumers that get a days × 24 heat map (default `none`). */
    heatMaps?: ConsumerSelection;
    /** Whether the park aggregate gets a heat map (default true). */
    parkHeatMap?: boolean;
    /** Consumers whose hourly series are returned (default `none`). */
    series?: ConsumerSelection;
    /** Whether the park aggregate's hourly series are returned (default false). */
    parkSeries?: boolean;
  };
}

/** Totals of one matching method: the green supply it counts, what of the load it matches, and what is left over. */
export interface MethodFigures {
  greenSupplyMwh: number;
  matchedMwh: number;
  surplusMwh: number;
  /** matched ÷ load; null when the load is 0. */
  matchedShare: number | null;
  /** Matched plus the grid's carbon-free part of the rest, ÷ load (hourly: the 24/7 CFE score); null when load is 0. */
  withGridShare: number | null;
}

/** One line of green supply: a source, a storage's green discharge, or an instrument (grouped by id). */
export interface SupplyLine {
  id: string;
  origin: 'own' | 'shared' | 'instrument';
  kind: GreenSupplyKind;
  technology: string;
  energyMwh: number;
}

/** What a storage did over the period under the FIFO rule. */
export interface StorageReport {
  id: string;
  origin: 'own' | 'shared';
  roundTripEfficiency: number;
  chargedMwh: number;
  /** Charge taken from the owner's green surplus (shared storage: from the shared sources). */
  chargedGreenMwh: number;
  /** Grid charge × the grid's carbon-free share in its charging hour. */
  chargedGridGreenMwh: number;
  /** (1 − η) × charged. */
  lossesMwh: number;
  dischargedMwh: number;
  dischargedGreenMwh: number;
  /** Discharge that came from grid charging (its carbon-free part is `dischargedGridGreenMwh`). */
  dischargedGridMwh: number;
  dischargedGridGreenMwh: number;
  /** Discharge beyond everything charged in the period (data starting mid-cycle): no green attribute. */
  unknownOriginMwh: number;
  /** Parcels still stored at the end of the period (after losses). */
  endStoredMwh: number;
  endStoredGreenMwh: number;
}

/** One park-local month of a consumer's matching. */
export interface MonthMatching {
  month: string;
  hours: number;
  loadMwh: number;
  /** Σ C_h: hourly green supply after allocation and storage. */
  hourlyGreenMwh: number;
  /** Own monthly instruments plus allocated park certificates. */
  instrumentsMwh: number;
  matchedHourlyMwh: number;
  cfeMwh: number;
  unmatchedHours: number;
  /** min(load, hourly green + instruments). */
  matchedMonthlyMwh: number;
  surplusMonthlyMwh: number;
  /** Load-weighted mean of the grid's carbon-free share; null when the month has no load or the share is not given. */
  gridShareMean: number | null;
}

/** Park-local days × 24 hours of CFE_h ÷ L_h, row-major (`values[day * 24 + hour]`); NaN where the load is 0. */
export interface HeatMap {
  days: readonly string[];
  values: Float32Array;
}

/** A heat map as plain JSON: `values[day][hour]`, null where the load is 0. */
export interface HeatMapJson {
  days: string[];
  values: (number | null)[][];
}

/** A consumer's (or the park's) hourly results, one value per hour of the period. */
export interface HourlySeries {
  /** C_h: carbon-free supply available to the load (own + allocated shared + green storage discharge − green charge). */
  greenSupplyMwh: Float64Array;
  matchedMwh: Float64Array;
  cfeMwh: Float64Array;
  surplusMwh: Float64Array;
}

/** Hourly series as plain JSON arrays. */
export interface HourlySeriesJson {
  greenSupplyMwh: number[];
  matchedMwh: number[];
  cfeMwh: number[];
  surplusMwh: number[];
}

/** The matching of one consumer, or of the park aggregate (id `park`). */
export interface ConsumerMatching {
  id: string;
  loadMwh: number;
  /** Gross green supply by kind: sources before storage charging, storages' green discharge, instruments. */
  greenSupplyByKindMwh: Record<GreenSupplyKind, number>;
  supplyLines: SupplyLine[];
  /** Green taken from this party's surplus into its own storages (shared storage draws before allocation). */
  storageGreenChargedMwh: number;
  /** Losses of the party's own storages (shared storages report theirs in `shared`). */
  storageLossesMwh: number;
  /** Discharge of unknown origin served to this party (own storages and its allocation of shared ones). */
  unknownOriginMwh: number;
  hourly: MethodFigures;
  monthly: MethodFigures;
  annual: MethodFigures;
  /** Σ CFE_h ÷ Σ L_h (equal to `hourly.withGridShare`). */
  cfeScore: number | null;
  unmatched: { hours: number; energyMwh: number };
  byMonth: MonthMatching[];
  storages: StorageReport[];
  heatMap?: HeatMap;
  series?: HourlySeries;
}

/** The matching of one consumer as plain JSON. */
export type ConsumerMatchingJson = Omit<ConsumerMatching, 'heatMap' | 'series'> & {
  heatMap?: HeatMapJson;
  series?: HourlySeriesJson;
};

/** How one shared resource was divided. */
export interface SharedResourceReport {
  id: string;
  resource: 'source' | 'storage' | 'certificates';
  rule: 'pro_rata' | 'contract';
  /** What the division follows: each hour's load, each month's load, or fixed contract shares. */
  basis: 'hourly_load' | 'monthly_load' | 'fixed_shares';
  /** Source: gross output; storage: green discharge; certificates: MWh held. */
  totalMwh: number;
  /** Source only: taken by shared storages before division. */
  drawnToStorageMwh: number;
  allocatedMwh: Record<string, number>;
  unallocatedMwh: number;
  storage?: StorageReport;
}

/** The rules a result was computed with. */
export interface MatchingRules {
  hourly: 'cfe-24x7-no-carry-over';
  storage: 'fifo-net-of-losses';
  instruments: 'monthly-and-annual-only';
  park: 'single-consumer-aggregate';
  allocation: {
    resourceId: string;
    resource: SharedResourceReport['resource'];
    rule: 'pro_rata' | 'contract';
  }[];
  gridShare: {
    given: boolean;
    resolution: 'hourly' | 'monthly' | null;
    source: string | null;
    note: string | null;
  };
}

/** The result of `matchGreenSupply`. */
export interface MatchingResult {
  method: GreenMatchingMethod;
  rules: MatchingRules;
  period: { startMs: number; endMs: number; hours: number; timeZone: string; months: string[] };
  consumers: ConsumerMatching[];
  park: ConsumerMatching;
  shared: SharedResourceReport[];
}

/** A matching result as plain JSON (heat maps and series as arrays). */
export type MatchingResultJson = Omit<MatchingResult, 'consumers' | 'park'> & {
  consumers: ConsumerMatchingJson[];
  park: ConsumerMatchingJson;
};

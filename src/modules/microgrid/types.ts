/**
 * Source-grid-load-storage (源网荷储): the shared types of profiles, tariffs, sizing and dispatch. Powers are kW
 * (average over the step), energies kWh, prices CNY/kWh, money CNY; times epoch ms (UTC), steps in park-local time.
 */

/** A regular time series of average power (kW) starting at `startMs`, one value per step. */
export interface Profile {
  startMs: number;
  stepMinutes: 15 | 60;
  /** Average power over each step, kW (for generation profiles: per kW of installed capacity when `perKw`). */
  valuesKw: number[];
  /** True when values are per kW installed (a PV or wind shape), false for absolute loads. */
  perKw: boolean;
  /** Where it came from: 'metered:<park>[/<org>]', 'pv-model', 'wind-curve', 'csv:<file>' … */
  source: string;
}

/** Price class of a time-of-use period. */
export type PriceClass = 'critical_peak' | 'peak' | 'flat' | 'valley' | 'deep_valley';

/** One rule of a time-of-use calendar: in these months, these local hours [from, to) are of this class. */
export interface TouRule {
  months: number[]; // 1..12
  /** Half-open local hour ranges, e.g. [[8, 11], [18, 23]]; minutes as fractions (10.5 = 10:30). */
  hours: [number, number][];
  priceClass: PriceClass;
}

/** A Chinese two-part industrial tariff, effective from a date (park-local). */
export interface Tariff {
  id: string;
  name: string;
  /** Park-local date YYYY-MM-DD from which it applies. */
  validFrom: string;
  /** Energy price by class, CNY/kWh (including transmission and surcharges, as billed). */
  energyPrice: Partial<Record<PriceClass, number>> & { flat: number };
  /** Rules checked in order; hours no rule covers are `flat`. */
  touRules: TouRule[];
  /** Maximum-demand charge (需量电费), CNY per kW of the month's highest 15-minute demand; 0 if none. */
  demandChargePerKwMonth: number;
  /** Capacity charge (容量电费), CNY per kVA-month of transformer capacity (a fixed cost; reported, not optimised). */
  capacityChargePerKvaMonth?: number;
  /** Price paid for exported energy, CNY/kWh (0: no payment; null: export not allowed). */
  exportPrice: number | null;
  source: string;
}

/** A technology that can be built, with its costs; capacities in kW (storage energy in kWh). */
export interface TechnologyCost {
  /** Capital cost, CNY per kW (storage energy: per kWh). */
  capexPerUnit: number;
  lifetimeYears: number;
  /** Fixed O&M per year as a share of capex (e.g. 0.01). */
  omShare: number;
  minUnits?: number;
  maxUnits?: number;
}

/** A sizing scenario (以荷定源): what to build to meet a target at the least annualised cost. */
export interface SizingScenario {
  id: string;
  name: string;
  /** Hourly (or 15-min) profiles over the same year-long horizon. */
  load: Profile;
  pvShape?: Profile;
  windShape?: Profile;
  /** Existing capacity that is free (already built), kW. */
  existing?: { pvKw?: number; windKw?: number; storageKwh?: number; storageKw?: number };
  costs: {
    pv?: TechnologyCost;
    wind?: TechnologyCost;
    storageEnergy?: TechnologyCost;
    storagePower?: TechnologyCost;
  };
  storage?: { roundTripEfficiency: number; minSocShare: number; maxSocShare: number };
  discountRate: number;
  tariff: Tariff;
  gridImportLimitKw?: number;
  gridExportLimitKw?: number;
  /** Grid emission factor, tCO₂/MWh, for a CO₂ target and for reporting. */
  gridFactorTco2PerMwh: number;
  /** Green share of consumption served by own generation: annual balance (≥ x of annual load) or hour by hour. */
  target?:
    | { kind: 'green_share_annual'; share: number }
    | { kind: 'green_share_hourly'; share: number }
    | { kind: 'co2_cap'; tco2: number }
    | { kind: 'none' };
  /** Representative days instead of the full year (fast mode). */
  representativeDays?: number;
}

/** A shiftable load: energy it needs within a window, with a power limit (EV charging, a batch process). */
export interface ShiftableLoad {
  id: string;
  energyKwh: number;
  maxKw: number;
  /** Step indices [from, to) within the horizon in which it may run. */
  window: [number, number];
  /**
   * At least this much (kWh) within the horizon, at most `energyKwh` (default: exactly `energyKwh`). A rolling plan's
   * window that ends before the load's own window sets it: the rest may still come after the window.
   */
  minEnergyKwh?: number;
}

/** A dispatch scenario: the plan for one day (96 × 15 min) or a rolling horizon. */
export interface DispatchScenario {
  id: string;
  name: string;
  stepMinutes: 15 | 60;
  startMs: number;
  /** Fixed load, kW per step. */
  loadKw: number[];
  /** Available PV (or other renewable) power, kW per step (may be curtailed). */
  pvKw: number[];
  storage?: {
    energyKwh: number;
    powerKw: number;
    roundTripEfficiency: number;
    minSocShare: number;
    maxSocShare: number;
    initialSocShare: number;
    /** State of charge the plan must end with (default: the initial one). */
    finalSocShare?: number;
  };
  shiftable?: ShiftableLoad[];
  tariff: Tariff;
  gridImportLimitKw?: number;
  gridExportLimitKw?: number;
  /** Demand already reached this month (kW): the plan pays only for exceeding it. */
  monthPeakSoFarKw?: number;
  /**
   * The first this many steps count towards the month's peak (default: all). A rolling plan's window that runs into
   * the next month sets it: a new month's demand is billed from zero, in a later plan.
   */
  demandChargeSteps?: number;
  gridFactorTco2PerMwh: number;
  objective: 'cost' | 'co2' | 'green_self_consumption';
}

/** Why no plan exists: the constraints that conflict and the smallest relaxation of each that makes it feasible. */
export interface Infeasibility {
  status: 'infeasible';
  conflicts: {
    constraint: string;
    description: string;
    relaxBy: number;
    unit: string;
    steps?: number[];
    /**
     * Which way out this relaxation belongs to (0, 1 …): conflicts with the same number are needed together, and any
     * one number's set is enough on its own. Absent when no single family sufficed and every conflict listed is
     * needed together.
     */
    alternative?: number;
  }[];
  message: string;
}

// ---- results (here, import-free, so that the web app shares them) ----------------------------------------------

/** Where the time of a solve went, ms. */
export interface SolveStats {
  /** Waiting for the worker (started and HiGHS loaded when it is the first solve). */
  startMs: number;
  /** HiGHS reading the LP text. */
  parseMs: number;
  /** HiGHS solving (presolve, simplex, postsolve; with a warm start both solves). */
  solveMs: number;
  /** Of which the first, fixed solve of a warm start. */
  warmStartMs?: number;
  /** From `solve()` to its answer. */
  totalMs: number;
  iterations: number;
}

/** Solver failures that are not infeasibility (time-out, worker died …). */
export interface SolveFailure {
  status: 'error';
  reason: string;
  message: string;
}

/** One representative day: the real day it is, how many days it stands for, which, and in which months they fall. */
export interface RepresentativeDay {
  /** Day index within the horizon (0 = the first day). */
  day: number;
  weight: number;
  members: number[];
  /** Months (0–11) of its members: its steps count towards each month's demand peak. */
  months: number[];
}

/** The plan: per step (arrays indexed by step), totals and how it was solved. Powers kW, energies kWh, money CNY. */
export interface DispatchPlan {
  status: 'optimal';
  scenarioId: string;
  objective: DispatchScenario['objective'];
  startMs: number;
  stepMinutes: 15 | 60;
  loadKw: number[];
  gridImportKw: number[];
  gridExportKw: number[];
  pvAvailableKw: number[];
  pvUsedKw: number[];
  pvCurtailedKw: number[];
  chargeKw: number[];
  dischargeKw: number[];
  /** State of charge at the end of each step, kWh (empty without storage). */
  socKwh: number[];
  shiftableKw: Record<string, number[]>;
  /** Energy price of each step, CNY/kWh (absent in plans saved before it was recorded). */
  priceCnyPerKwh?: number[];
  /**
   * Of `pvAvailableKw`, the part that is wind, kW (when the scenario has wind: PV and wind are one renewable pool in
   * the LP, and `pvAvailableKw`, `pvUsedKw` and `pvCurtailedKw` count both).
   */
  windAvailableKw?: number[];
  totals: {
    loadKwh: number;
    shiftableKwh: number;
    gridImportKwh: number;
    gridExportKwh: number;
    pvUsedKwh: number;
    pvCurtailedKwh: number;
    chargeKwh: number;
    dischargeKwh: number;
    energyCostCny: number;
    exportRevenueCny: number;
    /** demandChargePerKwMonth × (peak − month's peak so far), when positive. */
    demandChargeCny: number;
    /** energy − export revenue + demand charge. */
    costCny: number;
    /** Highest import of the plan, kW. */
    peakKw: number;
    /** Net purchased electricity × grid factor (GB/T 32150: 净购入电力), tCO₂. */
    co2Tco2: number;
  };
  /** Things a reader of the plan should know (e.g. how exports were priced). */
  notes: string[];
  solve: { buildMs: number; passes: SolveStats[] };
}

/** One re-plan of a rolling dispatch: the window it looked at, the steps it kept, and how it was solved. */
export interface RollingWindow {
  /** First step of the window (index in the horizon) and its length. */
  from: number;
  steps: number;
  /** Steps of this plan that were carried out: [from, from + committed). */
  committed: number;
  /** State of charge the plan started from, kWh (absent without storage). */
  initialSocKwh?: number;
  /** The window plan's own cost, CNY (what it expected over the whole window). */
  plannedCostCny: number;
  solve: { buildMs: number; passes: SolveStats[] };
}

/**
 * A rolling (receding-horizon) plan: per step what was carried out — the committed steps of each re-plan, facing the
 * actual load and PV — and the re-plans themselves. The arrays and totals are those of the steps carried out; `solve`
 * sums the windows.
 */
export interface RollingDispatchPlan extends DispatchPlan {
  rolling: {
    windowSteps: number;
    commitSteps: number;
    replans: number;
    windows: RollingWindow[];
    /** The load and PV each step was planned with (the forecasts; equal to loadKw and pvAvailableKw without error). */
    forecastLoadKw: number[];
    forecastPvKw: number[];
    /**
     * Where carrying out the plans departed from them (actual ≠ forecast): how many steps, and the change of import,
     * export and curtailment against the plans, kWh (signed: negative = less than planned).
     */
    deviations: {
      steps: number;
      importChangeKwh: number;
      exportChangeKwh: number;
      curtailedChangeKwh: number;
    };
  };
}

/** What sizing can build. */
export type Technology = 'pv' | 'wind' | 'storageEnergy' | 'storagePower';

/** The sizing answer. Capacities kW (storage energy kWh); energies kWh per year; money CNY per year. */
export interface SizingResult {
  status: 'optimal';
  mode: 'full_year' | 'representative_days';
  capacities: Record<Technology, { existing: number; added: number; total: number }>;
  /** 1 − Σ import ÷ Σ load: the share of the load served by own generation (directly or via storage). */
  greenShare: number;
  /** The lowest share of a single step (what an hour-by-hour target constrains). */
  minStepGreenShare: number;
  energy: {
    loadKwh: number;
    gridImportKwh: number;
    gridExportKwh: number;
    pvAvailableKwh: number;
    pvUsedKwh: number;
    windAvailableKwh: number;
    windUsedKwh: number;
    curtailedKwh: number;
    /** Curtailed ÷ available renewable energy. */
    curtailmentShare: number;
    chargeKwh: number;
    dischargeKwh: number;
  };
  cost: {
    annualisedCapexCny: Record<Technology, number>;
    omCny: Record<Technology, number>;
    energyCny: number;
    demandCny: number;
    exportRevenueCny: number;
    /** capex + O&M + energy + demand − export revenue (existing capacity is free). */
    totalCny: number;
  };
  /** totalCny ÷ loadKwh, CNY/kWh. */
  levelisedCostCnyPerKwh: number;
  /** Net purchased electricity × grid factor, tCO₂ per year. */
  co2Tco2: number;
  /** The modelled steps (the year, or the representative days one after another) and their weights. */
  dispatch: {
    stepMinutes: 15 | 60;
    /** Start of the horizon (epoch ms): with representative days, day d's steps start d days after it. */
    startMs?: number;
    /** Energy price of each modelled step, CNY/kWh. */
    energyPriceCnyPerKwh?: number[];
    weight: number[];
    loadKw: number[];
    gridImportKw: number[];
    gridExportKw: number[];
    pvUsedKw: number[];
    pvCurtailedKw: number[];
    windUsedKw: number[];
    windCurtailedKw: number[];
    chargeKw: number[];
    dischargeKw: number[];
    socKwh: number[];
  };
  representativeDays?: RepresentativeDay[];
  /** When the full year was solved too: the representative days' error against it. */
  comparison?: SizingComparison;
  /**
   * buildMs: JS building the LP text; guessMs: the representative-day solve that hot-started a full year;
   * the LP's size; its objective (with the tie-breaking penalties).
   */
  solve: {
    buildMs: number;
    guessMs?: number;
    stats: SolveStats;
    lpObjectiveCny: number;
    variables: number;
    rows: number;
    lpTextChars: number;
  };
}

/** The representative-day answer against the full year. */
export interface SizingComparison {
  fullYearTotalCny: number;
  representativeTotalCny: number;
  /** (representative − full year) ÷ full year. */
  relativeError: number;
  fullYearCapacities: Record<Technology, number>;
  fullYearMs: number;
  representativeMs: number;
}

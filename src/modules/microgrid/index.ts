/** Source-grid-load-storage (源网荷储): profiles, tariffs, sizing and dispatch LPs on HiGHS, scenarios per park. */
export * from './types.ts';
export { pvShape, pvSeries, solarPosition, type PvOptions } from './solar.ts';
export { windShape, genericPowerCurve, type PowerCurve } from './wind.ts';
export { parseProfileCsv, resample, scaleProfile, profileEnergyKwh, dailyMatrix } from './profiles.ts';
export { priceSeries, priceClassAt, tariffFor, validateTariff, YUNNAN_2025_DEMO_TARIFF } from './tariff.ts';
export { FILL_RULE, meteredLoadProfile, type MeteredLoadProfile } from './load-profile.service.ts';
export { buildDispatchLp, solveDispatch, type DispatchPlan } from './dispatch-lp.ts';
export { carryOut, solveRollingDispatch, type RollingOptions } from './rolling-dispatch.ts';
export { dispatchPlanCsv, resultCsv, sizingDispatchCsv } from './results-csv.ts';
export { embedProfileFiles, type EmbedContext } from './scenario-profiles.ts';
export {
  buildSizingLp,
  sizingInputFromScenario,
  solveSizing,
  type SizingLpInput,
  type SizingResult,
} from './size-lp.ts';
export { createLpSolver, type LpSolver, type LpSolveOptions, type SolveProgress } from './solver.ts';
export type { SolveFailure } from './infeasibility.ts';
export { parseScenarioFile, ScenarioFileSchema, type ScenarioFile } from './scenario-file.ts';
export {
  DEFAULT_GRID_FACTOR_TCO2_PER_MWH,
  findRunResult,
  getScenario,
  listRuns,
  lastRuns,
  listScenarios,
  resolveDispatch,
  resolveSizing,
  runDispatch,
  runSizing,
  saveScenario,
  TARIFFS,
  type ResolvedDispatch,
  type RunOptions,
  type SaveScenarioOptions,
} from './microgrid.service.ts';

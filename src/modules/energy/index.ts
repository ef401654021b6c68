/** Energy: tce conversion, the energy overview and trend, the energy flow (Sankey) and the organisation ranking. */
export { DISPLAY_METHOD, HEAT_TCE_PER_GJ, TCE_FACTORS, tceFactorFor, tceOf } from './tce.ts';
export { buildEnergyFlow, netSign, type FlowInput, type FlowMeter } from './flow.ts';
export {
  energyFlow,
  energyTrend,
  LOW_COVERAGE,
  MAX_15M_DAYS,
  MAX_ALARMS,
  MAX_TREND_POINTS,
  parkOverview,
  SILENT_AFTER_MS,
  type ScopeOptions,
} from './overview.service.ts';
export { comparisonPeriods, INTENSITY_NOTE, organisationRanking } from './ranking.service.ts';

/** Carbon: the factor library, method profiles, statistical inputs, and accounts (computed, explained, closed). */
export * from './types.ts';
export { FACTOR_KEYS, resolveFactor, seedFactors } from './factor-library.ts';
export { SHIPPED_PROFILES, copyProfile, validateProfile } from './profiles.ts';
export { computeAccount, computeAccounts } from './account.ts';
export { explainAccount, accountToJson } from './explain.ts';
export {
  STATISTIC_COLUMNS,
  STATISTIC_UNITS,
  type RawStatisticRow,
  type RejectedStatistic,
} from './statistics-input.ts';
export { addFactor, listFactors, type NewFactor } from './factor.service.ts';
export { findProfile, listProfiles, saveProfile } from './profile.service.ts';
export {
  importStatisticsCsv,
  listStatistics,
  statisticBatches,
  statisticVersions,
  submitStatistics,
  type StatisticBatchResult,
} from './statistic.service.ts';
export {
  accountFor,
  accountMonths,
  answerFor,
  buildAccountRequest,
  closePeriod,
  defaultProfileId,
  energyByMonth,
  groupEnergyLines,
  monthCacheStats,
  restatementOf,
  verifyClose,
  type AccountQuery,
} from './account.service.ts';
export { listCloses } from './close.repo.ts';

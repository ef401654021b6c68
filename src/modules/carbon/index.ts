/** Carbon: the factor library, method profiles, statistical inputs, and accounts (computed, explained, closed). */
export * from './types.ts';
export { computeAccount, computeAccounts } from './account.ts';
export { explainAccount, accountToJson } from './explain.ts';
export { STATISTIC_COLUMNS, type RawStatisticRow } from './statistics-input.ts';
export { addFactor, listFactors, type NewFactor } from './factor.service.ts';
export { listProfiles, saveProfile } from './profile.service.ts';
export {
  importStatisticsCsv,
  listStatistics,
  statisticBatches,
  statisticVersions,
  submitStatistics,
} from './statistic.service.ts';
export {
  accountFor,
  accountMonths,
  answerFor,
  buildAccountRequest,
  closePeriod,
  defaultProfileId,
  energyByMonth,
  monthCacheStats,
  verifyClose,
  type AccountQuery,
} from './account.service.ts';
export { listCloses } from './close.repo.ts';

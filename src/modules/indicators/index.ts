/** Indicators: the zero-carbon park indicator sets as versioned data, and scorecards of a park against them. */
export * from './types.ts';
export { INDICATOR_SETS, configureSet, findIndicatorSet, type ThresholdOverride } from './sets.ts';
export { evaluateSet } from './evaluate.ts';
export {
  configureParkSet,
  defaultSetId,
  findSet,
  listIndicatorSets,
  scorecardFor,
} from './indicator.service.ts';

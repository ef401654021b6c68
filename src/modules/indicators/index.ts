/** Indicators: the zero-carbon park indicator sets as versioned data, and scorecards of a park against them. */
export * from './types.ts';
export type { ThresholdOverride } from './sets.ts';
export { configureParkSet, listIndicatorSets, scorecardFor } from './indicator.service.ts';
